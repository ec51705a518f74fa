/**
 * `lvs-play render`: what each host would get, from the planned plays alone (no read, no
 * connection). Every resource's `desired()` (types.ts) in run order, per host; secrets that any
 * resource of the host declares are masked everywhere in that host's output (src/mask.ts).
 */
import { redact } from '../mask.js';
import type { PlannedPlay, PlannedTask } from '../run/select.js';
import type { AnyResource, DesiredFile } from '../types.js';

/** One file as rendered: text content, secrets masked. */
export interface RenderedFile {
  path: string;
  content: string;
  mode?: number;
  owner?: string | number;
  group?: string | number;
  only?: string;
}

/** One task of a host, as rendered. */
export interface RenderedTask {
  play: string;
  role: string | null;
  resource: string;
  kind: string;
  /** False: skipped by a condition. */
  enabled: boolean;
  /** A handler: runs only when notified. */
  handler: boolean;
  /** False: the resource does not describe its desired state. */
  described: boolean;
  files: RenderedFile[];
  settings: string[];
}

export interface RenderedHost {
  name: string;
  address: string;
  tasks: RenderedTask[];
}

function secretsOf(tasks: readonly PlannedTask[]): string[] {
  return [...new Set(tasks.flatMap((t) => t.resource.secrets ?? []))];
}

function fileOf(f: DesiredFile, secrets: readonly string[]): RenderedFile {
  const text = typeof f.content === 'string' ? f.content : f.content.toString('utf8');
  return {
    path: f.path,
    content: redact(text, secrets),
    ...(f.mode !== undefined ? { mode: f.mode } : {}),
    ...(f.owner !== undefined ? { owner: f.owner } : {}),
    ...(f.group !== undefined ? { group: f.group } : {}),
    ...(f.only !== undefined ? { only: f.only } : {}),
  };
}

function taskOf(play: string, t: PlannedTask, handler: boolean, secrets: readonly string[]): RenderedTask {
  const r: AnyResource = t.resource;
  const d = r.desired?.();
  return {
    play,
    role: t.role,
    resource: redact(r.id, secrets),
    kind: r.kind,
    enabled: t.enabled,
    handler,
    described: d !== undefined,
    files: (d?.files ?? []).map((f) => fileOf(f, secrets)),
    settings: (d?.settings ?? []).map((s) => redact(s, secrets)),
  };
}

/**
 * Every host of the plays, in the order they first appear, with its tasks (play by play) and then
 * the handlers its plays define. Pure: nothing is read, nothing is contacted.
 */
export function renderPlays(plays: readonly PlannedPlay[]): RenderedHost[] {
  const hosts = new Map<string, { name: string; address: string; planned: { play: string; task: PlannedTask; handler: boolean }[] }>();
  for (const p of plays) {
    for (const hp of p.perHost.values()) {
      const h = hosts.get(hp.host.name) ?? { name: hp.host.name, address: hp.host.address, planned: [] };
      hosts.set(hp.host.name, h);
      for (const task of hp.tasks) h.planned.push({ play: p.play.name, task, handler: false });
      for (const task of hp.handlers.values()) h.planned.push({ play: p.play.name, task, handler: true });
    }
  }
  return [...hosts.values()].map((h) => {
    const secrets = secretsOf(h.planned.map((x) => x.task));
    return { name: h.name, address: h.address, tasks: h.planned.map((x) => taskOf(x.play, x.task, x.handler, secrets)) };
  });
}

/**
 * Lab test support: runs a playbook (a value built in the test) against `-i lab` through the same
 * pipeline as the CLI (inventory → select → execute over real ssh / PowerShell transports).
 */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { makeConnector } from '../../src/cli/connect.js';
import { loadInventory } from '../../src/inventory/load.js';
import { builtinInventory } from '../../src/cli/builtin-inventory.js';
import { selectHosts } from '../../src/inventory/pattern.js';
import { SecretResolver } from '../../src/inventory/secret.js';
import { labUp, hostExec } from '../../src/lab/index.js';
import { silent } from '../../src/lab/exec.js';
import { execute } from '../../src/run/executor.js';
import { Redactor } from '../../src/run/redact.js';
import { selectPlaybook } from '../../src/run/select.js';
import { preflight } from '../../src/run/preflight.js';
import type { Playbook, RunReport, Vars } from '../../src/types.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let up: Promise<void> | undefined;
/** Brings the lab up once per test process (idempotent and fast when it is already up). */
export function ensureLab(): Promise<void> {
  up ??= labUp({ progress: silent });
  return up;
}

export interface LabRunOptions {
  check?: boolean;
  limit?: string;
  tags?: string[];
  extraVars?: Vars;
  forks?: number;
}

export async function runOnLab(pb: Playbook, o: LabRunOptions = {}): Promise<RunReport> {
  const inv = await loadInventory('lab', { cwd: ROOT, fallback: builtinInventory, ...(o.extraVars ? { extraVars: o.extraVars } : {}) });
  const plays = selectPlaybook(pb, {
    file: 'test',
    select: (p) => selectHosts(inv, p),
    ...(o.limit ? { limit: o.limit } : {}),
    ...(o.tags ? { tags: o.tags } : {}),
  });
  preflight(plays, pb.name);
  const redactor = new Redactor();
  return execute(plays, {
    check: o.check ?? false,
    diff: true,
    forks: o.forks ?? 10,
    renderer: 'silent',
    playbook: pb.name,
    inventory: inv.source,
    redactor,
    connect: makeConnector({ secrets: new SecretResolver(), redactor, acceptNewHostKeys: false }),
  });
}

/** Total changed / failed counts over all hosts of a report. */
export function totals(r: RunReport): { changed: number; failed: number; unreachable: number; ok: number } {
  const t = { changed: 0, failed: 0, unreachable: 0, ok: 0 };
  for (const s of Object.values(r.summary)) {
    t.changed += s.changed;
    t.failed += s.failed;
    t.unreachable += s.unreachable;
    t.ok += s.ok;
  }
  return t;
}

/** Failed rows, for readable assertion messages. */
export function failures(r: RunReport): string {
  return r.results
    .filter((x) => x.status === 'failed' || x.status === 'unreachable')
    .map((x) => `${x.host} ${x.resource}: ${x.error}`)
    .join('\n');
}

/** Runs a command inside a lab host (netns + chroot) and returns stdout; throws on failure. */
export async function onHost(host: string, script: string): Promise<string> {
  const r = await hostExec(host, ['sh', '-c', script]);
  if (r.code !== 0) throw new Error(`${host}: ${script}: exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** Runs the built CLI (dist/) like a user would. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ...env },
    timeout: 900_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

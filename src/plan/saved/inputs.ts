/**
 * What a plan was made from, as digests: the playbook file, the resolved inventory, the `-e` vars
 * and every host's task list. `lvs-play apply` recomputes them before contacting any host and
 * refuses when one differs. Secrets are masked before hashing (they are known before any host is
 * contacted: resources' declared secrets, inventory secrets given as values or environment variables).
 */
import { readFile } from 'node:fs/promises';
import { isSecretRef, secretFromEnv } from '../../inventory/secret.js';
import { Redactor } from '../../run/redact.js';
import type { PlannedPlay } from '../../run/select.js';
import type { Inventory, SecretRef, Vars } from '../../types.js';
import { canonical, digestOf, type CanonicalOptions } from './canonical.js';
import type { PlanInputs } from './format.js';
import { LvsError } from '../../errors.js';

function walkSecrets(v: unknown, out: SecretRef[], seen = new Set<unknown>()): void {
  if (typeof v !== 'object' || v === null || seen.has(v)) return;
  seen.add(v);
  if (isSecretRef(v)) return void out.push(v);
  for (const x of Array.isArray(v) ? v : Object.values(v)) walkSecrets(x, out, seen);
}

/** Secrets known before any host is contacted: every resource's and handler's, the inventory's literal/env ones and what Ansible Vault opened. */
export function knownSecrets(plays: readonly PlannedPlay[], inv: Inventory): Redactor {
  const red = new Redactor().add(...(inv.secrets ?? []));
  for (const p of plays) {
    for (const hp of p.perHost.values()) {
      for (const t of [...hp.tasks, ...hp.handlers.values()]) red.add(...(t.resource.secrets ?? []));
    }
  }
  const refs: SecretRef[] = [];
  for (const h of inv.hosts) walkSecrets([h.vars, h.connection], refs);
  for (const r of refs) {
    const s = r.source;
    if ('value' in s) red.add(s.value);
    else if ('env' in s) red.add(secretFromEnv(s.env));
  }
  return red;
}

/** Canonical options that mask the known secrets (the plan's one redaction). */
export function canonicalOptions(red: Redactor, maxText?: number): CanonicalOptions {
  return { redact: (s) => red.redact(s), ...(maxText !== undefined ? { maxText } : {}) };
}

/** A SecretRef becomes a reference naming where it comes from, never its value. */
function withRefs(v: unknown, seen = new Set<unknown>()): unknown {
  if (isSecretRef(v)) {
    const s = v.source;
    return { $secret: 'env' in s ? `env:${s.env}` : 'prompt' in s ? 'prompt' : 'value' };
  }
  if (typeof v !== 'object' || v === null || seen.has(v) || Buffer.isBuffer(v)) return v;
  seen.add(v);
  if (Array.isArray(v)) return v.map((x) => withRefs(x, seen));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withRefs(x, seen)]));
}

/** The task model of the selected plays: what runs where, in which order and batches. */
export function taskModel(plays: readonly PlannedPlay[]): unknown {
  return plays.map((p) => ({
    play: p.play.name,
    hosts: p.pattern,
    serial: p.play.options.serial ?? null,
    maxFailPercentage: p.play.options.maxFailPercentage ?? null,
    batches: p.batches.map((b) => b.map((h) => h.name)),
    perHost: [...p.perHost.values()].map((hp) => ({
      host: hp.host.name,
      tasks: hp.tasks.map((t) => ({
        id: t.resource.id,
        kind: t.resource.kind,
        shell: t.resource.shell,
        role: t.role,
        tags: [...t.tags],
        enabled: t.enabled,
        notify: [...(t.resource.notify ?? [])],
        probe: t.resource.probe ?? false,
      })),
      handlers: [...hp.handlers].map(([name, t]) => ({ name, id: t.resource.id, kind: t.resource.kind, enabled: t.enabled })),
    })),
  }));
}

export interface InputSources {
  playbookFile: string;
  inventory: Inventory;
  extraVars: Vars;
  plays: readonly PlannedPlay[];
}

export async function planInputs(src: InputSources, red: Redactor): Promise<PlanInputs> {
  const o = canonicalOptions(red, Infinity);
  const d = (v: unknown, what = 'the inventory'): string => {
    try {
      return digestOf(canonical(v, o));
    } catch (e) {
      // a cycle (a var that contains itself) cannot be written into a plan: bad input, not a crash
      throw new LvsError('E_VALIDATION', `${what} cannot be saved in a plan: ${(e as Error).message}`, { file: what === 'the -e vars' ? '-e' : src.inventory.source, fix: 'remove the value that refers to itself' });
    }
  };
  const inventory = src.inventory.hosts.map((h) => ({ name: h.name, address: h.address, groups: [...h.groups], vars: withRefs(h.vars), connection: withRefs(h.connection) }));
  return {
    playbook: d(await readFile(src.playbookFile, 'utf8')),
    inventory: d({ hosts: inventory, groups: src.inventory.groups }),
    vars: d(withRefs(src.extraVars), 'the -e vars'),
    tasks: d(taskModel(src.plays), 'the task list'),
  };
}

/**
 * Test helper: what Ansible itself makes of an inventory (`ansible-inventory --list`, `ansible --list-hosts`),
 * normalised so it can be compared with lvs-play's reading. Runs only when Ansible is installed.
 */
import { spawnSync } from 'node:child_process';
import { mapAnsibleVars } from '../../../src/inventory/ansible-vars.js';
import { CONNECTION_FIELDS } from '../../../src/inventory/schema.js';
import type { Connection, Inventory, InventorySpec, Vars } from '../../../src/types.js';

const env = { ...process.env, ANSIBLE_INVENTORY_UNPARSED_FAILED: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: '0', ANSIBLE_HOST_KEY_CHECKING: '0' };

export const ansibleMissing: string | false = (() => {
  const r = spawnSync('ansible-inventory', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? false : 'ansible-inventory is not installed (apt-get install ansible)';
})();

export interface Normalised {
  groups: Record<string, { hosts: string[]; children: string[] }>;
  hosts: Record<string, { address: string; connection: Record<string, unknown>; vars: Vars }>;
}

export function ansibleList(path: string): Record<string, unknown> {
  const r = spawnSync('ansible-inventory', ['-i', path, '--list'], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`ansible-inventory failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** `ansible -i PATH PATTERN --list-hosts` (lists only: nothing is contacted). */
export function ansibleListHosts(path: string, pattern: string): string[] {
  const r = spawnSync('ansible', ['-i', path, pattern, '--list-hosts'], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`ansible --list-hosts failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter(Boolean);
}

function finish(c: Record<string, unknown>): Record<string, unknown> {
  const type = (c['type'] as Connection['type'] | undefined) ?? 'ssh';
  const out: Record<string, unknown> = { type };
  for (const k of CONNECTION_FIELDS[type]) if (c[k] !== undefined) out[k] = c[k];
  return out;
}

export function normaliseAnsible(list: Record<string, unknown>): Normalised {
  const out: Normalised = { groups: {}, hosts: {} };
  const meta = (list['_meta'] as { hostvars: Record<string, Vars> }).hostvars;
  for (const [name, g] of Object.entries(list)) {
    if (name === '_meta') continue;
    const gg = g as { hosts?: string[]; children?: string[] };
    out.groups[name] = { hosts: gg.hosts ?? [], children: [...(gg.children ?? [])].sort() };
  }
  for (const [name, vars] of Object.entries(meta)) {
    const errors: Error[] = [];
    const m = mapAnsibleVars(vars, { file: 'ansible', field: name, level: 'host' }, errors as never);
    if (errors.length) throw errors[0];
    out.hosts[name] = { address: m.address ?? name, connection: finish(m.connection), vars: m.vars };
  }
  return out;
}

export function normaliseOurs(spec: InventorySpec, inv: Inventory): Normalised {
  const out: Normalised = { groups: {}, hosts: {} };
  const groups = spec.groups ?? {};
  const isChild = new Set(Object.values(groups).flatMap((g) => g.children ?? []));
  out.groups['all'] = { hosts: [], children: ['ungrouped', ...Object.keys(groups).filter((g) => !isChild.has(g))].sort() };
  if ((inv.groups['ungrouped'] ?? []).length > 0) out.groups['ungrouped'] = { hosts: [...(inv.groups['ungrouped'] ?? [])], children: [] };
  for (const [name, g] of Object.entries(groups)) {
    const hosts = Object.keys(g.hosts ?? {});
    const children = [...(g.children ?? [])].sort();
    if (hosts.length || children.length) out.groups[name] = { hosts, children };
  }
  for (const h of inv.hosts) out.hosts[h.name] = { address: h.address, connection: { ...h.connection }, vars: { ...h.vars } };
  return out;
}

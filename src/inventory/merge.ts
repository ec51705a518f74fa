/** Merging inventory specs (several files of an inventory directory, group_vars/host_vars). Later wins. */
import type { GroupSpec, HostSpec, InventorySpec } from '../types.js';

type Conn = InventorySpec['connection'];

function mergeConn(a: Conn, b: Conn): Conn {
  if (!a) return b;
  if (!b) return a;
  return { ...a, ...b } as Conn;
}

function mergeHost(a: HostSpec | null | undefined, b: HostSpec | null | undefined): HostSpec | null {
  if (!a) return b ?? null;
  if (!b) return a;
  const out: HostSpec = { ...a, ...b };
  if (a.vars || b.vars) out.vars = { ...a.vars, ...b.vars };
  const c = mergeConn(a.connection, b.connection);
  if (c) out.connection = c;
  return out;
}

function mergeHosts(a: GroupSpec['hosts'], b: GroupSpec['hosts']): GroupSpec['hosts'] {
  if (!a) return b;
  if (!b) return a;
  const out: Record<string, HostSpec | null> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? mergeHost(out[k], v) : v;
  return out;
}

function mergeGroup(a: GroupSpec | undefined, b: GroupSpec): GroupSpec {
  if (!a) return b;
  const out: { -readonly [K in keyof GroupSpec]: GroupSpec[K] } = {};
  const hosts = mergeHosts(a.hosts, b.hosts);
  if (hosts) out.hosts = hosts;
  if (a.children || b.children) out.children = [...new Set([...(a.children ?? []), ...(b.children ?? [])])];
  if (a.vars || b.vars) out.vars = { ...a.vars, ...b.vars };
  const c = mergeConn(a.connection, b.connection);
  if (c) out.connection = c;
  return out;
}

export function mergeSpecs(a: InventorySpec, b: InventorySpec): InventorySpec {
  const out: { -readonly [K in keyof InventorySpec]: InventorySpec[K] } = {};
  if (a.vars || b.vars) out.vars = { ...a.vars, ...b.vars };
  const c = mergeConn(a.connection, b.connection);
  if (c) out.connection = c;
  const hosts = mergeHosts(a.hosts, b.hosts);
  if (hosts) out.hosts = hosts;
  if (a.groups || b.groups) {
    const groups: Record<string, GroupSpec> = { ...a.groups };
    for (const [g, spec] of Object.entries(b.groups ?? {})) groups[g] = mergeGroup(groups[g], spec);
    out.groups = groups;
  }
  return out;
}

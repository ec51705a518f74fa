/**
 * Resolution of an InventorySpec into the hosts plays see.
 *
 * Precedence, lowest first (as Ansible orders inventory vars): `all` vars (spec.vars) < group vars,
 * ordered by group depth then name (so a child group beats its parents and, among unrelated groups
 * of the same depth, the alphabetically later name wins) < host vars < `-e`. Play vars sit below all
 * of these (the executor lays them underneath). Connection settings merge the same way.
 */
import { LvsError, ValidationErrors } from '../errors.js';
import type { Connection, HostSpec, HostView, Inventory, InventorySpec, Vars, WinRmConnection } from '../types.js';
import type { Warn } from '../warnings.js';
import { CONNECTION_FIELDS } from './schema.js';
import { winRmAuthProblem } from './winrm-auth.js';
import { didYouMean } from './suggest.js';
import { makeHostView, type HostRow } from './host-view.js';

/** A resolved host before it becomes a view: its row, and where each var was set. */
export type ResolvedRow = HostRow & { origins?: Readonly<Record<string, string>> };

/** How `resolveInventory` resolves a spec: its source, -e vars, warnings. */
export interface ResolveOptions {
  /** Where the spec came from (file path), for messages and Inventory.source. */
  source: string;
  /** `-e` vars: above everything. */
  extraVars?: Vars;
  /** Where warnings go (`host.group()` of a group the inventory lacks). Default: ignored. */
  warn?: Warn;
  /** Values read from Ansible Vault: hidden from variable problems (host.var). */
  secrets?: readonly string[];
}

interface Decl {
  name: string;
  spec: HostSpec | null;
  group: string | null;
  path: string;
}

type ConnFields = Record<string, unknown>;

/** The group graph of a spec: children, parents, depth, and hosts per group in inventory order. */
export interface GroupGraph {
  names: readonly string[];
  children: ReadonlyMap<string, readonly string[]>;
  parents: ReadonlyMap<string, readonly string[]>;
  depth(group: string): number;
  /** A group's own hosts, then its descendants' hosts (breadth first), without repeats. */
  hostsOf(group: string): string[];
  /** `all`: top-level hosts, then each top-level group's hosts. */
  allHosts: readonly string[];
  ungrouped: readonly string[];
  direct: ReadonlyMap<string, readonly string[]>;
  decls: readonly Decl[];
}

function declsOf(spec: InventorySpec): Decl[] {
  const out: Decl[] = [];
  for (const key of Object.keys(spec)) {
    if (key === 'hosts') for (const [name, h] of Object.entries(spec.hosts ?? {})) out.push({ name, spec: h, group: null, path: `hosts.${name}` });
    if (key === 'groups') {
      for (const [g, gs] of Object.entries(spec.groups ?? {})) {
        for (const [name, h] of Object.entries(gs.hosts ?? {})) out.push({ name, spec: h, group: g, path: `groups.${g}.hosts.${name}` });
      }
    }
  }
  return out;
}

function groupGraph(spec: InventorySpec): GroupGraph {
  const names = Object.keys(spec.groups ?? {});
  const children = new Map<string, string[]>(names.map((g) => [g, [...(spec.groups?.[g]?.children ?? [])]]));
  const parents = new Map<string, string[]>(names.map((g) => [g, []]));
  for (const [g, kids] of children) for (const k of kids) parents.get(k)?.push(g);
  const depthMemo = new Map<string, number>();
  const depth = (g: string, seen: ReadonlySet<string> = new Set()): number => {
    const known = depthMemo.get(g);
    if (known !== undefined) return known;
    if (seen.has(g)) return 1; // cycles are rejected by validation; be safe anyway
    const ps = parents.get(g) ?? [];
    const d = ps.length === 0 ? 1 : Math.max(...ps.map((p) => depth(p, new Set([...seen, g])))) + 1;
    depthMemo.set(g, d);
    return d;
  };
  const decls = declsOf(spec);
  const direct = new Map<string, string[]>(names.map((g) => [g, []]));
  const top: string[] = [];
  const grouped = new Set<string>();
  // membership sets beside the ordered lists: linear in the number of hosts (10 000 hosts: docs/scaling.md)
  const listed = new Map<string[], Set<string>>();
  const pushOnce = (list: string[], name: string): void => {
    let set = listed.get(list);
    if (!set) listed.set(list, (set = new Set(list)));
    if (!set.has(name)) (set.add(name), list.push(name));
  };
  for (const d of decls) {
    pushOnce(d.group === null ? top : (direct.get(d.group) as string[]), d.name);
    if (d.group !== null) grouped.add(d.name);
  }
  const hostsOf = (g: string): string[] => {
    const out: string[] = [];
    const seenGroups = new Set<string>([g]);
    let level = [g];
    while (level.length > 0) {
      for (const x of level) for (const h of direct.get(x) ?? []) pushOnce(out, h);
      const next: string[] = [];
      for (const x of level) for (const k of children.get(x) ?? []) if (!seenGroups.has(k)) (seenGroups.add(k), next.push(k));
      level = next;
    }
    return out;
  };
  const allHosts = [...top];
  for (const g of names) if ((parents.get(g) ?? []).length === 0) for (const h of hostsOf(g)) pushOnce(allHosts, h);
  // hosts only reachable through a cycle (invalid anyway) still belong to all
  for (const d of decls) pushOnce(allHosts, d.name);
  const ungrouped = top.filter((h) => !grouped.has(h));
  return { names, children, parents, depth: (g) => depth(g), hostsOf, allHosts, ungrouped, direct, decls };
}

function mergeConn(into: ConnFields, from: ConnFields | undefined): void {
  if (!from) return;
  for (const [k, v] of Object.entries(from)) if (v !== undefined) into[k] = v;
}

/**
 * Resolves a validated spec into hosts with merged vars and connections. Connection settings a
 * host lacks are not errors here (listing needs none): they are kept in `connectionProblems`.
 */
export function resolveInventory(spec: InventorySpec, opts: ResolveOptions): Inventory {
  const graph = groupGraph(spec);
  const problems: Record<string, LvsError[]> = {};
  const ancestors = (g: string, acc: Set<string>): Set<string> => {
    if (acc.has(g)) return acc;
    acc.add(g);
    for (const p of graph.parents.get(g) ?? []) ancestors(p, acc);
    return acc;
  };
  const rows: ResolvedRow[] = [];
  const ungrouped = new Set(graph.ungrouped);
  const declsByName = new Map<string, Decl[]>();
  for (const d of graph.decls) declsByName.set(d.name, [...(declsByName.get(d.name) ?? []), d]);
  for (const name of graph.allHosts) {
    const decls = declsByName.get(name) ?? [];
    const member = new Set<string>();
    for (const d of decls) if (d.group !== null) ancestors(d.group, member);
    const ordered = [...member].sort((a, b) => graph.depth(a) - graph.depth(b) || (a < b ? -1 : a > b ? 1 : 0));
    const vars: Vars = {};
    const origins: Record<string, string> = {};
    const layer = (v: Vars | undefined, origin: string): void => {
      for (const [k, x] of Object.entries(v ?? {})) (vars[k] = x), (origins[k] = origin);
    };
    layer(spec.vars, 'in the inventory vars');
    const conn: ConnFields = {};
    mergeConn(conn, spec.connection as ConnFields | undefined);
    for (const g of ordered) {
      layer(spec.groups?.[g]?.vars, `on group ${g}`);
      mergeConn(conn, spec.groups?.[g]?.connection as ConnFields | undefined);
    }
    let address = name;
    for (const d of decls) {
      layer(d.spec?.vars, `on host ${name}`);
      mergeConn(conn, d.spec?.connection as ConnFields | undefined);
      if (d.spec?.address !== undefined) address = d.spec.address;
    }
    layer(opts.extraVars, 'by -e');
    const errors: LvsError[] = [];
    const connection = finishConnection(conn, name, decls[0]?.path ?? `hosts.${name}`, ordered, opts.source, errors);
    if (errors.length > 0) problems[name] = errors;
    const groups = [...member].sort();
    if (ungrouped.has(name)) groups.push('ungrouped');
    rows.push({ name, address, vars, groups, connection, origins });
  }
  const groups: Record<string, readonly string[]> = { all: graph.allHosts, ungrouped: graph.ungrouped };
  for (const g of graph.names) groups[g] = graph.hostsOf(g);
  return {
    source: opts.source,
    hosts: buildViews(rows, groups, opts),
    groups,
    vars: { ...spec.vars, ...opts.extraVars },
    ...(Object.keys(problems).length > 0 ? { connectionProblems: problems } : {}),
  };
}

/** Throws (all at once) the connection settings missing on `hosts`: called before a run contacts them. */
export function assertConnectable(inv: Inventory, hosts: Iterable<string>): void {
  const errors = [...new Set(hosts)].flatMap((h) => inv.connectionProblems?.[h] ?? []);
  if (errors.length > 0) throw new ValidationErrors(errors as LvsError[]);
}

/** The final connection: its type's fields only (others set by broader groups are dropped), required ones present. */
function finishConnection(conn: ConnFields, host: string, path: string, groups: readonly string[], file: string, errors: LvsError[]): Connection {
  const type = (conn['type'] as Connection['type'] | undefined) ?? 'ssh';
  const out: ConnFields = { type };
  for (const k of CONNECTION_FIELDS[type]) if (conn[k] !== undefined) out[k] = conn[k];
  const where = groups.length > 0 ? `on the host or one of its groups (${groups.join(', ')})` : 'on the host or at the top level';
  const need = (field: string, example: string): void => {
    if (out[field] === undefined) {
      errors.push(new LvsError('E_INVENTORY', `host "${host}" uses a ${type} connection but has no ${field}`, { file, field: `${path}.connection.${field}`, fix: `set connection.${field} ${where}, e.g. ${field}: ${example}` }));
    }
  };
  if (type === 'winrm') {
    need('user', "'Administrator'");
    need('password', "secret.env('WIN_PASSWORD')");
    const bad = winRmAuthProblem(out as Partial<WinRmConnection>);
    if (bad) errors.push(new LvsError('E_INVENTORY', `host "${host}": ${bad.reason}`, { file, field: `${path}.connection.${bad.field}`, fix: bad.fix }));
  }
  if (type === 'psrp-ssh') need('user', "'Administrator'");
  return Object.freeze(out) as unknown as Connection;
}

/** HostView objects sharing one group table (src/inventory/host-view.ts). */
function buildViews(rows: readonly ResolvedRow[], groups: Readonly<Record<string, readonly string[]>>, { source, warn, secrets }: ResolveOptions): HostView[] {
  const byName = new Map<string, HostView>();
  const group = (g: string): readonly HostView[] => {
    const names = groups[g];
    if (!names) {
      warn?.(`${source}: no group "${g}" in the inventory: treated as empty${didYouMean(g, Object.keys(groups))}`);
      return [];
    }
    return names.map((n) => byName.get(n) as HostView);
  };
  return rows.map((r) => {
    const view = makeHostView(r, { source, group, ...(r.origins ? { origins: r.origins } : {}), ...(secrets?.length ? { secrets } : {}) });
    byName.set(r.name, view);
    return view;
  });
}

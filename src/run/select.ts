import { LvsError, ValidationErrors } from '../errors.js';
import { collectVarProblems } from '../inventory/host-var.js';
import { withVarsBelow } from '../inventory/host-view.js';
import type { AnyResource, HostView, Play, Playbook, RoleInstance, Task, Vars } from '../types.js';

function isRole(t: Task): t is RoleInstance {
  return (t as { type?: unknown }).type === 'role';
}

export interface PlannedTask {
  resource: AnyResource;
  role: string | null;
  tags: readonly string[];
  /** False when the resource, its role or the play condition says skip. */
  enabled: boolean;
  /** Runs on this host instead of the play's host (a delegated role). */
  delegateTo?: HostView;
}

export interface HostPlay {
  host: HostView;
  tasks: readonly PlannedTask[];
  handlers: ReadonlyMap<string, PlannedTask>;
}

export interface PlannedPlay {
  play: Play;
  /** The play's host pattern (its `hosts` function called). */
  pattern: string;
  hosts: readonly HostView[];
  batches: readonly (readonly HostView[])[];
  perHost: ReadonlyMap<string, HostPlay>;
}

export interface SelectOptions {
  /** The playbook file, for messages. */
  file: string;
  /**
   * Resolves a host pattern against the inventory: `--limit`, or a play's `hosts` (then `field`
   * names it; a term naming nothing may then match nothing, with a warning, as in Ansible).
   */
  select(pattern: string, field?: string): readonly HostView[];
  limit?: string;
  /** What a play's `hosts` function sees: the inventory's `all` vars with `-e` over them. */
  vars?: Vars;
  tags?: readonly string[];
  skipTags?: readonly string[];
  /**
   * Resolve the plays' hosts only, building no task (`--list-hosts`): as in Ansible, listing hosts
   * needs neither the hosts' vars nor their connection settings.
   */
  hostsOnly?: boolean;
}

function ordered(play: Play, hosts: readonly HostView[]): HostView[] {
  const order = play.options.order ?? 'inventory';
  const list = [...hosts];
  if (order === 'reverse') return list.reverse();
  if (order === 'sorted') return list.sort((a, b) => a.name.localeCompare(b.name));
  if (typeof order === 'function') return list.sort(order);
  return list;
}

/** Splits hosts into serial batches: a number, or "N%" of the play's hosts (at least 1). */
function batchesOf(hosts: readonly HostView[], serial: Play['options']['serial']): HostView[][] {
  if (serial === undefined || hosts.length === 0) return hosts.length ? [[...hosts]] : [];
  const size = typeof serial === 'number' ? serial : Math.max(1, Math.floor((hosts.length * parseFloat(serial)) / 100));
  const out: HostView[][] = [];
  for (let i = 0; i < hosts.length; i += Math.max(1, size)) out.push(hosts.slice(i, i + Math.max(1, size)));
  return out;
}

/** Play vars sit below every inventory var and `-e`. */
function withPlayVars(host: HostView, vars: Play['options']['vars']): HostView {
  return vars ? withVarsBelow(host, vars) : host;
}

function tagsMatch(tags: readonly string[], opts: SelectOptions): boolean {
  if (opts.skipTags?.some((t) => tags.includes(t))) return false;
  if (!opts.tags || opts.tags.length === 0 || opts.tags.includes('all')) return true;
  return tags.includes('always') || opts.tags.some((t) => tags.includes(t));
}

function flatten(play: Play, tasks: readonly Task[], opts: SelectOptions) {
  const playTags = play.options.tags ?? [];
  const out: PlannedTask[] = [];
  const handlers = new Map<string, PlannedTask>();
  for (const [name, r] of Object.entries(play.options.handlers ?? {})) {
    handlers.set(name, { resource: r, role: null, tags: [], enabled: r.when !== false });
  }
  for (const task of tasks) {
    if (isRole(task)) {
      const roleTags = [...playTags, task.name, ...(task.tags ?? [])];
      for (const r of task.resources) {
        const tags = [...roleTags, ...(r.tags ?? [])];
        if (!tagsMatch(tags, opts)) continue;
        out.push({ resource: r, role: task.name, tags, enabled: task.when !== false && r.when !== false, ...(task.delegateTo ? { delegateTo: task.delegateTo } : {}) });
      }
      if (task.delegateTo && Object.keys(task.handlers ?? {}).length) {
        throw new LvsError('E_VALIDATION', `role ${task.name} has handlers and cannot be delegated to ${task.delegateTo.name}`, { fix: 'delegate roles whose resources do their own reloads' });
      }
      for (const [name, r] of Object.entries(task.handlers ?? {})) {
        handlers.set(name, { resource: r, role: task.name, tags: roleTags, enabled: r.when !== false });
      }
    } else {
      const tags = [...playTags, ...(task.tags ?? [])];
      if (!tagsMatch(tags, opts)) continue;
      out.push({ resource: task, role: null, tags, enabled: task.when !== false });
    }
  }
  return { tasks: out, handlers };
}

/**
 * Resolves every play's hosts and builds every host's task list before any host is touched:
 * all role option errors, unknown handlers and bad patterns surface here, all at once.
 */
export function selectPlaybook(pb: Playbook, opts: SelectOptions): PlannedPlay[] {
  const errors: LvsError[] = [];
  const varProblems = new Map<string, LvsError>();
  const limited = opts.limit ? new Set(opts.select(opts.limit).map((h) => h.name)) : undefined;
  const plays: PlannedPlay[] = [];
  // A problem of a whole group or of an `all` var (e.g. the directors' shared config) surfaces once
  // per host and play that reads it: shown once, with where it surfaced.
  const taskErrors = new Map<string, { error: unknown; where: Map<string, string[]> }>();
  /** Patterns of plays that need hosts but match none → those plays. */
  const empty = new Map<string, string[]>();
  for (const play of pb.plays) {
    let hosts: HostView[];
    let pattern: string;
    try {
      const h = play.options.hosts;
      pattern = typeof h === 'function' ? h(opts.vars ?? {}) : h;
      if (typeof pattern !== 'string') throw new LvsError('E_VALIDATION', 'the hosts function did not return a pattern', { value: pattern, fix: 'return a group name or pattern string' });
      hosts = ordered(play, opts.select(pattern, `play "${play.name}".hosts`).filter((h) => !limited || limited.has(h.name)));
    } catch (e) {
      errors.push(asLvs(e, opts.file, `play "${play.name}".hosts`));
      continue;
    }
    if (hosts.length === 0 && play.options.requireHosts && !limited) {
      empty.set(pattern, [...(empty.get(pattern) ?? []), play.name]);
    }
    const perHost = new Map<string, HostPlay>();
    for (const host of opts.hostsOnly ? [] : hosts) {
      // a missing or mistyped host var (host.var) is the inventory's problem: collected, every one
      // of them once; what the task function throws after one is its consequence, not reported
      const r = collectVarProblems(() => play.tasks(withPlayVars(host, play.options.vars)));
      for (const p of r.problems) varProblems.set(p.message, p);
      if (r.problems.length) continue;
      if (!r.value) {
        for (const one of r.error instanceof ValidationErrors ? r.error.errors : [r.error]) {
          const key = one instanceof LvsError ? JSON.stringify([one.code, one.message]) : String(one);
          const seen = taskErrors.get(key) ?? { error: one, where: new Map<string, string[]>() };
          seen.where.set(play.name, [...(seen.where.get(play.name) ?? []), host.name]);
          taskErrors.set(key, seen);
        }
        continue;
      }
      const tasks: readonly Task[] = r.value;
      const flat = flatten(play, tasks, opts);
      for (const t of flat.tasks) {
        for (const n of t.resource.notify ?? []) {
          if (!flat.handlers.has(n)) {
            errors.push(
              new LvsError('E_VALIDATION', `${t.resource.id} notifies unknown handler "${n}"`, {
                file: opts.file,
                field: `play "${play.name}" (host ${host.name})`,
                fix: `define it in the role's handlers or the play's handlers; known: ${[...flat.handlers.keys()].join(', ') || 'none'}`,
              }),
            );
          }
        }
      }
      perHost.set(host.name, { host, ...flat });
    }
    plays.push({ play, pattern, hosts, batches: batchesOf(hosts, play.options.serial), perHost });
  }
  errors.unshift(...mergeByHost([...varProblems.values()]));
  for (const { error, where } of taskErrors.values()) {
    const at = [...where].map(([p, on]) => `play "${p}" (host${on.length > 1 ? 's' : ''} ${on.join(', ')})`).join(', ');
    errors.push(asLvs(error, opts.file, at));
  }
  for (const [pattern, names] of empty) {
    errors.push(new LvsError('E_VALIDATION', `hosts "${pattern}" match no host in the inventory, and ${names.map((n) => `play "${n}"`).join(', ')} need${names.length > 1 ? '' : 's'} hosts`, {
      file: opts.file,
      fix: `put the hosts these plays are for in the inventory (an empty group such as ${pattern}: { hosts: {} } matches nothing)`,
    }));
  }
  if (errors.length) {
    const all = errors.flatMap((e) => (e instanceof ValidationErrors ? e.errors : [e]));
    throw all.length === 1 ? all[0]! : new ValidationErrors(all);
  }
  return plays;
}

/** Var problems that differ only by host (one value set once, e.g. in the inventory vars or by -e): one error naming every host. */
function mergeByHost(problems: readonly LvsError[]): LvsError[] {
  const groups = new Map<string, { first: LvsError; hosts: string[] }>();
  for (const p of problems) {
    const host = /^host (.+)$/.exec(p.detail.field ?? '')?.[1];
    const key = host === undefined ? p.message : JSON.stringify([p.code, p.reason, p.detail.file, p.detail.value, p.detail.fix]);
    const g = groups.get(key);
    if (g && host !== undefined) g.hosts.push(host);
    else groups.set(key, { first: p, hosts: host === undefined ? [] : [host] });
  }
  return [...groups.values()].map(({ first, hosts }) =>
    hosts.length > 1 ? new LvsError(first.code, first.reason, { ...first.detail, field: `hosts ${hosts.join(', ')}` }) : first,
  );
}

function asLvs(e: unknown, file: string, where: string): LvsError {
  if (e instanceof LvsError) return e.within(file, where);
  return new LvsError('E_VALIDATION', e instanceof Error ? e.message : String(e), { file, field: where });
}

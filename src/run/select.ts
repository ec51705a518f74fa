import { LvsError } from '../errors.js';
import { collectVarProblems } from '../inventory/host-var.js';
import { withVarsBelow } from '../inventory/host-view.js';
import type { AnyResource, HostView, Play, Playbook, RoleInstance, Task, Vars } from '../types.js';
import { SelectionProblems } from './select-problems.js';

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
  const problems = new SelectionProblems(opts.file);
  const limited = opts.limit ? new Set(opts.select(opts.limit).map((h) => h.name)) : undefined;
  const plays: PlannedPlay[] = [];
  for (const play of pb.plays) {
    const matched = playHosts(play, opts, limited, problems);
    if (!matched) continue;
    const { pattern, hosts } = matched;
    if (hosts.length === 0 && play.options.requireHosts && !limited) problems.noHosts(pattern, play);
    const perHost = new Map<string, HostPlay>();
    for (const host of opts.hostsOnly ? [] : hosts) {
      const hp = hostPlay(play, host, opts, problems);
      if (hp) perHost.set(host.name, hp);
    }
    plays.push({ play, pattern, hosts, batches: batchesOf(hosts, play.options.serial), perHost });
  }
  problems.throwIfAny();
  return plays;
}

/** A play's host pattern (its `hosts` function called) and the hosts it matches within --limit, in the play's order; undefined (a problem noted) when it cannot be resolved. */
function playHosts(play: Play, opts: SelectOptions, limited: ReadonlySet<string> | undefined, problems: SelectionProblems): { pattern: string; hosts: HostView[] } | undefined {
  try {
    const h = play.options.hosts;
    const pattern = typeof h === 'function' ? h(opts.vars ?? {}) : h;
    if (typeof pattern !== 'string') throw new LvsError('E_VALIDATION', 'the hosts function did not return a pattern', { value: pattern, fix: 'return a group name or pattern string' });
    return { pattern, hosts: ordered(play, opts.select(pattern, `play "${play.name}".hosts`).filter((h) => !limited || limited.has(h.name))) };
  } catch (e) {
    problems.badHosts(play, e);
    return undefined;
  }
}

/** A host's task list of a play; undefined (its problems noted) when the play's task function could not build it. */
function hostPlay(play: Play, host: HostView, opts: SelectOptions, problems: SelectionProblems): HostPlay | undefined {
  // a missing or mistyped host var (host.var) is the inventory's problem: collected, every one
  // of them once; what the task function throws after one is its consequence, not reported
  const r = collectVarProblems(() => play.tasks(withPlayVars(host, play.options.vars)));
  problems.hostVars(r.problems);
  if (r.problems.length) return undefined;
  if (!r.value) {
    problems.taskError(play, host, r.error);
    return undefined;
  }
  const tasks: readonly Task[] = r.value;
  const flat = flatten(play, tasks, opts);
  for (const e of unknownHandlers(play, host, flat, opts.file)) problems.add(e);
  return { host, ...flat };
}

/** A task that notifies a handler neither its role nor the play defines: one error each. */
function unknownHandlers(play: Play, host: HostView, flat: { tasks: readonly PlannedTask[]; handlers: ReadonlyMap<string, PlannedTask> }, file: string): LvsError[] {
  const errors: LvsError[] = [];
  for (const t of flat.tasks) {
    for (const n of t.resource.notify ?? []) {
      if (flat.handlers.has(n)) continue;
      errors.push(
        new LvsError('E_VALIDATION', `${t.resource.id} notifies unknown handler "${n}"`, {
          file,
          field: `play "${play.name}" (host ${host.name})`,
          fix: `define it in the role's handlers or the play's handlers; known: ${[...flat.handlers.keys()].join(', ') || 'none'}`,
        }),
      );
    }
  }
  return errors;
}

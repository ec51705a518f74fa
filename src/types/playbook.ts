/** Roles, plays and playbooks: what a playbook file exports, and the tasks a play runs on a host. */
import type { HostView, Vars } from './inventory.js';
import type { AnyResource } from './resource.js';

/** What a role produces for one host: its resources and the handlers they may notify. */
export interface RoleInstance {
  readonly type: 'role';
  name: string;
  tags?: readonly string[];
  when?: boolean;
  resources: readonly AnyResource[];
  handlers?: Readonly<Record<string, AnyResource>>;
  /**
   * Run this role's resources on another host (as Ansible's delegate_to), over that host's own
   * connection, in the task order of the play's host. Handlers of a delegated role are not supported.
   */
  delegateTo?: HostView;
}

/** One entry of a play's task list: a resource, or a role's instance. */
export type Task = AnyResource | RoleInstance;

/** The order a play takes its hosts in (Ansible's `order`), or a comparison. */
export type HostOrder = 'inventory' | 'reverse' | 'sorted' | ((a: HostView, b: HostView) => number);

/** A play's settings: its hosts, batches, order, tags, vars and handlers. */
export interface PlayOptions {
  /**
   * Host pattern: group or host names, globs, `a:b` union, `a:&b` intersection, `a:!b` exclusion.
   * Or a function of the inventory's `all` vars (with `-e` over them) returning one, for a site
   * whose group names are settings: `(vars) => String(vars.directors_group ?? 'directors')`.
   */
  hosts: string | ((vars: Vars) => string);
  /** Batch size (number or "30%"); each batch finishes before the next starts. */
  serial?: number | `${number}%`;
  /** Stop the play when more than this percent of a serial batch failed (default: only when the whole batch failed, as Ansible). */
  maxFailPercentage?: number;
  order?: HostOrder;
  tags?: readonly string[];
  /** Play-level vars (below host vars and `-e`). */
  vars?: Vars;
  /** Handlers available to every task of the play. */
  handlers?: Readonly<Record<string, AnyResource>>;
  /** The play needs hosts: a pattern matching none (an empty group) is an error before any host is contacted (not with --limit). */
  requireHosts?: boolean;
}

/** A play (`play()`): hosts and, per host, the tasks to run there. */
export interface Play {
  readonly type: 'play';
  name: string;
  options: PlayOptions;
  tasks(host: HostView): readonly Task[];
}

/** A playbook (`playbook()`): plays run in order; a playbook file's default export. */
export interface Playbook {
  readonly type: 'playbook';
  name: string;
  plays: readonly Play[];
}

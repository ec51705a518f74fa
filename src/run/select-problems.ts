/**
 * The problems a selection finds (src/run/select.ts), collected rather than thrown at the first, so
 * one run shows all of them; each shown once, naming where it surfaced.
 */
import { LvsError, ValidationErrors } from '../errors.js';
import type { HostView, Play } from '../types.js';

export class SelectionProblems {
  /** Problems in the order found: bad host patterns, unknown handlers. */
  private readonly found: LvsError[] = [];
  /** Missing or mistyped host vars, each once (by message). */
  private readonly vars = new Map<string, LvsError>();
  /**
   * What the plays' task functions threw: a problem of a whole group or of an `all` var (e.g. the
   * directors' shared config) surfaces once per host and play that reads it, shown once with where.
   */
  private readonly tasks = new Map<string, { error: unknown; where: Map<string, string[]> }>();
  /** Patterns of plays that need hosts but match none → those plays. */
  private readonly empty = new Map<string, string[]>();

  constructor(
    /** The playbook file, for messages. */
    private readonly file: string,
  ) {}

  /** A play's `hosts` could not be resolved. */
  badHosts(play: Play, e: unknown): void {
    this.found.push(asLvs(e, this.file, `play "${play.name}".hosts`));
  }

  /** A problem found as it is (an unknown handler). */
  add(e: LvsError): void {
    this.found.push(e);
  }

  /** Host var problems (each kept once). */
  hostVars(problems: readonly LvsError[]): void {
    for (const p of problems) this.vars.set(p.message, p);
  }

  /** What a play's task function threw for a host (each distinct error kept once, with every play and host it surfaced on). */
  taskError(play: Play, host: HostView, error: unknown): void {
    for (const one of error instanceof ValidationErrors ? error.errors : [error]) {
      const key = one instanceof LvsError ? JSON.stringify([one.code, one.message]) : String(one);
      const seen = this.tasks.get(key) ?? { error: one, where: new Map<string, string[]>() };
      seen.where.set(play.name, [...(seen.where.get(play.name) ?? []), host.name]);
      this.tasks.set(key, seen);
    }
  }

  /** A play that requires hosts matched none. */
  noHosts(pattern: string, play: Play): void {
    this.empty.set(pattern, [...(this.empty.get(pattern) ?? []), play.name]);
  }

  /** Throws every problem (one error, or ValidationErrors of all): host vars first, empty patterns last. */
  throwIfAny(): void {
    const errors = [...mergeByHost([...this.vars.values()]), ...this.found];
    for (const { error, where } of this.tasks.values()) {
      const at = [...where].map(([p, on]) => `play "${p}" (host${on.length > 1 ? 's' : ''} ${on.join(', ')})`).join(', ');
      errors.push(asLvs(error, this.file, at));
    }
    for (const [pattern, names] of this.empty) {
      errors.push(new LvsError('E_VALIDATION', `hosts "${pattern}" match no host in the inventory, and ${names.map((n) => `play "${n}"`).join(', ')} need${names.length > 1 ? '' : 's'} hosts`, {
        file: this.file,
        fix: `put the hosts these plays are for in the inventory (an empty group such as ${pattern}: { hosts: {} } matches nothing)`,
      }));
    }
    if (errors.length) {
      const all = errors.flatMap((e) => (e instanceof ValidationErrors ? e.errors : [e]));
      throw all.length === 1 ? all[0]! : new ValidationErrors(all);
    }
  }
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

import type { AnyResource, Diff, Fact, Transport } from '../types.js';
import { readFacts } from './facts.js';
import { addHostTime, profiling, sinceStart, timed } from '../profile.js';

export interface Outcome {
  status: 'ok' | 'changed' | 'failed' | 'skipped';
  message?: string;
  diff?: Diff;
  error?: string;
}

/** Whether a resource's read is a Fact (a command plus a parser, batched per host) rather than a function. */
export function isFact(read: AnyResource['read']): read is Fact<unknown> {
  return typeof read === 'object' && read !== null && 'command' in read && 'parse' in read;
}

/** Reads a resource's current state (never changes the host). */
export async function readResource(res: AnyResource, t: Transport): Promise<unknown> {
  if (res.shell !== t.shell) {
    throw new Error(`${res.id}: needs a ${res.shell} host, but ${t.host} is reached by ${t.shell}`);
  }
  if (isFact(res.read)) {
    if (t.shell !== 'posix') throw new Error(`${res.id}: batched facts need a posix host`);
    const [outcome] = await readFacts(t, [res.read]);
    if (!outcome || !outcome.ok) throw new Error(outcome?.error ?? 'no result');
    return outcome.value;
  }
  return (res.read as (t: Transport) => Promise<unknown>)(t);
}

export interface ConvergeOptions {
  check: boolean;
  /** The current state when it was already read (e.g. in a batch). */
  current?: { value: unknown };
  /** Check mode: an earlier resource of this host would change (probes are then skipped). */
  pendingChanges?: boolean;
}

/** A planned change in one human line: the resource's `describe`, or `KIND would change` (runs, saved plans). */
export function describeChange(res: AnyResource, change: unknown): string {
  return res.describe ? res.describe(change) : `${res.kind} would change`;
}

/**
 * read → plan → (check: report) | (apply → re-read → plan must be empty).
 * Check and real runs share this one path; only `apply` differs.
 */
export async function converge(res: AnyResource, t: Transport, opts: ConvergeOptions): Promise<Outcome> {
  if (res.when === false) return { status: 'skipped', message: 'condition is false' };
  if (res.probe && opts.check && opts.pendingChanges) {
    return { status: 'skipped', message: 'check mode: this probe would run after the changes above' };
  }
  try {
    const current = opts.current ? opts.current.value : await readResource(res, t);
    const planStart = profiling() ? sinceStart() : 0;
    const change: unknown = res.plan(current);
    if (planStart) addHostTime(t.host, 'plan', sinceStart() - planStart);
    if (change === null) return { status: 'ok', message: (res.note as ((c: unknown) => string | undefined) | undefined)?.(current) ?? 'already as wanted' };
    if (res.probe) return { status: 'failed', error: describeChange(res, change) };
    const diff = res.diff?.(current, change);
    const message = describeChange(res, change);
    if (opts.check) return { status: 'changed', message, ...(diff ? { diff } : {}) };
    await timed(t.host, 'apply', () => (res.apply as (t: Transport, c: unknown) => Promise<void>)(t, change));
    const verify = res.verify ?? isFact(res.read);
    if (verify) {
      const after = res.plan(await readResource(res, t));
      if (after !== null) {
        return { status: 'failed', message, ...(diff ? { diff } : {}), error: `did not converge: still ${describeChange(res, after)}` };
      }
    }
    return { status: 'changed', message, ...(diff ? { diff } : {}) };
  } catch (e) {
    return { status: 'failed', error: e instanceof Error ? e.message : String(e) };
  }
}

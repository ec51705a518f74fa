/**
 * The drift check of `lvs-play apply`: before anything changes on any host, every host's planned
 * resources (change and ok) are read again — all batched facts of a host in one round trip, across
 * all its plays — and compared with what the plan recorded. One differing read on one host refuses
 * the whole apply.
 */
import { LvsError } from '../../errors.js';
import { Pool } from '../../pool.js';
import { describeChange, isFact, readResource } from '../../run/converge.js';
import { readFacts, type FactOutcome } from '../../run/facts.js';
import type { PlannedPlay } from '../../run/select.js';
import type { AnyResource, Fact, HostView, JsonValue, Transport } from '../../types.js';
import { canonical, digestOf, type CanonicalOptions } from './canonical.js';
import type { PlannedResource, SavedPlan } from './format.js';
import { driftOf, type ReadDrift } from './reads.js';

export interface Drift {
  host: string;
  play: string;
  resource: string;
  /** What changed, read by read (empty when the reason says it all). */
  changes: ReadDrift[];
  reason: string;
}

interface Check {
  play: string;
  res: AnyResource;
  entry: PlannedResource;
}

/** The plan's entry of each task of a host, matched by play and position (the inputs digest makes them align). */
export function entryOf(plan: SavedPlan, pi: number, host: string, index: number): PlannedResource | undefined {
  return plan.plays[pi]?.hosts.find((h) => h.host === host)?.resources[index];
}

/** What to compare on a host: its change/ok resources of every play, in run order. */
function checksOf(plan: SavedPlan, plays: readonly PlannedPlay[], host: string): Check[] {
  const out: Check[] = [];
  plays.forEach((p, pi) => {
    const hp = p.perHost.get(host);
    hp?.tasks.forEach((t, i) => {
      const entry = entryOf(plan, pi, host, i);
      if (!entry || entry.resource !== t.resource.id) throw new Error(`the plan does not match play "${p.play.name}" on ${host} at task ${i} (${t.resource.id})`);
      if (t.enabled && (entry.action === 'change' || entry.action === 'ok')) out.push({ play: p.play.name, res: t.resource, entry });
    });
  });
  return out;
}

/** Reads every check's state: the batched facts in one round trip, other reads one by one. */
async function readAll(t: Transport, checks: readonly Check[]): Promise<FactOutcome<unknown>[]> {
  const out: FactOutcome<unknown>[] = new Array(checks.length);
  const batched = checks.map((c, i) => ({ c, i })).filter(({ c }) => t.shell === 'posix' && c.res.shell === 'posix' && isFact(c.res.read));
  if (t.shell === 'posix' && batched.length) {
    const got = await readFacts(t, batched.map(({ c }) => c.res.read as Fact<unknown>));
    // a fact whose files the batch could not answer is read on its own below, as a run does
    batched.forEach(({ c, i }, k) => {
      if (got[k]!.ok || !(c.res.read as Fact<unknown>).split) out[i] = got[k]!;
    });
  }
  for (let i = 0; i < checks.length; i++) {
    if (out[i]) continue;
    try {
      out[i] = { ok: true, value: await readResource(checks[i]!.res, t) };
    } catch (e) {
      // the host's lock, taken by its first command, is not ours: the host is not checked at all
      if (e instanceof LvsError && (e.code === 'E_LOCKED' || e.code === 'E_CONNECT')) throw e;
      out[i] = { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }
  return out;
}

function describeOrNothing(res: AnyResource, change: unknown): string {
  return change === null ? 'nothing to change' : describeChange(res, change);
}

/** One host's drift: every planned resource whose state differs from what the plan was made against. */
export async function hostDrift(plan: SavedPlan, plays: readonly PlannedPlay[], host: string, t: Transport, o: CanonicalOptions): Promise<Drift[]> {
  const checks = checksOf(plan, plays, host);
  const states = await readAll(t, checks);
  const out: Drift[] = [];
  checks.forEach((c, i) => {
    const st = states[i]!;
    const base = { host, play: c.play, resource: c.entry.resource };
    if (!st.ok) return void out.push({ ...base, changes: [], reason: `could not be read: ${o.redact(st.error)}` });
    const changes = driftOf(c.entry.reads ?? [], c.res, st.value, o);
    if (changes.length) return void out.push({ ...base, changes, reason: 'the state it was planned against changed' });
    // same reads, so a pure plan gives the same change; a plan that does not is not reproducible
    let change: unknown;
    try {
      change = c.res.plan(st.value as never);
    } catch (e) {
      return void out.push({ ...base, changes: [], reason: `its plan fails now: ${o.redact(e instanceof Error ? e.message : String(e))}` });
    }
    const now = change === null ? null : digestOf(canonical(change, { ...o, maxText: Infinity }));
    const planned = c.entry.action === 'change' ? c.entry.changeDigest ?? null : null;
    if (now !== planned) out.push({ ...base, changes: [], reason: `its plan is not reproducible: planned "${c.entry.message ?? ''}", now "${o.redact(describeOrNothing(c.res, change))}"` });
  });
  return out;
}

function show(v: JsonValue): string {
  const s = JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}

const isObj = (v: JsonValue): v is { [k: string]: JsonValue } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where two canonical values differ, leaf by leaf (for whole-state and fingerprint reads). */
function leafDiffs(what: string, before: JsonValue, after: JsonValue, out: string[]): void {
  const nested = (isObj(before) && isObj(after) && !('$sha256' in before)) || (Array.isArray(before) && Array.isArray(after));
  if (!nested) return void out.push(`${what}: ${show(before)} → ${show(after)}`);
  const b = before as Record<string, JsonValue>;
  const a = after as Record<string, JsonValue>;
  for (const k of [...new Set([...Object.keys(b), ...Object.keys(a)])]) {
    const x = b[k] ?? { $absent: true };
    const y = a[k] ?? { $absent: true };
    if (JSON.stringify(x) !== JSON.stringify(y)) leafDiffs(/^\d+$/.test(k) ? `${what}[${k}]` : `${what}.${k}`, x, y, out);
  }
}

/** The refusal text: each drifted host and resource with before/after. */
export function driftReport(drifts: readonly Drift[]): string {
  const lines: string[] = [];
  for (const d of drifts) {
    lines.push(`DRIFT [${d.host}] ${d.resource} (play "${d.play}"): ${d.reason}`);
    for (const c of d.changes) {
      const diffs: string[] = [];
      leafDiffs(c.what, c.before, c.after, diffs);
      lines.push(...diffs.slice(0, 8).map((l) => `    ${l}`));
      if (diffs.length > 8) lines.push(`    … ${diffs.length - 8} more`);
    }
  }
  return lines.join('\n');
}

export interface HostsCheck {
  /** The open connections, kept for the apply (the caller closes them when it refuses). */
  open: Map<string, Transport>;
  drifts: Drift[];
  /** `host: why`, for hosts that could not be reached (their drift is unknown). */
  unreachable: string[];
  /** How many hosts were checked. */
  hosts: number;
}

/** Connects every host that has tasks (`forks` at a time) and checks each one for drift. */
export async function checkHosts(
  plan: SavedPlan,
  plays: readonly PlannedPlay[],
  opts: { connect(h: HostView): Promise<Transport>; forks: number; signal: AbortSignal; redact(s: string): string; o: CanonicalOptions },
): Promise<HostsCheck> {
  const hosts = new Map<string, HostView>();
  for (const p of plays) for (const hp of p.perHost.values()) if (hp.tasks.length) hosts.set(hp.host.name, hp.host);
  const out: HostsCheck = { open: new Map(), drifts: [], unreachable: [], hosts: hosts.size };
  const pool = new Pool(opts.forks);
  const check = async (h: HostView): Promise<void> => {
    if (opts.signal.aborted) return;
    let t: Transport;
    try {
      t = await opts.connect(h);
      out.open.set(h.name, t);
    } catch (e) {
      out.unreachable.push(`${h.name}: ${opts.redact(e instanceof Error ? e.message : String(e))}`);
      return;
    }
    try {
      out.drifts.push(...(await hostDrift(plan, plays, h.name, t, opts.o)));
    } catch (e) {
      // the first read could not run: the host lock, taken by it, is another run's (E_LOCKED), sudo
      // refused it (E_CONNECT), or another transport error: the host is not checked, as the executor has it
      if (!(e instanceof LvsError)) throw e;
      out.unreachable.push(`${h.name}: ${opts.redact(e.message)}`);
    }
  };
  try {
    await Promise.all([...hosts.values()].map((h) => pool.use(() => check(h))));
  } catch (e) {
    await Promise.allSettled([...out.open.values()].map((t) => t.close()));
    throw e;
  }
  return out;
}

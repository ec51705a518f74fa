/**
 * OS gating for roles (kit): per-host branching, which are built before any host is contacted: `onlyOn` wraps a
 * core resource so that its fact also carries the host's OS facts (same round trip), and its plan
 * is the wrapped one only where `applies(os)` holds — elsewhere it is `ok` and never applied.
 */
import { osFactScript, parseOsFacts, type OsFacts } from '../resources/osfamily.js';
import { parseKv } from '../resources/common.js';
import { isFact } from '../run/converge.js';
import { raw, sh } from '../shell/quote.js';
import type { Fact, Resource } from '../types.js';

/** The state of a gated resource: the host's OS facts and the inner state where it applies. */
export interface Gated<C> {
  os: OsFacts;
  /** The wrapped resource's state; null where it does not apply (not parsed there). */
  inner: C | null;
}

const MARK = '@@lvs-play-gate@@';

/** Which hosts a branch is for, described for messages ("Debian without systemd"). */
export interface Condition {
  label: string;
  applies(os: OsFacts): boolean;
}

/** Applies where systemd runs. */
export const onSystemd: Condition = { label: 'systemd', applies: (os) => os.systemd };
/** Applies on Debian without systemd. */
export const onDebianSysv: Condition = { label: 'Debian without systemd', applies: (os) => !os.systemd && os.family === 'debian' };
/** Applies on RHEL without systemd. */
export const onRhelSysv: Condition = { label: 'RHEL without systemd', applies: (os) => !os.systemd && os.family === 'rhel' };
/** Applies on Debian (and its derivatives). */
export const onDebian: Condition = { label: 'Debian', applies: (os) => os.family === 'debian' };
/** Applies on RHEL (and its derivatives). */
export const onRhel: Condition = { label: 'RHEL', applies: (os) => os.family === 'rhel' };

/** A condition of your own: `osCondition('Debian 12', (os) => os.family === 'debian' && os.versionId === '12')`. */
export function osCondition(label: string, applies: (os: OsFacts) => boolean): Condition {
  return { label, applies };
}

/** The combined fact (exported for tests). */
export function gatedFact<C>(cond: Condition, inner: Fact<C>): Fact<Gated<C>> {
  return {
    command: sh`${raw(osFactScript)}
echo ${MARK}
${raw(inner.command)}`,
    parse(r) {
      const i = r.stdout.indexOf(`${MARK}\n`);
      if (i < 0) throw new Error(`could not read the os facts (exit ${r.code}): ${r.stderr.trim().slice(-300)}`);
      const os = parseOsFacts(parseKv(r.stdout.slice(0, i)));
      if (!cond.applies(os)) return { os, inner: null };
      return { os, inner: inner.parse({ ...r, stdout: r.stdout.slice(i + MARK.length + 1) }) };
    },
  };
}

/** `r` on hosts where `cond` holds; `ok` (nothing to do) elsewhere. `r` must read a batched fact. */
export function onlyOn<C, Ch>(cond: Condition, r: Resource<C, Ch, 'posix'>): Resource<Gated<C>, Ch, 'posix'> {
  const read = r.read;
  if (!isFact(read)) throw new Error(`onlyOn(${cond.label}): ${r.id} must read a batched fact`);
  const { diff, describe, desired, fingerprint, note, read: _read, plan: _plan, apply: _apply, verify: _verify, ...rest } = r;
  const out: Resource<Gated<C>, Ch, 'posix'> = {
    ...rest,
    id: `${r.id} (${cond.label})`,
    read: gatedFact(cond, read as Fact<C>),
    plan: (cur) => (cur.inner === null ? null : r.plan(cur.inner)),
    apply: (t, c) => r.apply(t, c),
    verify: r.verify ?? true,
  };
  if (describe) out.describe = describe;
  if (desired) {
    out.desired = () => {
      const d = desired();
      return {
        ...(d.files ? { files: d.files.map((f) => ({ ...f, only: f.only ? `${cond.label}, ${f.only}` : cond.label })) } : {}),
        ...(d.settings ? { settings: d.settings.map((s) => `(on ${cond.label}) ${s}`) } : {}),
      };
    };
  }
  if (note) out.note = (cur) => (cur.inner === null ? undefined : note(cur.inner));
  if (diff) out.diff = (cur, c) => diff(cur.inner as C, c);
  if (fingerprint) out.fingerprint = (cur) => (cur.inner === null ? { inner: null } : { inner: fingerprint(cur.inner) });
  return out;
}

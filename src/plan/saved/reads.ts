/**
 * What a plan depends on: the parts of a resource's current state (its fact's parsed value) that
 * its `plan` — and its `diff`, which the reviewer sees — actually read. They are recorded by running
 * the pure `plan(current)` on a read-tracking view of `current`; since `plan` is a pure function,
 * a state whose recorded reads all have the same values takes the same path through `plan` and
 * yields the same change. A change anywhere else in the state (a field `plan` never looked at)
 * is therefore not drift.
 *
 * A resource may instead provide `fingerprint(current)` (src/types.ts): then that value is the
 * dependency. When tracking cannot follow a plan (it threw or answered differently under tracking)
 * the whole current state is the dependency.
 */
import type { AnyResource, JsonValue } from '../../types.js';
import { canonical, type CanonicalOptions } from './canonical.js';

/**
 * One recorded read. `path` walks own properties from the state's root.
 *  get   the value there (a leaf in canonical form; objects/arrays as `{ $type }`, missing as `{ $absent: true }`)
 *  has   `key in object` (`{ $in: boolean }`)
 *  keys  the sorted own keys of an object (`Object.keys`, spread, `for … in`)
 *  all   the whole state (fallback); `hook` the resource's own `fingerprint(current)`
 */
export interface Read {
  op: 'get' | 'has' | 'keys' | 'all' | 'hook';
  path: string[];
  value: JsonValue;
}

const ABSENT: JsonValue = { $absent: true };

function isContainer(v: unknown): v is object {
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** How a value is recorded: containers by their type (their parts are recorded as they are read). */
function observe(v: unknown, o: CanonicalOptions): JsonValue {
  if (isContainer(v)) return { $type: Array.isArray(v) ? 'array' : 'object' };
  return canonical(v, o);
}

function frozenProp(target: object, key: string): boolean {
  const d = Object.getOwnPropertyDescriptor(target, key);
  return d !== undefined && d.configurable === false && d.writable === false;
}

/** Runs `fn` on a read-tracking view of `state`; returns its result and every read it made. */
export function traceReads<T>(state: unknown, fn: (view: unknown) => T, o: CanonicalOptions): { result: T; reads: Read[] } {
  const reads = new Map<string, Read>();
  const record = (op: Read['op'], path: string[], value: () => JsonValue) => {
    const k = `${op} ${JSON.stringify(path)}`;
    if (!reads.has(k)) reads.set(k, { op, path, value: value() });
  };
  const proxies = new WeakMap<object, unknown>();
  const view = (target: unknown, path: string[]): unknown => {
    if (!isContainer(target)) return target;
    const known = proxies.get(target);
    if (known) return known;
    const p = new Proxy(target, {
      get(t, key, receiver) {
        const v: unknown = Reflect.get(t, key, receiver);
        if (typeof key !== 'string') return v;
        const own = Object.prototype.hasOwnProperty.call(t, key);
        if (!own && key in t) return v; // an inherited method (map, toString …): not state
        const at = [...path, key];
        if (!own) {
          record('get', at, () => ABSENT);
          return v;
        }
        if (frozenProp(t, key)) {
          // a proxy invariant: a frozen property must come back as itself, so it is kept whole
          record('get', at, () => canonical(v, o));
          return v;
        }
        record('get', at, () => observe(v, o));
        return view(v, at);
      },
      has(t, key) {
        const r = Reflect.has(t, key);
        if (typeof key === 'string') record('has', [...path, key], () => ({ $in: r }));
        return r;
      },
      ownKeys(t) {
        const keys = Reflect.ownKeys(t);
        record('keys', path, () => keys.filter((k): k is string => typeof k === 'string').sort());
        return keys;
      },
    });
    proxies.set(target, p);
    return p;
  };
  if (!isContainer(state)) record('get', [], () => canonical(state, o));
  const result = fn(view(state, []));
  return { result, reads: [...reads.values()].sort(byOpAndPath) };
}

function byOpAndPath(a: Read, b: Read): number {
  const x = `${a.op} ${JSON.stringify(a.path)}`;
  const y = `${b.op} ${JSON.stringify(b.path)}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The value at `path` (own properties only), or undefined with `found: false`. */
function walk(state: unknown, path: readonly string[]): { found: boolean; value: unknown } {
  let cur: unknown = state;
  for (const key of path) {
    if (!isContainer(cur) || !Object.prototype.hasOwnProperty.call(cur, key)) return { found: false, value: undefined };
    cur = (cur as Record<string, unknown>)[key];
  }
  return { found: true, value: cur };
}

/** The resource's own fingerprint of a state; a state it cannot fingerprint is recorded as the error. */
function hookValue(res: AnyResource, state: unknown, o: CanonicalOptions): JsonValue {
  try {
    return canonical((res.fingerprint as (c: unknown) => unknown)(state), o);
  } catch (e) {
    return { $error: o.redact(e instanceof Error ? e.message : String(e)) };
  }
}

/** What a recorded read sees in another state (the state at apply time). */
export function observeRead(read: Read, res: AnyResource, state: unknown, o: CanonicalOptions): JsonValue {
  switch (read.op) {
    case 'all':
      return canonical(state, o);
    case 'hook':
      return hookValue(res, state, o);
    case 'keys': {
      const { found, value } = walk(state, read.path);
      return found && isContainer(value) ? Object.keys(value).sort() : ABSENT;
    }
    case 'has': {
      const parent = walk(state, read.path.slice(0, -1));
      const key = read.path[read.path.length - 1] ?? '';
      return { $in: parent.found && typeof parent.value === 'object' && parent.value !== null && key in parent.value };
    }
    case 'get': {
      if (read.path.length === 0) return canonical(state, o);
      const { found, value } = walk(state, read.path);
      if (!found) return ABSENT;
      const parent = walk(state, read.path.slice(0, -1)).value as object;
      return frozenProp(parent, read.path[read.path.length - 1]!) ? canonical(value, o) : observe(value, o);
    }
  }
}

/** A difference between the planned-against state and now, for one read. */
export interface ReadDrift {
  /** `live`, `file.content`, `rules[2].spec`, `(keys of rules)` … */
  what: string;
  before: JsonValue;
  after: JsonValue;
}

/** Dotted, human name of a read's path. */
export function readName(read: Pick<Read, 'op' | 'path'>): string {
  const p = read.path.map((k, i) => (/^\d+$/.test(k) ? `[${k}]` : i === 0 ? k : `.${k}`)).join('') || '(state)';
  if (read.op === 'keys') return `(keys of ${p})`;
  if (read.op === 'has') return `(${p} present)`;
  if (read.op === 'hook') return '(fingerprint)';
  return p;
}

/** The recorded reads whose value differs in `state`: empty = no drift. */
export function driftOf(reads: readonly Read[], res: AnyResource, state: unknown, o: CanonicalOptions): ReadDrift[] {
  const out: ReadDrift[] = [];
  for (const r of reads) {
    const now = observeRead(r, res, state, o);
    if (JSON.stringify(now) !== JSON.stringify(r.value)) out.push({ what: readName(r), before: r.value, after: now });
  }
  return out;
}

/**
 * The reads a resource's plan depends on, for this state: its `fingerprint` hook, else what `plan`
 * (and `diff`, for a change) read, else — when tracking cannot follow — the whole state.
 */
export function dependencyOf(res: AnyResource, current: unknown, o: CanonicalOptions): Read[] {
  if (res.fingerprint) return [{ op: 'hook', path: [], value: hookValue(res, current, o) }];
  const whole: Read[] = [{ op: 'all', path: [], value: canonical(current, o) }];
  try {
    const plain: unknown = res.plan(current);
    const traced = traceReads(current, (v) => res.plan(v), o);
    if (JSON.stringify(canonical(traced.result, o)) !== JSON.stringify(canonical(plain, o))) return whole;
    const reads = new Map(traced.reads.map((r) => [`${r.op} ${JSON.stringify(r.path)}`, r]));
    if (plain !== null && res.diff) {
      const diff = res.diff as (c: unknown, ch: unknown) => unknown;
      for (const r of traceReads(current, (v) => diff(v, plain), o).reads) reads.set(`${r.op} ${JSON.stringify(r.path)}`, r);
    }
    return [...reads.values()].sort(byOpAndPath);
  } catch {
    return whole;
  }
}

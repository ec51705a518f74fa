/**
 * A key for equal plain values (strings, finite numbers, booleans, null, undefined, arrays and plain
 * objects of them, in their key order), or null for anything else: a function, a class instance
 * (a Map's or a Date's JSON would make different values equal), an accessor, a symbol key, a
 * non-finite number or -0, a value nested deeper than 32 levels (a cycle) or longer than 64 KiB.
 * Validation and role builds are cached by it: with 10 000 hosts giving the same options, they run
 * once (docs/scaling.md).
 */
const MAX_DEPTH = 32;
const MAX_LENGTH = 64 * 1024;

class NotPlain extends Error {}

export function plainKey(value: unknown): string | null {
  const parts: string[] = [];
  let length = 0;
  const push = (s: string): void => {
    length += s.length;
    if (length > MAX_LENGTH) throw new NotPlain();
    parts.push(s);
  };
  const walk = (v: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) throw new NotPlain();
    if (v === undefined) return push('u');
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return push(JSON.stringify(v));
    if (typeof v === 'number') {
      if (!Number.isFinite(v) || Object.is(v, -0)) throw new NotPlain();
      return push(String(v));
    }
    if (typeof v !== 'object') throw new NotPlain();
    if (Array.isArray(v)) {
      if (Object.getPrototypeOf(v) !== Array.prototype) throw new NotPlain();
      push('[');
      for (let i = 0; i < v.length; i++) {
        if (i) push(',');
        walk(v[i], depth + 1);
      }
      return push(']');
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if ((proto !== Object.prototype && proto !== null) || Object.getOwnPropertySymbols(v).length) throw new NotPlain();
    const descriptors = Object.getOwnPropertyDescriptors(v);
    push('{');
    let first = true;
    for (const k in descriptors) {
      const d = descriptors[k]!;
      if (!('value' in d)) throw new NotPlain();
      if (!d.enumerable) continue;
      push(`${first ? '' : ','}${JSON.stringify(k)}:`);
      first = false;
      walk(d.value, depth + 1);
    }
    push('}');
  };
  try {
    walk(value, 0);
  } catch (e) {
    if (e instanceof NotPlain || e instanceof RangeError) return null;
    throw e;
  }
  return parts.join('');
}

/** A bounded map of plain keys: the oldest entry goes when it is full. */
export class PlainCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string | null): V | undefined {
    return key === null ? undefined : this.map.get(key);
  }

  set(key: string | null, value: V): void {
    if (key === null) return;
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, value);
  }
}

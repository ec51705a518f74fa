/**
 * The canonical serialisation of saved plans (docs/plans.md): any value a resource reads or plans
 * (Buffers, Maps, Sets, Dates, bigints, undefined …) becomes one JSON value with sorted keys, so
 * equal states serialise to equal text and digests are stable across runs and machines.
 *
 * Every string (and UTF-8 Buffer) passes through `redact` first: a secret value never reaches a
 * plan, not even through a digest (a digest of a text holding a secret would be an oracle for
 * guessing it). Long values are kept as `{ $sha256, size }` of their redacted form.
 */
import { createHash } from 'node:crypto';
import type { JsonValue } from '../../types.js';

export interface CanonicalOptions {
  /** Masks secret values in text (the engine's Redactor.redact). */
  redact(text: string): string;
  /** Strings/bytes longer than this are kept as their digest. Default 256. */
  maxText?: number;
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `sha256:HEX` of a canonical value's JSON text. */
export function digestOf(value: JsonValue): string {
  return `sha256:${sha256Hex(JSON.stringify(value))}`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(s: string, o: CanonicalOptions): JsonValue {
  const clean = o.redact(s);
  const max = o.maxText ?? 256;
  return clean.length > max ? { $sha256: sha256Hex(clean), size: Buffer.byteLength(clean) } : clean;
}

function bytes(b: Uint8Array, o: CanonicalOptions): JsonValue {
  let decoded: string | undefined;
  try {
    decoded = utf8.decode(b);
  } catch {
    decoded = undefined;
  }
  if (decoded !== undefined) return { $utf8: text(decoded, o) };
  const max = o.maxText ?? 256;
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return buf.length > max ? { $bytes: { $sha256: sha256Hex(buf), size: buf.length } } : { $bytes: buf.toString('base64') };
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The canonical JSON form of any value (see the file comment). Throws on cycles. */
export function canonical(value: unknown, o: CanonicalOptions, seen: Set<object> = new Set()): JsonValue {
  switch (typeof value) {
    case 'undefined':
      return { $undefined: true };
    case 'string':
      return text(value, o);
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : { $number: String(value) };
    case 'bigint':
      return { $bigint: value.toString() };
    case 'symbol':
      return { $symbol: value.description ?? '' };
    case 'function':
      return { $function: value.name || 'anonymous' };
  }
  if (value === null) return null;
  const obj = value as object;
  if (obj instanceof Uint8Array) return bytes(obj, o);
  if (obj instanceof Date) return { $date: Number.isNaN(obj.getTime()) ? 'invalid' : obj.toISOString() };
  if (obj instanceof RegExp) return { $regexp: text(String(obj), o) };
  if (seen.has(obj)) throw new Error('a cycle cannot be serialised into a plan');
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((v: unknown) => canonical(v, o, seen));
    if (obj instanceof Map) {
      const entries = [...obj.entries()].map(([k, v]) => [canonical(k, o, seen), canonical(v, o, seen)] as [JsonValue, JsonValue]);
      return { $map: entries.sort((a, b) => cmp(JSON.stringify(a[0]), JSON.stringify(b[0]))) };
    }
    if (obj instanceof Set) {
      return { $set: [...obj].map((v: unknown) => canonical(v, o, seen)).sort((a, b) => cmp(JSON.stringify(a), JSON.stringify(b))) };
    }
    const out: Record<string, JsonValue> = {};
    if (!isPlain(obj)) out.$class = obj.constructor?.name ?? 'object';
    for (const key of Object.keys(obj).sort(cmp)) {
      const v = (obj as Record<string, unknown>)[key];
      if (v === undefined) continue;
      // a key that starts with $ is escaped, so no user key is taken for one of the markers above
      out[key.startsWith('$') ? `$${key}` : key] = canonical(v, o, seen);
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

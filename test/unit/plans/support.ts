/** Fingerprint test support: fixture revival, deep copies that keep Buffers, and one-leaf mutations. */
import { canonical, type CanonicalOptions } from '../../../src/plan/saved/canonical.js';
import type { AnyResource } from '../../../src/types.js';

export const O: CanonicalOptions = { redact: (s) => s.split('lvs-lab').join('********') };

/** JSON fixture → state: `{ $buffer: base64 }` becomes a Buffer. */
export function revive(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(revive);
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    if (typeof o.$buffer === 'string' && Object.keys(o).length === 1) return Buffer.from(o.$buffer, 'base64');
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, revive(x)]));
  }
  return v;
}

export function clone<T>(v: T): T {
  if (Buffer.isBuffer(v)) return Buffer.from(v) as T;
  if (Array.isArray(v)) return v.map(clone) as T;
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) as T;
  return v;
}

function at(root: unknown, path: readonly string[]): unknown {
  let cur = root;
  for (const k of path) cur = (cur as Record<string, unknown>)[k];
  return cur;
}

function set(root: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = at(root, path.slice(0, -1)) as Record<string, unknown>;
  parent[path[path.length - 1]!] = value;
  return root;
}

function changedLeaf(v: unknown): unknown[] {
  if (typeof v === 'string') return [`${v}~`, ''];
  if (typeof v === 'number') return [v + 1];
  if (typeof v === 'boolean') return [!v];
  if (v === null) return ['x'];
  if (Buffer.isBuffer(v)) return [Buffer.concat([v, Buffer.from('# edited\n')])];
  return [];
}

export interface Mutation {
  what: string;
  state: unknown;
}

/** Every state that differs from `state` in one place: a leaf changed, a key deleted, an array shortened. */
export function mutations(state: unknown): Mutation[] {
  const out: Mutation[] = [];
  const walk = (v: unknown, path: string[]) => {
    const name = path.join('.') || '(root)';
    for (const x of changedLeaf(v)) out.push({ what: `${name} = ${JSON.stringify(x)?.slice(0, 40)}`, state: set(clone(state), path, x) });
    if (Buffer.isBuffer(v) || typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) {
      if (v.length) out.push({ what: `${name} without its last element`, state: set(clone(state), path, clone(v).slice(0, -1)) });
      v.forEach((x, i) => walk(x, [...path, String(i)]));
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      const copy = clone(state);
      delete (at(copy, path) as Record<string, unknown>)[k];
      out.push({ what: `${[...path, k].join('.')} deleted`, state: copy });
      walk(x, [...path, k]);
    }
  };
  walk(state, []);
  return out;
}

/** What a plan does with a state: its canonical change, or the error it throws. */
export function outcome(res: AnyResource, state: unknown): string {
  try {
    return JSON.stringify(canonical(res.plan(state as never), { ...O, maxText: Infinity }));
  } catch (e) {
    return `throws: ${e instanceof Error ? e.message : String(e)}`;
  }
}

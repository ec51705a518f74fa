/**
 * The model's zod parse of a config (model.ts), made once per virtual-server list: the directors
 * of a site share theirs (site.ts builds it once), and with thousands of real servers that list is
 * nearly all of a config (docs/scaling.md). Same result and issues, in the same order, as
 * `keepalivedConfigSchema.safeParse`.
 */
import type { z } from 'lvs-play/kit';
import { keepalivedConfigSchema } from './model.js';

type Config = z.output<typeof keepalivedConfigSchema>;
type Parsed = { success: true; data: Config } | { success: false; issues: z.ZodIssue[] };

const virtualServersSchema = keepalivedConfigSchema.shape.virtualServers;

/** Parses of virtual-server lists by identity, for one validation of several configs. */
export type VirtualServersParses = Map<unknown, z.SafeParseReturnType<unknown, Config['virtualServers']>>;

/** The fields zod checks before virtualServers (shape order); its other issues come after them. */
const FIELDS = Object.keys(keepalivedConfigSchema.shape);
const BEFORE = new Set<unknown>(FIELDS.slice(0, FIELDS.indexOf('virtualServers')));

export function parseConfig(input: unknown, parses: VirtualServersParses): Parsed {
  const vs = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>)['virtualServers'] : undefined;
  if (!Array.isArray(vs)) {
    const whole = keepalivedConfigSchema.safeParse(input);
    return whole.success ? whole : { success: false, issues: whole.error.issues };
  }
  const head = keepalivedConfigSchema.safeParse({ ...(input as object), virtualServers: [] });
  let servers = parses.get(vs);
  if (!servers) parses.set(vs, (servers = virtualServersSchema.safeParse(vs)));
  if (head.success && servers.success) return { success: true, data: { ...head.data, virtualServers: servers.data } };
  const headIssues = head.success ? [] : head.error.issues;
  return {
    success: false,
    issues: [
      ...headIssues.filter((i) => BEFORE.has(i.path[0])),
      ...(servers.success ? [] : servers.error.issues.map((i) => ({ ...i, path: ['virtualServers', ...i.path] }))),
      ...headIssues.filter((i) => !BEFORE.has(i.path[0])),
    ],
  };
}

/** Equal as JSON with object keys sorted (two directors' blocks compare by content, whatever the key order), without building the JSON. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return JSON.stringify(a) === JSON.stringify(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameJson(x ?? null, b[i] ?? null));
  }
  const shown = (o: object) => Object.keys(o).filter((k) => !['undefined', 'function', 'symbol'].includes(typeof (o as Record<string, unknown>)[k]));
  const ka = shown(a);
  const kb = shown(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

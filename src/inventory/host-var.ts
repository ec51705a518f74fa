/**
 * Typed host variables: `host.var('vip', ipv4)`, `host.var('weight', z.number(), 1)`.
 *
 * A missing or mistyped variable is a problem of the inventory, reported in its terms (file, host,
 * variable, where to set it, an example) before any host is contacted. While plays are being
 * selected (src/run/select.ts) problems are collected, not thrown, so one run shows all of them.
 */
import type { ZodIssue, ZodType, ZodTypeAny, ZodTypeDef } from 'zod';
import { LvsError, ValidationErrors } from '../errors.js';

/** What a host view knows about where its vars come from, for messages. */
export interface VarContext {
  /** The inventory file. */
  source: string;
  host: string;
  groups: readonly string[];
  /** Where each var was set: "on host lvs1", "on group directors", "in the inventory vars", "by -e". */
  origins: Readonly<Record<string, string>>;
  /** Values read from Ansible Vault: never shown in a problem. */
  secrets?: readonly string[];
}

const SECRET_NAME = /pass|secret|token|key$/i;

let collector: LvsError[] | null = null;

/**
 * Runs `fn` collecting variable problems instead of throwing them: a problem reads as the fallback
 * (or undefined), so the caller can go on and report every problem at once. Whatever `fn` throws
 * after a problem is a consequence of it and is dropped by the caller.
 */
export function collectVarProblems<T>(fn: () => T): { value?: T; error?: unknown; problems: LvsError[] } {
  const outer = collector;
  const problems: LvsError[] = [];
  collector = problems;
  try {
    return { value: fn(), problems };
  } catch (error) {
    return { error, problems };
  } finally {
    collector = outer;
  }
}

/** A short example value for a fix line: the schema's description, else one built from its shape. */
function exampleOf(schema: ZodTypeAny): string {
  if (schema.description) return schema.description;
  const def = schema._def as { typeName?: string; schema?: ZodTypeAny; innerType?: ZodTypeAny; type?: ZodTypeAny; values?: readonly string[]; value?: unknown; shape?: () => Record<string, ZodTypeAny> };
  switch (def.typeName) {
    case 'ZodEffects':
      return exampleOf(def.schema as ZodTypeAny);
    case 'ZodOptional':
    case 'ZodNullable':
    case 'ZodDefault':
      return exampleOf(def.innerType as ZodTypeAny);
    case 'ZodObject': {
      const shape = def.shape?.() ?? {};
      const keys = Object.entries(shape).filter(([, s]) => !s.isOptional());
      return `{ ${keys.map(([k, s]) => `${k}: ${exampleOf(s)}`).join(', ')} }`;
    }
    case 'ZodArray':
      return `[${exampleOf(def.type as ZodTypeAny)}]`;
    case 'ZodEnum':
      return String(def.values?.[0]);
    case 'ZodLiteral':
      return JSON.stringify(def.value);
    case 'ZodNumber':
      return '1';
    case 'ZodBoolean':
      return 'true';
    default:
      return '…';
  }
}

function whereToSet(ctx: VarContext): string {
  const groups = ctx.groups.filter((g) => g !== 'all' && g !== 'ungrouped');
  return groups.length ? `on the host or one of its groups (${groups.join(', ')})` : 'on the host or in the inventory vars';
}

function issueText(issue: ZodIssue): string {
  if (issue.code === 'invalid_enum_value') return `use one of: ${issue.options.join(', ')}`;
  if (issue.code === 'invalid_type') return `expected ${issue.expected}, got ${issue.received}`;
  if (issue.code === 'unrecognized_keys') return `remove ${issue.keys.join(', ')} (unknown)`;
  return issue.message;
}

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let cur = input;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

function problem(ctx: VarContext, name: string, schema: ZodTypeAny, issue: ZodIssue | null, input: unknown): LvsError {
  const example = `${name}: ${exampleOf(schema)}`;
  const detail = { file: ctx.origins[name] === 'by -e' ? '-e' : ctx.source, field: `host ${ctx.host}` };
  if (!issue) return new LvsError('E_INVENTORY', `variable "${name}" is missing`, { ...detail, fix: `set ${example} ${whereToSet(ctx)}` });
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
  const secret = SECRET_NAME.test(name) || issue.path.some((p) => typeof p === 'string' && SECRET_NAME.test(p));
  const shown = secret ? undefined : valueAt(input, issue.path);
  const value = shown !== undefined && ctx.secrets?.some((s) => JSON.stringify(shown).includes(JSON.stringify(s).slice(1, -1))) ? undefined : shown;
  const origin = ctx.origins[name];
  const missing = issue.code === 'invalid_type' && issue.received === 'undefined';
  return new LvsError('E_INVENTORY', `variable "${name}${path}" ${missing ? 'is missing' : `is invalid: ${issueText(issue)}`}`, {
    ...detail,
    ...(value !== undefined ? { value } : {}),
    fix: `set ${example}${origin ? ` (it is set ${origin})` : ` ${whereToSet(ctx)}`}`,
  });
}

type Plain = string | number | boolean | null | undefined;
const isPlain = (v: unknown): v is Plain => v === null || (typeof v !== 'object' && typeof v !== 'function' && typeof v !== 'symbol' && !Object.is(v, -0));

/**
 * Good parses of one schema by plain input: a value set for a group or the whole inventory (`vip`)
 * is parsed once for all its hosts (10 000 hosts: docs/scaling.md). Only plain results are kept
 * (never an object two hosts would share); at most 256 inputs a schema.
 */
const plainParses = new WeakMap<object, Map<Plain, Plain>>();

function parsedPlain(schema: object, input: unknown): { value: Plain } | undefined {
  if (!isPlain(input)) return undefined;
  const known = plainParses.get(schema);
  return known?.has(input) ? { value: known.get(input) } : undefined;
}

function keepPlain(schema: object, input: unknown, output: unknown): void {
  if (!isPlain(input) || !isPlain(output)) return;
  let known = plainParses.get(schema);
  if (!known) plainParses.set(schema, (known = new Map()));
  if (known.size < 256) known.set(input, output);
}

/**
 * Reads `name` from `vars` through `schema`. Without a fallback, a missing var is parsed too (so an
 * `.optional()` schema yields undefined); with one, a missing var is the fallback.
 */
export function readVar<T>(ctx: VarContext, vars: Readonly<Record<string, unknown>>, name: string, schema: ZodType<T, ZodTypeDef, unknown>, fallback?: { value: T }): T {
  const input = vars[name];
  if (input === undefined && fallback) return fallback.value;
  const known = parsedPlain(schema, input);
  if (known) return known.value as T;
  const parsed = schema.safeParse(input);
  if (parsed.success) {
    keepPlain(schema, input, parsed.data);
    return parsed.data;
  }
  const problems =
    input === undefined ? [problem(ctx, name, schema, null, input)] : parsed.error.issues.map((i) => problem(ctx, name, schema, i, input));
  if (!collector) throw problems.length === 1 ? problems[0] : new ValidationErrors(problems);
  collector.push(...problems);
  return (fallback ? fallback.value : undefined) as T;
}

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

/**
 * Reads `name` from `vars` through `schema`. Without a fallback, a missing var is parsed too (so an
 * `.optional()` schema yields undefined); with one, a missing var is the fallback.
 */
export function readVar<T>(ctx: VarContext, vars: Readonly<Record<string, unknown>>, name: string, schema: ZodType<T, ZodTypeDef, unknown>, fallback?: { value: T }): T {
  const input = vars[name];
  if (input === undefined && fallback) return fallback.value;
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems =
    input === undefined ? [problem(ctx, name, schema, null, input)] : parsed.error.issues.map((i) => problem(ctx, name, schema, i, input));
  if (!collector) throw problems.length === 1 ? problems[0] : new ValidationErrors(problems);
  collector.push(...problems);
  return (fallback ? fallback.value : undefined) as T;
}

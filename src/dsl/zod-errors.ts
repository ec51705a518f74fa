import type { ZodEffects, ZodError, ZodIssue, ZodTypeAny, output } from 'zod';
import { LvsError, ValidationErrors } from '../errors.js';

/** Where a validated value came from, for messages: its file and field path prefix. */
export interface Where {
  file?: string;
  /** Field path prefix, e.g. "roles.keepalived" or "groups.directors". */
  field?: string;
}

function pathToString(prefix: string | undefined, path: readonly (string | number)[]): string {
  let out = prefix ?? '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(root)';
}

/** `.a[0].b` for a path: appended to a field prefix in messages. */
export function pathSuffix(path: readonly (string | number)[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}

/** The value at a zod issue's path in the raw input (for "got …" in messages). */
export function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let cur = input;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

const SECRET_KEY = /pass|secret|token|key$/i;

/** Turns a zod error into LvsErrors naming file, field, value and what is allowed. */
export function fromZod(err: ZodError, input: unknown, where: Where): ValidationErrors {
  const errors = err.issues.map((issue) => {
    const field = pathToString(where.field, issue.path);
    const last = issue.path[issue.path.length - 1];
    const secret = typeof last === 'string' && SECRET_KEY.test(last);
    const value = secret ? undefined : valueAt(input, issue.path);
    let fix = issue.message;
    if (issue.code === 'invalid_enum_value') fix = `use one of: ${issue.options.join(', ')}`;
    else if (issue.code === 'unrecognized_keys') fix = `remove ${issue.keys.join(', ')} (unknown option)`;
    // a schema's own wording (invalid_type_error) says it in the user's terms; zod's default does not
    else if (issue.code === 'invalid_type') fix = /^(Expected |Required$)/.test(issue.message) ? `expected ${issue.expected}, got ${issue.received}` : issue.message;
    return new LvsError('E_VALIDATION', 'invalid value', {
      ...(where.file ? { file: where.file } : {}),
      field,
      ...(value !== undefined ? { value } : {}),
      fix,
    });
  });
  return new ValidationErrors(errors);
}

/**
 * A rule of one field, in the user's terms: what is wrong (`reason`) and what to do (`fix`). A model
 * that reports every problem at once (keepalived, ipvsadm) reads them back with `ruleOf`.
 */
export function fieldRule<S extends ZodTypeAny>(schema: S, ok: (v: output<S>) => boolean, reason: string, fix: string): ZodEffects<S> {
  return schema.refine(ok, { message: reason, params: { fix } });
}

/** The reason and fix of an issue raised by a `fieldRule`; undefined for any other issue (a wrong shape). */
export function ruleOf(issue: ZodIssue): { reason: string; fix: string } | undefined {
  const fix = issue.code === 'custom' ? (issue.params as { fix?: unknown } | undefined)?.fix : undefined;
  return typeof fix === 'string' ? { reason: issue.message, fix } : undefined;
}

/**
 * The core resources' options, validated one way: zod schemas of the shared fields (paths, modes,
 * owners, commands, meta) and `parseOptions`, which reports every problem at once as
 * `KIND.FIELD: … fix: …` (fromZod). Rules that involve several fields stay explicit code in each
 * resource (`invalid(...)`).
 */
import { z, type ZodType, type ZodTypeDef } from 'zod';
import { fromZod } from '../dsl/zod-errors.js';
import { hostPath } from '../schema/schemas.js';
import type { ShellCommand } from '../types.js';
import { invalid } from './common.js';

export { hostPath };

const strings = (example: string) => z.array(z.string(), { invalid_type_error: `a list of strings, e.g. ${example}` }).optional();

/** The meta fields every resource accepts (tags, notify, when, secrets). */
export const metaShape = {
  tags: strings("tags: ['name']"),
  notify: strings("notify: ['reload keepalived']"),
  when: z.boolean({ invalid_type_error: 'a boolean: compute the condition in TypeScript, e.g. when: host.vars.x === 1' }).optional(),
  secrets: strings("secrets: [password]"),
};

/** A non-root absolute path (for things that get removed or replaced). */
export const targetPath = hostPath.refine((p) => p !== '/', 'must not be /: name the file or directory itself');

/** Octal file mode 0..0o7777, a number (0o644), never a string. */
const fileMode = z
  .number({ invalid_type_error: 'write the mode as a number, like 0o644 (not a string)' })
  .int('an octal number 0..0o7777, written like 0o644')
  .min(0, 'an octal number 0..0o7777, written like 0o644')
  .max(0o7777, 'an octal number 0..0o7777, written like 0o644');

const OWNER_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/;

/** A user or group name, or a numeric id (given as a number or a string). */
const ownerName = z
  .union([z.string(), z.number()], { errorMap: () => ({ message: 'a user/group name or numeric id, e.g. "root", "www-data" or 0' }) })
  .transform((v) => String(v))
  .refine((s) => OWNER_RE.test(s), 'a user/group name or numeric id, e.g. "root", "www-data" or 0');

/** A command built by `sh` (a non-empty string). */
export const shellCommand = z
  .string({ invalid_type_error: "a command built with sh`…` (import { sh } from 'lvs-play')", required_error: "required: a command built with sh`…`, e.g. sh`systemctl daemon-reload`" })
  .refine((s) => s.trim() !== '', "a non-empty command built with sh`…` (import { sh } from 'lvs-play')") as unknown as ZodType<ShellCommand, ZodTypeDef, unknown>;

/** A check of a temp file before it goes live: (tmp) => sh`…`. */
export const tempCheck = z.custom<(tmpPath: string) => ShellCommand>(
  (v) => typeof v === 'function',
  'a function of the temp path, e.g. validate: (tmp) => sh`nginx -t -c ${tmp}`',
);

/** present | absent, default present. */
export const presence = z.enum(['present', 'absent']).default('present');

/** File attributes (mode, owner, group), all optional. */
export const attrsShape = { mode: fileMode.optional(), owner: ownerName.optional(), group: ownerName.optional() };

/**
 * Validates a resource's options: every problem at once, each naming `kind.field`, the value and
 * what is allowed. `example` shows a call for options that are not an object at all.
 */
export function parseOptions<T>(kind: string, schema: ZodType<T, ZodTypeDef, unknown>, input: unknown, example: string): T {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid(kind, '(options)', input, 'options must be an object', example);
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const errs = fromZod(r.error, input, { field: kind });
  throw errs.errors.length === 1 ? errs.errors[0]! : errs;
}

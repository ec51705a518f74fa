/**
 * Helpers every resource shares: meta handling, option validation, redaction, running a
 * command that must succeed, and the `key=value` fact protocol.
 */
import { posix } from 'node:path';
import { LvsError } from '../errors.js';
import type { PosixTransport, ResourceMeta, RunOptions, RunResult, ShellCommand } from '../types.js';

/** The common options every resource factory accepts. */
export type Meta = Pick<ResourceMeta, 'tags' | 'notify' | 'when' | 'secrets'>;

/** Copies only the meta fields that are set (so `{...metaOf(o)}` never adds `undefined`s). */
export function metaOf(o: Meta): Meta {
  const m: Meta = {};
  if (o.tags !== undefined) m.tags = o.tags;
  if (o.notify !== undefined) m.notify = o.notify;
  if (o.when !== undefined) m.when = o.when;
  if (o.secrets !== undefined) m.secrets = o.secrets;
  return m;
}

/** An E_VALIDATION error naming `kind.field`, the value and the fix. */
export function invalid(kind: string, field: string, value: unknown, message: string, fix: string): LvsError {
  return new LvsError('E_VALIDATION', `${kind}: ${message}`, { field: `${kind}.${field}`, value, fix });
}

/** Validates the meta fields shared by every resource. */
export function checkMeta(kind: string, o: Meta): void {
  for (const key of ['tags', 'notify', 'secrets'] as const) {
    const v: unknown = o[key];
    if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))) {
      throw invalid(kind, key, key === 'secrets' ? '(redacted)' : v, `${key} must be a list of strings`, `pass e.g. ${key}: ['name']`);
    }
  }
  if (o.when !== undefined && typeof o.when !== 'boolean') {
    throw invalid(kind, 'when', o.when, 'when must be a boolean', 'compute the condition in TypeScript: when: host.vars.x === 1');
  }
}

/** An absolute POSIX path without NUL bytes; returned normalised (no trailing slash, no `//`). */
export function checkPath(kind: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw invalid(kind, field, value, `${field} must be a non-empty string`, 'give an absolute path like /etc/app.conf');
  }
  if (!value.startsWith('/')) {
    throw invalid(kind, field, value, `${field} must be absolute`, `use an absolute path, e.g. /${value}`);
  }
  if (value.includes('\0')) throw invalid(kind, field, value, `${field} contains a NUL byte`, 'remove the NUL byte');
  const norm = posix.normalize(value);
  return norm.length > 1 && norm.endsWith('/') ? norm.slice(0, -1) : norm;
}

/** A non-root absolute path (for things that get removed or replaced). */
export function checkTargetPath(kind: string, field: string, value: unknown): string {
  const p = checkPath(kind, field, value);
  if (p === '/') throw invalid(kind, field, value, `${field} must not be /`, 'name the file or directory itself');
  return p;
}

/** Octal file mode 0..0o7777 (a number, e.g. 0o644). */
export function checkMode(kind: string, field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0o7777) {
    throw invalid(kind, field, value, `${field} must be an octal number 0..0o7777`,
      typeof value === 'string' ? `write it as a number: 0o${value.replace(/^0o?/, '')}` : 'write it like 0o644');
  }
  return value;
}

const OWNER_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/;

/** A user or group name, or a numeric id. */
export function checkOwner(kind: string, field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const s = typeof value === 'number' && Number.isInteger(value) && value >= 0 ? String(value) : value;
  if (typeof s !== 'string' || !OWNER_RE.test(s)) {
    throw invalid(kind, field, value, `${field} must be a user/group name or numeric id`, 'e.g. "root", "www-data" or 0');
  }
  return s;
}

export function checkBool(kind: string, field: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalid(kind, field, value, `${field} must be true or false`, `${field}: true`);
  return value;
}

export function checkEnum<T extends string>(kind: string, field: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(kind, field, value, `${field} must be one of ${allowed.join(', ')}`, `${field}: '${allowed[0]}'`);
  }
  return value as T;
}

/** A command built by `sh` (a string). */
export function checkCommand(kind: string, field: string, value: unknown): ShellCommand | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(kind, field, value, `${field} must be a non-empty command built with sh\`…\``, "import { sh } from 'lvs-play' and write sh`cmd ${arg}`");
  }
  return value as ShellCommand;
}

/** Replaces every secret with ******** (longest first, so overlapping secrets are all hidden). */
export function redact(text: string, secrets: readonly string[] | undefined): string {
  if (!secrets || secrets.length === 0) return text;
  let out = text;
  for (const s of [...secrets].filter((x) => x !== '').sort((a, b) => b.length - a.length)) out = out.split(s).join('********');
  return out;
}

/** The last `n` non-empty lines of a text. */
export function tail(text: string, n = 5): string {
  return text.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '').slice(-n).join('\n');
}

/** The error for a failed command: what failed, the exit code, the last lines of stderr (redacted). */
export function commandError(what: string, r: RunResult, secrets?: readonly string[]): Error {
  const code = r.code === null ? 'no exit code (session dropped or killed)' : `exit ${r.code}`;
  const err = tail(r.stderr) || tail(r.stdout);
  return new Error(redact(`${what} failed (${code})${err ? `: ${err}` : ''}`, secrets));
}

/** Runs a command and throws (with exit code and stderr tail) unless it exits 0. */
export async function runOk(
  t: PosixTransport,
  cmd: ShellCommand,
  what: string,
  secrets?: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const r = await t.run(cmd, opts);
  if (r.code !== 0) throw commandError(what, r, secrets);
  return r;
}

/**
 * Parses the `key=value` lines that fact commands print. Later keys win; a key may repeat
 * when collected with `all`.
 */
export function parseKv(stdout: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i <= 0) continue;
    const k = line.slice(0, i);
    const list = m.get(k) ?? [];
    list.push(line.slice(i + 1));
    m.set(k, list);
  }
  return m;
}

/** The last value of a key, or undefined. */
export function kv(m: Map<string, string[]>, key: string): string | undefined {
  const l = m.get(key);
  return l ? l[l.length - 1] : undefined;
}

/** Throws a readable error when a fact command itself failed. */
export function checkFactResult(what: string, r: RunResult): void {
  if (r.code !== 0) throw commandError(`reading ${what}`, r);
}

export function b64(s: string): Buffer {
  return Buffer.from(s.trim(), 'base64');
}

export function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

/**
 * Helpers every resource shares: meta handling, the error of a cross-field rule (`invalid`),
 * redaction, running a command that must succeed, and the `key=value` fact protocol. Option
 * fields are validated with zod (options.ts).
 */
import { LvsError } from '../errors.js';
import { redact } from '../mask.js';
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

export { MASK, redact } from '../mask.js';

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

/** Base64 text (as a fact prints a file) back to its bytes. */
export function b64(s: string): Buffer {
  return Buffer.from(s.trim(), 'base64');
}

/** A file mode as lvs-play prints it: 0644. */
export function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

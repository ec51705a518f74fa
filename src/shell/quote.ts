import { LvsError } from '../errors.js';
import type { ShellCommand } from '../types.js';

/** A fragment of already-safe shell text; interpolated into `sh` as is. */
export class ShellFragment {
  constructor(readonly text: ShellCommand) {}
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * POSIX-quotes one value so a shell reads it back as exactly that one word. A NUL byte cannot
 * travel in a command line (the kernel and sshd end the string there, so the value would arrive
 * cut short): refused.
 */
export function quote(value: string | number): string {
  const s = String(value);
  if (s.includes('\0')) {
    throw new LvsError('E_VALIDATION', 'a value for a shell command contains a NUL byte, which no command line can carry', {
      value: s.length > 60 ? `${s.slice(0, 57)}...` : s,
      fix: 'remove the NUL (\\0) character from the value',
    });
  }
  if (s === '') return "''";
  if (SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A value `sh` quotes: text, a number, a list of them (one word each), or a fragment already quoted. */
export type ShellValue = string | number | ShellFragment | readonly (string | number)[];

function render(value: ShellValue): string {
  if (value instanceof ShellFragment) return value.text;
  if (Array.isArray(value)) return value.map((v) => quote(v)).join(' ');
  if (typeof value === 'string' || typeof value === 'number') return quote(value);
  throw new TypeError(`sh: cannot interpolate ${typeof value}`);
}

/**
 * Builds a shell command; every `${value}` is quoted (arrays become separate words).
 * Use `raw(cmd)` to splice a command that `sh` already built.
 */
export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): ShellCommand {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return out as ShellCommand;
}

/** Marks a command built by `sh` for splicing into another `sh` template unquoted. */
export function raw(cmd: ShellCommand): ShellFragment {
  return new ShellFragment(cmd);
}

/** Joins commands built by `sh` with a shell operator. */
export function shJoin(cmds: readonly ShellCommand[], sep: ' && ' | ' ; ' | ' || ' | '\n' = ' && '): ShellCommand {
  return cmds.join(sep) as ShellCommand;
}

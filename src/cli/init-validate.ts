/**
 * What `lvs-play init` refuses, because it could not write it faithfully into the new repository
 * (issue 24): addresses and names the inventory would reject (`rs1=$(id)`), a group named with
 * --directors-group/--linux-group/--windows-group that the Ansible inventory lacks (with a
 * did-you-mean, never silently replaced by a guess), and values generated TypeScript cannot hold
 * exactly (YAML dates, sets, maps, integers beyond 2^53, NUL bytes), naming the var.
 */
import { LvsError } from '../errors.js';
import { ADDRESS_FIX, GROUP_NAME, GROUP_NAME_FIX, HOST_NAME_FIX, isAddress, isHostName } from '../inventory/names.js';
import { didYouMean } from '../inventory/suggest.js';
import type { SiteGroups } from '../site/index.js';

const usage = (msg: string, fix: string): LvsError => new LvsError('E_USAGE', msg, { file: 'lvs-play init', fix });

/** One NAME=ADDRESS of a --directors/--linux/--windows list. */
export function checkInitHost(flag: string, item: string, name: string, address: string): void {
  if (!isHostName(name)) throw usage(`${flag}: host name "${name}" in "${item}" is not valid`, HOST_NAME_FIX);
  if (!isAddress(address) || address.includes('\0')) throw usage(`${flag}: address "${address}" in "${item}" is not valid`, ADDRESS_FIX);
}

/** Group names given on the command line must be groups of the inventory (nothing is guessed for them). */
export function checkGivenGroups(given: Partial<SiteGroups>, groups: readonly string[], file: string): void {
  for (const [role, g] of Object.entries(given) as [keyof SiteGroups, string][]) {
    const flag = `--${role === 'linux' ? 'linux' : role}-group`;
    if (!GROUP_NAME.test(g)) throw usage(`${flag}: "${g}" is not a group name`, GROUP_NAME_FIX);
    if (!groups.includes(g)) throw usage(`${flag}: ${file} has no group "${g}"${didYouMean(g, groups)}`, `one of: ${groups.join(', ') || '(no groups)'}`);
  }
}

/** Why a value cannot be written as a TypeScript literal exactly, or null. */
function unrepresentable(v: unknown): string | null {
  if (typeof v === 'string') return v.includes('\0') ? 'a NUL byte' : null;
  if (typeof v === 'bigint') return 'an integer too large';
  if (typeof v === 'number') return !Number.isFinite(v) ? `${v}` : Number.isInteger(v) && !Number.isSafeInteger(v) ? 'an integer beyond 2^53 (it would lose precision)' : null;
  if (v instanceof Date) return 'a date (YAML timestamp)';
  if (v instanceof Set) return 'a set (YAML !!set)';
  if (v instanceof Map) return 'a map with non-string keys (YAML !!omap/!!pairs)';
  if (v instanceof Uint8Array) return 'binary data (YAML !!binary)';
  return null;
}

/** Refuses the first value of an inventory spec that init cannot write exactly, naming its path. */
export function checkRepresentable(spec: unknown, file: string): void {
  const stack: { v: unknown; path: string }[] = [{ v: spec, path: '' }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    const why = unrepresentable(v);
    if (why) {
      throw new LvsError('E_VALIDATION', `${path || 'a value'} is ${why}: init cannot write it into the new inventory exactly`, {
        file,
        field: path,
        fix: 'quote it as a string in the inventory (e.g. "2024-01-01", "12345678901234567890"), or remove it',
      });
    }
    if (typeof v === 'string' || typeof v !== 'object' || v === null) continue;
    for (const [k, x] of Object.entries(v)) {
      if (k.includes('\0')) throw new LvsError('E_VALIDATION', `a name with a NUL byte under ${path || 'the top level'}`, { file, field: path, fix: 'remove the NUL byte' });
      stack.push({ v: x, path: path ? `${path}.${k}` : k });
    }
  }
}

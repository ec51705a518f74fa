import type { PsScript } from '../types.js';

/**
 * Marks constant PowerShell text as a script. It refuses interpolation: values reach scripts
 * only through `$data` (JSON passed as data by the PowerShell transport).
 */
export function ps(strings: TemplateStringsArray, ...values: never[]): PsScript {
  if (values.length > 0) throw new TypeError('ps``: interpolation is not allowed; pass values through $data');
  return strings.join('') as PsScript;
}

/** Loads a script file's text as a PsScript (files under roles/NAME/*.ps1 are constant code). */
export function psFromText(text: string): PsScript {
  return text as PsScript;
}

/** Single-quotes a value for PowerShell (doubling quotes); for building local pwsh command lines only. */
export function quotePowerShell(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

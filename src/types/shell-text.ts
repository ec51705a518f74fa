/** Shell text: a quoted POSIX command line, a PowerShell script fed only data, and JSON values. */

/** Brand of ShellCommand (a type only, never a value). */
declare const shellBrand: unique symbol;
/**
 * A POSIX shell command line whose every interpolated value was quoted.
 * Build one with the `sh` tagged template (src/shell/quote.ts); never from raw strings.
 */
export type ShellCommand = string & { readonly [shellBrand]: 'posix' };

/** Brand of PsScript (a type only, never a value). */
declare const psBrand: unique symbol;
/**
 * PowerShell script text that takes all its values from `$data` (a parsed JSON argument).
 * Build one with `ps` (src/shell/powershell.ts): it refuses interpolation.
 */
export type PsScript = string & { readonly [psBrand]: 'powershell' };

/** A value JSON can carry (saved plans, --json reports, PowerShell's data). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

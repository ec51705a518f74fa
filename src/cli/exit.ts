/** The CLI's exit codes (changes: only with --check --detailed-exitcode), as documented in --help (its own module: run.ts and the plan commands share it). */
export const EXIT = { ok: 0, internal: 1, failed: 2, unreachable: 3, invalid: 4, usage: 5, noHosts: 6, changes: 7, interrupted: 99 } as const;

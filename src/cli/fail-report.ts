/**
 * The last word of a run that ends before its report exists (bad input, no host matched, an
 * internal error): one line on stderr, always, and with `--json FILE` a report with `error` and
 * `exitCode` (docs/json-report.md), so no exit is ever silent.
 */
import { writeFileSync } from 'node:fs';
import { EXIT } from './exit.js';
import type { Command } from './args.js';
import { lvsPlayVersion } from './version.js';

/** The --json path of a command, when it has one (run, apply, status). */
export function jsonPathOf(cmd: Command): string | undefined {
  if (cmd.kind === 'run') return cmd.options.json;
  if (cmd.kind !== 'apply' && cmd.kind !== 'status') return undefined;
  const i = cmd.argv.findIndex((a) => a === '--json' || a.startsWith('--json='));
  if (i < 0) return undefined;
  const a = cmd.argv[i]!;
  return a.startsWith('--json=') ? a.slice(7) : cmd.argv[i + 1];
}

/** Writes the error report; never throws (the error line on stderr is already out). */
export function writeFailReport(file: string, cmd: Command, error: { code: string; message: string }, exitCode: number): void {
  const report = {
    format: 'lvs-play-report/1',
    lvsPlay: lvsPlayVersion(),
    ...(cmd.kind === 'run' ? { playbook: cmd.options.playbook, inventory: cmd.options.inventory, check: cmd.options.check } : { command: cmd.kind }),
    startedAt: new Date().toISOString(),
    aborted: exitCode === EXIT.interrupted,
    summary: {},
    results: [],
    error,
    exitCode,
  };
  try {
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  } catch (e) {
    process.stderr.write(`lvs-play: could not write the report ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
  }
}

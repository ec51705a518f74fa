// The lvs-play command (src/cli/main.ts starts it): --version, --help and a usage error run only
// this file, the argument parser and the errors; every command's modules (the engine, ssh2, zod …)
// are initialised when that command runs.
import { LvsError } from '../errors.js';
import { parseCli, USAGE, type Command } from './args.js';
import { jsonPathOf, writeFailReport } from './fail-report.js';
import { EXIT } from './exit.js';
import { lvsPlayVersion as version } from './version.js';

/** Node's parseArgs errors (unknown flag, missing value …) are bad command lines (exit 5), in any sub-command. */
const isArgError = (e: unknown): boolean => e instanceof Error && /^ERR_PARSE_ARGS_/.test((e as NodeJS.ErrnoException).code ?? '');

/** The message of an unexpected error: never a stack trace, unless LVS_PLAY_DEBUG is set. */
function internalText(e: unknown): string {
  const debug = Boolean(process.env.LVS_PLAY_DEBUG);
  const text = e instanceof Error ? (debug ? (e.stack ?? e.message) : `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`) : String(e);
  return `${text}${debug ? '' : ' (run with LVS_PLAY_DEBUG=1 for details)'}`;
}

async function dispatch(cmd: Command): Promise<number> {
  if (cmd.kind === 'lab') return (await import('../lab/index.js')).labCommand(cmd.argv);
  if (cmd.kind === 'report') return (await import('./report-merge.js')).reportCommand(cmd.argv);
  if (cmd.kind === 'apply') return (await import('./apply.js')).applyCommand(cmd.argv);
  if (cmd.kind === 'render') return (await import('./render.js')).renderCommand(cmd.argv);
  if (cmd.kind === 'vault') return (await import('./vault.js')).vaultCommand(cmd.argv);
  if (cmd.kind === 'init') return (await import('./init.js')).initCommand(cmd.argv);
  if (cmd.kind === 'show') return (await import('./show.js')).showCommand(cmd.argv);
  if (cmd.kind === 'status') return (await import('./status.js')).statusCommand(cmd.argv);
  if (cmd.kind === 'drain') return (await import('./drain.js')).drainCommand('drain', cmd.argv);
  if (cmd.kind === 'undrain') return (await import('./undrain.js')).undrainCommand(cmd.argv);
  if (cmd.kind === 'exporter') return (await import('./exporter.js')).exporterCommand(cmd.argv);
  if (cmd.kind === 'help' || cmd.kind === 'version') return EXIT.ok;
  return (await import('./run.js')).runPlaybook(cmd.options);
}

/** An error that ended a command: its line on stderr, its exit code, the --json report. */
function failed(cmd: Command, e: unknown): number {
  let code: number;
  let error: { code: string; message: string };
  if (e instanceof LvsError) {
    code = e.code === 'E_USAGE' ? EXIT.usage : e.code === 'E_NO_HOSTS' ? EXIT.noHosts : EXIT.invalid;
    error = { code: e.code, message: e.message };
    process.stderr.write(`lvs-play: error [${e.code}]: ${e.message}\n`);
  } else if (isArgError(e)) {
    code = EXIT.usage;
    error = { code: 'E_USAGE', message: (e as Error).message };
    process.stderr.write(`lvs-play: error [E_USAGE]: ${(e as Error).message}\n  fix: see lvs-play ${cmd.kind === 'run' ? '' : `${cmd.kind} `}--help\n`);
  } else {
    code = EXIT.internal;
    error = { code: 'E_INTERNAL', message: internalText(e) };
    process.stderr.write(`lvs-play: internal error: ${error.message}\n`);
  }
  const json = jsonPathOf(cmd);
  if (json) writeFailReport(json, cmd, error, code);
  return code;
}

async function main(argv: string[]): Promise<number> {
  let cmd: Command;
  try {
    cmd = parseCli(argv);
    if (cmd.kind === 'status') closing = STATUS_CLOSING;
  } catch (e) {
    process.stderr.write(`lvs-play: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (cmd.kind === 'help') return process.stdout.write(`${USAGE}\n`), EXIT.ok;
  if (cmd.kind === 'version') return process.stdout.write(`${version()}\n`), EXIT.ok;
  try {
    return await dispatch(cmd);
  } catch (e) {
    return failed(cmd, e);
  }
}

/** The closing stderr line of a run that ended with a report (the recap says what happened). */
const CLOSING: Record<number, string> = {
  [EXIT.failed]: 'a host failed (see the recap)',
  [EXIT.unreachable]: 'a host was unreachable (see the recap)',
  [EXIT.interrupted]: 'interrupted',
};
/** status: exit 2 means problems found (an unreachable host is one of them), said in its report. */
const STATUS_CLOSING: Record<number, string> = { 2: 'problems found (see the report above)', [EXIT.interrupted]: 'interrupted' };
let closing = CLOSING;

/** Runs the command line `argv` to its exit code (process.exit), whatever happens. */
export function runCli(argv: string[]): void {
  let settled = false;
  // the event loop emptied while the command still waited (a promise nobody will ever settle):
// never a silent exit — say so, exit 1
  process.on('beforeExit', () => {
    if (settled) return;
    process.stderr.write('lvs-play: internal error: the command stopped waiting on something that can no longer finish (the event loop is empty)\n');
    process.exit(EXIT.internal);
  });
  // an error thrown later by user code (a timer of a playbook) ends the command, without a stack trace
  process.on('uncaughtException', (e) => {
    process.stderr.write(`lvs-play: internal error: ${internalText(e)}\n`);
    process.exit(EXIT.internal);
  });

  main(argv).then(
    (code) => {
      settled = true;
      if (code in closing) process.stderr.write(`lvs-play: exit ${code}: ${closing[code]}\n`);
      process.exit(code);
    },
    (e: unknown) => {
      settled = true;
      process.stderr.write(`lvs-play: internal error: ${internalText(e)}\n`);
      process.exit(EXIT.internal);
    },
  );
}

/** Runs control-node commands for the lab: argv only (no shell), output captured. */
import { spawnCapture, type SpawnOptions } from '../transport/spawn.js';
import type { RunResult } from '../types.js';

/** What a command run by the lab returned (a RunResult). */
export type ExecResult = RunResult;
/** How the lab runs a command on the control node (SpawnOptions). */
export type ExecOptions = SpawnOptions;

export function exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error('exec: empty argv');
  return spawnCapture(cmd, args, opts);
}

/** Like `exec`, but rejects with the command and its stderr when the exit code is not 0. */
export async function execOk(argv: readonly string[], opts: ExecOptions = {}): Promise<string> {
  const r = await exec(argv, opts);
  if (r.code !== 0) {
    const tail = (r.stderr || r.stdout).trim().split('\n').slice(-15).join('\n');
    throw new Error(`lab: command failed (exit ${r.code}): ${argv.join(' ')}\n${tail}`);
  }
  return r.stdout;
}

/** Progress line on stderr-free stdout (lab commands are interactive tools). */
export type Progress = (line: string) => void;
export const printProgress: Progress = (line) => process.stdout.write(`lab: ${line}\n`);
export const silent: Progress = () => undefined;

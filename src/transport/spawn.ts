import { spawn } from 'node:child_process';
import type { ByteStream, RunResult } from '../types.js';
import { feedStdin } from './stdin.js';

/** How a program runs on the control node: its stdin, a timeout, its environment. */
export interface SpawnOptions {
  stdin?: string | Buffer | ByteStream;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs a program (argv, no shell) on the control node; never rejects: `code: null` = did not run/killed. */
export function spawnCapture(file: string, args: readonly string[], opts: SpawnOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      resolve({ code: null, stdout: '', stderr: String(e) });
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => undefined);
    void feedStdin(child.stdin, opts.stdin === undefined ? [] : [opts.stdin]).catch(() => child.stdin.end());
  });
}

import { spawn } from 'node:child_process';

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The signal that ended the program, if one did. */
  signal: NodeJS.Signals | null;
  /** True when the command was killed because it ran past `timeoutMs`. */
  timedOut: boolean;
}

export interface ExecOptions {
  timeoutMs?: number;
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Runs a program with an argument vector (no shell: no value is ever parsed by a shell).
 * Resolves with the exit code and output; never rejects.
 */
export function exec(file: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(file, [...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      resolve({ code: null, signal: null, stdout: '', stderr: String(e), timedOut });
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.stdin ?? '');
  });
}

/** Like `exec`, but throws (with the command and its stderr) on a non-zero exit. */
export async function execOk(file: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const r = await exec(file, args, opts);
  if (r.code !== 0) {
    const why = r.timedOut ? `timed out after ${opts.timeoutMs} ms` : `exit ${r.code}`;
    throw new Error(`${file} ${args.join(' ')}: ${why}\n${tail(r.stderr || r.stdout, 2000)}`);
  }
  return r;
}

/** The last `max` characters of a text (for error messages and logs). */
export function tail(text: string, max: number): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}

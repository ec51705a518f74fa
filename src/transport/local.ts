import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, writeFile, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { PosixTransport, PutOptions, RunOptions, RunResult, ShellCommand } from '../types.js';

/** Runs commands on the control node itself, through `/bin/sh -c`. */
export class LocalTransport implements PosixTransport {
  readonly shell = 'posix' as const;
  constructor(readonly host: string = 'localhost') {}

  run(cmd: ShellCommand, opts: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve) => {
      const child = spawn('/bin/sh', ['-c', cmd], { stdio: ['pipe', 'pipe', 'pipe'] });
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
      child.stdin.end(opts.stdin ?? '');
    });
  }

  async put(path: string, content: string | Buffer, opts: PutOptions = {}): Promise<void> {
    const tmp = join(dirname(path), `.${basename(path)}.lvs-${randomBytes(4).toString('hex')}`);
    try {
      await writeFile(tmp, content, { mode: opts.mode ?? 0o644 });
      if (opts.mode !== undefined) await chmod(tmp, opts.mode);
      await rename(tmp, path);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }

  get(path: string): Promise<Buffer> {
    return readFile(path);
  }

  async close(): Promise<void> {}
}

import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, writeFile, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { PosixTransport, PutOptions, RunOptions, RunResult, ShellCommand } from '../types.js';
import { spawnCapture } from './spawn.js';

/** Runs commands on the control node itself, through `/bin/sh -c`. */
export class LocalTransport implements PosixTransport {
  readonly shell = 'posix' as const;
  constructor(readonly host: string = 'localhost') {}

  run(cmd: ShellCommand, opts: RunOptions = {}): Promise<RunResult> {
    return spawnCapture('/bin/sh', ['-c', cmd], opts);
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

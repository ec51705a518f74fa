import { createHash } from 'node:crypto';
import { lstat, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { converge, type Outcome } from '../../../src/run/converge.js';
import { LocalTransport } from '../../../src/transport/local.js';
import type { PosixTransport, Resource, RunOptions, RunResult, ShellCommand } from '../../../src/types.js';

export const t = new LocalTransport('test');

/** A transport counting its round trips (commands run), running them on this machine. */
export class Counting implements PosixTransport {
  readonly shell = 'posix' as const;
  readonly host = 'count';
  calls = 0;
  run(cmd: ShellCommand, opts?: RunOptions): Promise<RunResult> {
    this.calls++;
    return t.run(cmd, opts);
  }
  put(p: string, c: string | Buffer): Promise<void> {
    return t.put(p, c);
  }
  get(p: string): Promise<Buffer> {
    return t.get(p);
  }
  async close(): Promise<void> {}
}

const dirs: string[] = [];
/** A fresh temp directory, removed after the test. */
export async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'lvs-res-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A hash of a whole tree: names, types, modes, owners, link targets and contents. */
export async function treeHash(root: string): Promise<string> {
  const h = createHash('sha256');
  async function walk(p: string, rel: string): Promise<void> {
    const st = await lstat(p);
    h.update(`${rel}\0${st.mode}\0${st.uid}\0${st.gid}\0`);
    if (st.isSymbolicLink()) h.update(`link:${await readlink(p)}\0`);
    else if (st.isFile()) h.update(await readFile(p));
    else if (st.isDirectory()) for (const name of (await readdir(p)).sort()) await walk(join(p, name), `${rel}/${name}`);
  }
  await walk(root, '.');
  return h.digest('hex');
}

/** converge through the LocalTransport. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function run(r: Resource<any, any, 'posix'>, check = false): Promise<Outcome> {
  return converge(r, t, { check });
}

/**
 * The standard cycle: check mode changes nothing on disk and reports changed; the first real run
 * reports changed; the second reports ok. Returns the check-mode outcome (for its diff).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function cycle(r: Resource<any, any, 'posix'>, root: string): Promise<{ check: Outcome; first: Outcome; second: Outcome }> {
  const before = await treeHash(root);
  const check = await run(r, true);
  expect(check.error).toBeUndefined();
  expect(check.status).toBe('changed');
  expect(await treeHash(root)).toBe(before);
  const first = await run(r);
  expect(first.error).toBeUndefined();
  expect(first.status).toBe('changed');
  const second = await run(r);
  expect(second.error).toBeUndefined();
  expect(second.status).toBe('ok');
  return { check, first, second };
}

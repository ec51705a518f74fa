import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LvsError } from '../../../src/errors.js';
import { unarchive } from '../../../src/resources/unarchive.js';
import { upload } from '../../../src/resources/upload.js';
import { converge } from '../../../src/run/converge.js';
import { CHUNK_BYTES } from '../../../src/resources/content.js';
import { Counting, cycle, run, tempDir } from './helpers.js';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('upload', () => {
  it('uploads when the remote sha256 differs; idempotent', async () => {
    const local = await tempDir();
    const remote = await tempDir();
    const src = join(local, 'ka.tar.gz');
    await writeFile(src, 'tarball bytes v1');
    const dest = join(remote, 'ka.tar.gz');
    const { check } = await cycle(upload({ src, dest, mode: 0o600, sha256: sha('tarball bytes v1') }), remote);
    expect(check.diff).toEqual({ before: '(absent)\n', after: `sha256 ${sha('tarball bytes v1')} (16 bytes)\n`, label: dest });
    expect(await readFile(dest, 'utf8')).toBe('tarball bytes v1');
    expect((await stat(dest)).mode & 0o777).toBe(0o600);
    // the remote copy changed behind our back: uploaded again
    await writeFile(dest, 'tampered');
    await cycle(upload({ src, dest, mode: 0o600 }), remote);
    expect(await readFile(dest, 'utf8')).toBe('tarball bytes v1');
  });

  it('a file of several chunks streams byte-exact through the one write path (temp + rename); the second run sends nothing', async () => {
    const local = await tempDir();
    const remote = await tempDir();
    const src = join(local, 'big.bin');
    const bytes = randomBytes(CHUNK_BYTES * 3 + 17);
    await writeFile(src, bytes);
    const dest = join(remote, 'big.bin');
    await writeFile(dest, 'old');
    const oldIno = (await stat(dest)).ino;
    const r = upload({ src, dest });
    r.preflight?.();
    const first = await run(r);
    expect(first.error).toBeUndefined();
    expect(first.status).toBe('changed');
    expect(sha(await readFile(dest))).toBe(sha(bytes));
    expect((await stat(dest)).ino).not.toBe(oldIno); // a new file renamed over the old one
    expect((await readdir(remote)).filter((n) => n.includes('.lvs-'))).toEqual([]);
    const counting = new Counting();
    const second = await converge(r, counting, { check: false });
    expect(second.status).toBe('ok');
    expect(counting.calls).toBe(1); // the read only: nothing sent
  });

  it('a local file changed after preflight: the run fails before sending, the host keeps its file', async () => {
    const local = await tempDir();
    const remote = await tempDir();
    const src = join(local, 'f.bin');
    await writeFile(src, randomBytes(CHUNK_BYTES + 5));
    const dest = join(remote, 'f.bin');
    await writeFile(dest, 'old');
    const r = upload({ src, dest, sha256: sha(await readFile(src)) });
    r.preflight?.();
    await writeFile(src, randomBytes(CHUNK_BYTES + 5));
    const out = await run(r);
    expect(out.status).toBe('failed');
    expect(out.error).toMatch(/upload\.sha256/);
    expect(await readFile(dest, 'utf8')).toBe('old');
  });

  it('a sha256 mismatch fails in preflight, before any host is touched', async () => {
    const local = await tempDir();
    const src = join(local, 'f');
    await writeFile(src, 'x');
    let err: unknown;
    const r = upload({ src, dest: '/tmp/never-written', sha256: 'a'.repeat(64) });
    try {
      r.preflight?.();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LvsError);
    expect((err as LvsError).code).toBe('E_VALIDATION');
    expect((err as Error).message).toContain('upload.sha256');
    expect(() => upload({ src: join(local, 'missing'), dest: '/tmp/x' }).preflight?.()).toThrow(/upload\.src/);
  });
});

describe('unarchive', () => {
  async function tarball(dir: string, files: Record<string, string>): Promise<string> {
    const src = join(dir, 'src');
    for (const [name, content] of Object.entries(files)) {
      await mkdir(join(src, 'pkg-1.0', name, '..'), { recursive: true });
      await writeFile(join(src, 'pkg-1.0', name), content);
    }
    const tgz = join(dir, 'pkg-1.0.tar.gz');
    execFileSync('tar', ['-czf', tgz, '-C', src, 'pkg-1.0']);
    return tgz;
  }

  it('extracts once, marked by the archive sha256; a new archive extracts again', async () => {
    const d = await tempDir();
    const work = await tempDir();
    const tgz = await tarball(work, { configure: '#!/bin/sh\n', 'src/main.c': 'int main(){}\n' });
    const dest = join(d, 'build');
    const { check } = await cycle(unarchive({ src: tgz, dest }), d);
    expect(check.message).toBe(`extract ${tgz} into ${dest}`);
    expect(await readFile(join(dest, 'pkg-1.0/src/main.c'), 'utf8')).toBe('int main(){}\n');
    expect((await readFile(join(dest, '.lvs-play-unarchive'), 'utf8')).trim()).toBe(sha(await readFile(tgz)));
    const tgz2 = await tarball(await tempDir(), { configure: '#!/bin/sh\n# v2\n' });
    execFileSync('cp', [tgz2, tgz]);
    await cycle(unarchive({ src: tgz, dest }), d);
    expect(await readFile(join(dest, 'pkg-1.0/configure'), 'utf8')).toBe('#!/bin/sh\n# v2\n');
  });

  it('stripComponents and creates', async () => {
    const d = await tempDir();
    const tgz = await tarball(await tempDir(), { 'Makefile.in': 'all:\n' });
    const dest = join(d, 'flat');
    await cycle(unarchive({ src: tgz, dest, stripComponents: 1, creates: 'Makefile.in' }), d);
    expect(await readFile(join(dest, 'Makefile.in'), 'utf8')).toBe('all:\n');
    // `creates` alone is enough to skip
    const other = join(d, 'other');
    await mkdir(other);
    await writeFile(join(other, 'Makefile.in'), 'mine');
    expect((await run(unarchive({ src: tgz, dest: other, creates: 'Makefile.in' }))).status).toBe('ok');
  });

  it('a missing archive plans (check mode) but fails to apply', async () => {
    const d = await tempDir();
    const r = unarchive({ src: join(d, 'nope.tgz'), dest: join(d, 'out') });
    expect((await run(r, true)).message).toContain('archive not there yet');
    const out = await run(r);
    expect(out.status).toBe('failed');
    expect(out.error).toMatch(/exit 2.*does not exist/);
  });

  it('validates', () => {
    expect(() => unarchive({ src: '/a.tgz', dest: '/x', creates: '/abs' })).toThrow(/unarchive\.creates/);
    expect(() => unarchive({ src: '/a.tgz', dest: '/x', stripComponents: -1 })).toThrow(/stripComponents/);
  });
});

import { lstat, mkdir, readlink, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directory } from '../../../src/resources/directory.js';
import { symlink } from '../../../src/resources/symlink.js';
import { cycle, run, tempDir, treeHash } from './helpers.js';

describe('directory', () => {
  it('creates nested directories with mode; idempotent', async () => {
    const d = await tempDir();
    const p = join(d, 'a/b/c');
    const { check } = await cycle(directory({ path: p, mode: 0o750 }), d);
    expect(check.diff).toMatchObject({ before: 'absent\n', after: 'directory mode 0750 owner root group root\n' });
    expect((await stat(p)).isDirectory()).toBe(true);
    expect((await stat(p)).mode & 0o7777).toBe(0o750);
  });

  it('fixes the mode of an existing directory (its owner: test/integration/resources/owner.test.ts)', async () => {
    const d = await tempDir();
    const p = join(d, 'x');
    await mkdir(p, { mode: 0o700 });
    const { check } = await cycle(directory({ path: p, mode: 0o755 }), d);
    expect(check.message).toContain('mode 0700 → 0755');
    expect((await stat(p)).mode & 0o7777).toBe(0o755);
  });

  it('absent removes it recursively; refuses a file', async () => {
    const d = await tempDir();
    const p = join(d, 'tree');
    await mkdir(join(p, 'sub'), { recursive: true });
    await writeFile(join(p, 'sub/f'), 'x');
    await cycle(directory({ path: p, state: 'absent' }), d);
    await expect(lstat(p)).rejects.toThrow();
    await writeFile(join(d, 'file'), 'x');
    const out = await run(directory({ path: join(d, 'file') }));
    expect(out.status).toBe('failed');
    expect(out.error).toContain('not a directory');
  });

  it('refuses / at construction', () => {
    expect(() => directory({ path: '/', state: 'absent' })).toThrow(/must not be \//);
  });
});

describe('symlink', () => {
  it('creates a link, then retargets it atomically (ln -sfn semantics)', async () => {
    const d = await tempDir();
    await mkdir(join(d, 'v1'));
    await mkdir(join(d, 'v2'));
    const p = join(d, 'current');
    await cycle(symlink({ path: p, target: 'v1' }), d);
    expect(await readlink(p)).toBe('v1');
    // a link to a directory is replaced, not followed (the -n of ln -sfn)
    const { check } = await cycle(symlink({ path: p, target: join(d, 'v2') }), d);
    expect(check.diff).toMatchObject({ before: 'v1\n', after: `${join(d, 'v2')}\n` });
    expect(await readlink(p)).toBe(join(d, 'v2'));
    expect(await treeHash(join(d, 'v1'))).toBe(await treeHash(join(d, 'v2')));
  });

  it('refuses to replace a real file or directory unless force', async () => {
    const d = await tempDir();
    const f = join(d, 'real');
    await writeFile(f, 'data');
    const before = await treeHash(d);
    const out = await run(symlink({ path: f, target: '/etc/hostname' }));
    expect(out.status).toBe('failed');
    expect(out.error).toContain('force: true');
    expect(await treeHash(d)).toBe(before);
    await cycle(symlink({ path: f, target: '/etc/hostname', force: true }), d);
    expect(await readlink(f)).toBe('/etc/hostname');
    const e = join(d, 'emptydir');
    await mkdir(e);
    await cycle(symlink({ path: e, target: 'real', force: true }), d);
    expect((await lstat(e)).isSymbolicLink()).toBe(true);
  });

  it('absent removes only a link', async () => {
    const d = await tempDir();
    const p = join(d, 'l');
    await cycle(symlink({ path: p, target: 'x' }), d);
    await cycle(symlink({ path: p, target: 'x', state: 'absent' }), d);
    await expect(lstat(p)).rejects.toThrow();
  });
});

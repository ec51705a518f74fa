import { mkdir, readdir, readFile, stat, symlink as fsSymlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LvsError } from '../../../src/errors.js';
import { file } from '../../../src/resources/file.js';
import { CONTENT_CAP, fileFact, sha256 } from '../../../src/resources/filewrite.js';
import { template } from '../../../src/resources/template.js';
import { sh } from '../../../src/shell/quote.js';
import { cycle, run, t, tempDir, treeHash } from './helpers.js';

describe('file', () => {
  it('creates a file with content and mode: check, apply, idempotent', async () => {
    const d = await tempDir();
    const p = join(d, 'app.conf');
    const { check } = await cycle(file({ path: p, content: 'a = 1\n', mode: 0o640 }), d);
    expect(check.diff).toEqual({ before: '', after: 'a = 1\n', label: p });
    expect(check.message).toContain('create');
    expect(await readFile(p, 'utf8')).toBe('a = 1\n');
    expect((await stat(p)).mode & 0o7777).toBe(0o640);
    // no temp file is left behind
    expect(await readdir(d)).toEqual(['app.conf']);
  });

  it('replaces content, keeping the old mode when none is given; diff shows both contents', async () => {
    const d = await tempDir();
    const p = join(d, 'x');
    await writeFile(p, 'old\n', { mode: 0o600 });
    const { check } = await cycle(file({ path: p, content: 'new\n' }), d);
    expect(check.diff).toMatchObject({ before: 'old\n', after: 'new\n' });
    expect(await readFile(p, 'utf8')).toBe('new\n');
    expect((await stat(p)).mode & 0o7777).toBe(0o600);
  });

  it('changes only the mode without rewriting the content (same inode)', async () => {
    const d = await tempDir();
    const p = join(d, 'x');
    await writeFile(p, 'same\n', { mode: 0o600 });
    const ino = (await stat(p)).ino;
    const { check } = await cycle(file({ path: p, content: 'same\n', mode: 0o644 }), d);
    expect(check.message).toContain('mode 0600 → 0644');
    // owner and group: whoever runs the test (root in CI, anyone else too)
    expect(check.diff).toMatchObject({ before: expect.stringMatching(/^mode 0600 owner \S+ group \S+\n$/), after: expect.stringMatching(/^mode 0644 owner \S+ group \S+\n$/) });
    expect(check.diff?.after.slice(10)).toBe(check.diff?.before.slice(10));
    expect((await stat(p)).ino).toBe(ino);
    expect((await stat(p)).mode & 0o7777).toBe(0o644);
  });

  it('a failing validate leaves the live file untouched and removes the temp file', async () => {
    const d = await tempDir();
    const p = join(d, 'cfg');
    await writeFile(p, 'good\n');
    const before = await treeHash(d);
    const r = file({ path: p, content: 'bad\n', validate: (tmp) => sh`grep -q good ${tmp} || { echo "syntax error in config" >&2; exit 7; }` });
    const out = await run(r);
    expect(out.status).toBe('failed');
    expect(out.error).toContain('exit 7');
    expect(out.error).toContain('syntax error in config');
    expect(await treeHash(d)).toBe(before);
  });

  it('a passing validate sees the new content in a temp path beside the target', async () => {
    const d = await tempDir();
    const p = join(d, 'cfg');
    const tmps: string[] = [];
    const r = file({
      path: p,
      content: 'hello\n',
      validate: (tmp) => {
        tmps.push(tmp);
        return sh`grep -qx hello ${tmp}`;
      },
    });
    expect((await run(r)).status).toBe('changed');
    expect(tmps[0]).toMatch(new RegExp(`^${d}/\\.cfg\\.lvs-[0-9a-f]+$`));
    expect(await readFile(p, 'utf8')).toBe('hello\n');
    expect(await readdir(d)).toEqual(['cfg']);
  });

  it('backs up the old file as PATH.YYYYMMDDTHHMMSS~', async () => {
    const d = await tempDir();
    const p = join(d, 'b.conf');
    await writeFile(p, 'v1\n');
    await cycle(file({ path: p, content: 'v2\n', backup: true }), d);
    const names = await readdir(d);
    const backup = names.find((n) => /^b\.conf\.\d{8}T\d{6}~$/.test(n));
    expect(backup).toBeDefined();
    expect(await readFile(join(d, backup!), 'utf8')).toBe('v1\n');
    expect(await readFile(p, 'utf8')).toBe('v2\n');
  });

  it('state absent removes the file', async () => {
    const d = await tempDir();
    const p = join(d, 'gone');
    await writeFile(p, 'bye\n');
    const { check } = await cycle(file({ path: p, state: 'absent' }), d);
    expect(check.diff).toMatchObject({ before: 'bye\n', after: '' });
    expect(await readdir(d)).toEqual([]);
  });

  it('replaces a symlink with a regular file and refuses a directory', async () => {
    const d = await tempDir();
    await writeFile(join(d, 'target'), 't\n');
    await fsSymlink('target', join(d, 'link'));
    await cycle(file({ path: join(d, 'link'), content: 'real\n' }), d);
    expect((await stat(join(d, 'target'))).isFile()).toBe(true);
    expect(await readFile(join(d, 'target'), 'utf8')).toBe('t\n');
    expect(await readFile(join(d, 'link'), 'utf8')).toBe('real\n');
    await mkdir(join(d, 'dir'));
    const out = await run(file({ path: join(d, 'dir'), content: 'x' }));
    expect(out.status).toBe('failed');
    expect(out.error).toContain('is a directory');
  });

  it('compares files above the 1 MiB cap by sha256 only; binary content survives', async () => {
    const d = await tempDir();
    const big = Buffer.alloc(CONTENT_CAP + 10, 0x61);
    const { check } = await cycle(file({ path: join(d, 'big'), content: big }), d);
    expect(check.diff?.after.slice(0, 100)).toMatch(/^\(\d+ bytes, sha256 [0-9a-f]{64}\)/);
    expect((await readFile(join(d, 'big'))).equals(big)).toBe(true);
    const bin = Buffer.from([0, 1, 2, 255, 254, 10, 0]);
    await cycle(file({ path: join(d, 'bin'), content: bin }), d);
    expect((await readFile(join(d, 'bin'))).equals(bin)).toBe(true);
  });

  it('the file fact: one stat, then the content (checksum computed here) or, above the cap, the host\'s sha256', async () => {
    const d = await tempDir();
    const small = Buffer.from('a b\n\0tail');
    const big = Buffer.alloc(CONTENT_CAP + 1, 0x62);
    await writeFile(join(d, 'small'), small, { mode: 0o600 });
    await writeFile(join(d, 'big'), big);
    await mkdir(join(d, 'dir'));
    await fsSymlink('small', join(d, 'link'));
    const read = async (name: string, opts: { content?: boolean; sha256?: boolean }) => {
      const f = fileFact(join(d, name), opts);
      return f.parse(await t.run(f.command));
    };
    expect(await read('small', { content: true })).toMatchObject({ type: 'file', mode: 0o600, size: small.length, content: small, sha256: sha256(small) });
    const b = await read('big', { content: true });
    expect(b).toMatchObject({ type: 'file', size: big.length, sha256: sha256(big) });
    expect(b.content).toBeUndefined();
    expect(await read('small', {})).toMatchObject({ type: 'file', sha256: sha256(small) });
    expect((await read('small', { sha256: false })).sha256).toBeUndefined();
    expect(await read('dir', { content: true })).toMatchObject({ type: 'dir' });
    expect(await read('link', { content: true })).toEqual({ type: 'link', linkTarget: 'small' });
    expect(await read('none', { content: true })).toEqual({ type: 'absent' });
  });

  it('redacts secrets from the diff', async () => {
    const d = await tempDir();
    const r = file({ path: join(d, 's'), content: 'auth_pass hunter22\n', secrets: ['hunter22'] });
    const out = await run(r, true);
    expect(out.diff?.after).toBe('auth_pass ********\n');
  });

  it('validates options at construction', () => {
    expect(() => file({ path: 'relative', content: '' })).toThrow(LvsError);
    expect(() => file({ path: '/x', content: '', mode: 644.5 })).toThrow(/file\.mode/);
    expect(() => file({ path: '/x', content: '', mode: '0644' as unknown as number })).toThrow(/0o644/);
    expect(() => file({ path: '/x' })).toThrow(/file\.content/);
    expect(() => file({ path: '/', content: '' })).toThrow(/must not be \//);
    expect(() => file({ path: '/x', content: '', owner: 'a b' })).toThrow(/file\.owner/);
    try {
      file({ path: '/x', content: 1 as unknown as string });
    } catch (e) {
      expect(e).toBeInstanceOf(LvsError);
      expect((e as LvsError).code).toBe('E_VALIDATION');
    }
  });
});

describe('template', () => {
  it('renders at construction and writes like a file', async () => {
    const d = await tempDir();
    const port = 8080;
    const p = join(d, 't.conf');
    const r = template({ path: p, render: () => `listen ${port}\n`, mode: 0o600 });
    expect(r.kind).toBe('template');
    expect(r.id).toBe(`template ${p}`);
    await cycle(r, d);
    expect(await readFile(p, 'utf8')).toBe('listen 8080\n');
  });

  it('a render error is a validation error naming the path', () => {
    expect(() =>
      template({
        path: '/etc/x',
        render: () => {
          throw new Error('vrrp missing');
        },
      }),
    ).toThrow(/render\(\) threw: vrrp missing/);
  });
});

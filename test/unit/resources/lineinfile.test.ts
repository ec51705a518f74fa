import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editLines, lineInFile } from '../../../src/resources/lineinfile.js';
import { cycle, run, tempDir } from './helpers.js';

describe('editLines (Ansible lineinfile semantics)', () => {
  const present = (text: string, line: string, regexp?: RegExp, insertAfter?: RegExp) =>
    editLines(text, { line, state: 'present', insertAfter: insertAfter ?? 'EOF', ...(regexp ? { regexp } : {}) }).content;

  it('replaces the last regexp match only', () => {
    expect(present('a=1\nb=2\na=3\n', 'a=9', /^a=/)).toBe('a=1\nb=2\na=9\n');
  });
  it('appends when nothing matches, adding the missing final newline first', () => {
    expect(present('x\ny', 'z')).toBe('x\ny\nz\n');
    expect(present('', 'z')).toBe('z\n');
  });
  it('is a no-op when the exact line exists (with or without a regexp that matches nothing)', () => {
    expect(present('a\nb\n', 'b')).toBeNull();
    expect(present('a\nb\n', 'b', /^nomatch/)).toBeNull();
    expect(present('k = 1\n', 'k = 1', /^k\s*=/)).toBeNull();
  });
  it('inserts after the last line matching insertAfter, else at EOF', () => {
    expect(present('[a]\nx\n[b]\ny\n', 'new', undefined, /^\[a\]/)).toBe('[a]\nnew\nx\n[b]\ny\n');
    expect(present('q\n', 'new', undefined, /^nomatch/)).toBe('q\nnew\n');
  });
  it('keeps a missing final newline when replacing', () => {
    expect(present('a=1', 'a=2', /^a=/)).toBe('a=2');
  });
  it('absent removes every matching line', () => {
    expect(editLines('a\n#x\nb\n#y\n', { regexp: /^#/, state: 'absent' }).content).toBe('a\nb\n');
    expect(editLines('a\nb\n', { line: 'b', state: 'absent' }).content).toBe('a\n');
    expect(editLines('a\n', { line: 'b', state: 'absent' }).content).toBeNull();
  });
  it('treats regexp flags g/y as plain (no lastIndex state)', () => {
    const r = lineInFile({ path: '/tmp/x', line: 'a=2', regexp: /^a=/g });
    expect(r.id).toContain('a=2');
  });
});

describe('lineInFile on real files', () => {
  it('replaces a line: check, apply, idempotent; diff is the whole file', async () => {
    const d = await tempDir();
    const p = join(d, 'sshd_config');
    await writeFile(p, 'Port 22\nPermitRootLogin yes\nX11Forwarding no\n', { mode: 0o600 });
    const { check } = await cycle(lineInFile({ path: p, regexp: /^PermitRootLogin\s/, line: 'PermitRootLogin prohibit-password' }), d);
    expect(check.diff).toEqual({
      before: 'Port 22\nPermitRootLogin yes\nX11Forwarding no\n',
      after: 'Port 22\nPermitRootLogin prohibit-password\nX11Forwarding no\n',
      label: p,
    });
    expect(await readFile(p, 'utf8')).toBe('Port 22\nPermitRootLogin prohibit-password\nX11Forwarding no\n');
    expect((await stat(p)).mode & 0o777).toBe(0o600);
  });

  it('a missing file fails unless create; create applies the mode', async () => {
    const d = await tempDir();
    const p = join(d, 'new.conf');
    const fail = await run(lineInFile({ path: p, line: 'a' }));
    expect(fail.status).toBe('failed');
    expect(fail.error).toContain('create: true');
    await cycle(lineInFile({ path: p, line: 'a', create: true, mode: 0o640 }), d);
    expect(await readFile(p, 'utf8')).toBe('a\n');
    expect((await stat(p)).mode & 0o777).toBe(0o640);
  });

  it('absent removes matching lines and is ok on a missing file', async () => {
    const d = await tempDir();
    const p = join(d, 'f');
    await writeFile(p, 'keep\nnet.ipv4.ip_forward=0\n');
    await cycle(lineInFile({ path: p, regexp: 'ip_forward', state: 'absent' }), d);
    expect(await readFile(p, 'utf8')).toBe('keep\n');
    expect((await run(lineInFile({ path: join(d, 'nope'), regexp: 'x', state: 'absent' }))).status).toBe('ok');
  });

  it('validates options', () => {
    expect(() => lineInFile({ path: '/x', line: 'a\nb' })).toThrow(/lineInFile\.line/);
    expect(() => lineInFile({ path: '/x' })).toThrow(/line is required/);
    expect(() => lineInFile({ path: '/x', line: 'a', regexp: '(' })).toThrow(/lineInFile\.regexp/);
  });
});

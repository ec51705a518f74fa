import { lstat, mkdir, readFile, readdir, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { command } from '../../../src/resources/command.js';
import { directory } from '../../../src/resources/directory.js';
import { file } from '../../../src/resources/file.js';
import { lineInFile } from '../../../src/resources/lineinfile.js';
import { symlink } from '../../../src/resources/symlink.js';
import { upload } from '../../../src/resources/upload.js';
import { sh } from '../../../src/shell/quote.js';
import { cycle, tempDir } from './helpers.js';

// Every shell metacharacter we can think of; the canary file appears if any of it is executed.
// ($LVS_CANARY holds an absolute path, so the name itself needs no slash.)
const NASTY = `it's "q" $(touch $LVS_CANARY) \`touch $LVS_CANARY\`; touch $LVS_CANARY & |x<y>z *?[!] \\ %s %n -- \ttab\nnewline $HOME \${PATH}`;

let canary = '';
beforeEach(async () => {
  canary = join(await tempDir(), 'PWNED');
  process.env.LVS_CANARY = canary;
});
afterEach(async () => {
  await expect(lstat(canary)).rejects.toThrow();
  delete process.env.LVS_CANARY;
});

describe('values with quotes, $(), backticks, ; and newlines arrive intact and never run', () => {
  it('file: path, content, validate temp path and backup', async () => {
    const d = await tempDir();
    const p = join(d, NASTY);
    await writeFile(p, 'old');
    const content = `${NASTY}\nline2 $(touch $LVS_CANARY)\n`;
    const { check } = await cycle(file({ path: p, content, mode: 0o600, backup: true, validate: (tmp) => sh`test -f ${tmp}` }), d);
    expect(check.diff).toMatchObject({ before: 'old', after: content, label: p });
    expect(await readFile(p, 'utf8')).toBe(content);
    const names = await readdir(d);
    expect(names).toHaveLength(2);
    expect(names).toContain(NASTY);
    const backup = names.find((n) => n !== NASTY)!;
    expect(backup.startsWith(`${NASTY}.`) && /\.\d{8}T\d{6}~$/.test(backup)).toBe(true);
    expect(await readFile(join(d, backup), 'utf8')).toBe('old');
  });

  it('lineInFile: the line itself', async () => {
    const d = await tempDir();
    const p = join(d, `x ${NASTY}`);
    await writeFile(p, 'a\n');
    const line = NASTY.replace(/\n/g, ' ');
    await cycle(lineInFile({ path: p, line }), d);
    expect(await readFile(p, 'utf8')).toBe(`a\n${line}\n`);
  });

  it('directory and symlink', async () => {
    const d = await tempDir();
    const dir = join(d, NASTY, NASTY);
    await cycle(directory({ path: dir, mode: 0o700 }), d);
    expect((await lstat(dir)).isDirectory()).toBe(true);
    const link = join(d, `l ${NASTY}`);
    await cycle(symlink({ path: link, target: NASTY.replace(/\n/g, ' ') }), d);
    expect(await readlink(link)).toBe(NASTY.replace(/\n/g, ' '));
  });

  it('command: interpolated arguments and a creates path', async () => {
    const d = await tempDir();
    const out = join(d, NASTY);
    await cycle(command({ cmd: sh`printf '%s' ${NASTY} > ${out}`, creates: out }), d);
    expect(await readFile(out, 'utf8')).toBe(NASTY);
  });

  it('upload: destination path', async () => {
    const d = await tempDir();
    const local = join(await tempDir(), 'src');
    await writeFile(local, NASTY);
    await mkdir(join(d, 'sub'));
    const dest = join(d, 'sub', NASTY);
    await cycle(upload({ src: local, dest }), d);
    expect(await readFile(dest, 'utf8')).toBe(NASTY);
  });
});

describe('a NUL byte cannot travel in a command line', () => {
  it('sh refuses it with a clear error instead of sending a value cut short', () => {
    expect(() => sh`printf %s ${'a\0b'}`).toThrow(/NUL byte/);
  });
});

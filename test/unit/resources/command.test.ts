import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { command } from '../../../src/resources/command.js';
import { sh } from '../../../src/shell/quote.js';
import { cycle, run, tempDir, treeHash } from './helpers.js';

describe('command', () => {
  it('with creates: runs once (check first changes nothing)', async () => {
    const d = await tempDir();
    const marker = join(d, 'done');
    const r = command({ cmd: sh`echo built > ${marker}`, creates: marker });
    const { check } = await cycle(r, d);
    expect(check.message).toContain('missing');
    expect(await readFile(marker, 'utf8')).toBe('built\n');
  });

  it('with removes: runs only while the path exists', async () => {
    const d = await tempDir();
    const f = join(d, 'old');
    await writeFile(f, 'x');
    await cycle(command({ cmd: sh`rm ${f}`, removes: f }), d);
  });

  it('unless / onlyIf guards run in check mode but change nothing', async () => {
    const d = await tempDir();
    const f = join(d, 'conf');
    await writeFile(f, 'a\n');
    const r = command({ name: 'append b', cmd: sh`echo b >> ${f}`, unless: sh`grep -qx b ${f}` });
    const { check } = await cycle(r, d);
    expect(check.message).toBe('run append b (unless-check exit 1)');
    expect(await readFile(f, 'utf8')).toBe('a\nb\n');
    const skip = command({ cmd: sh`echo c >> ${f}`, onlyIf: sh`test -e ${join(d, 'nope')}` });
    expect((await run(skip)).status).toBe('ok');
  });

  it('without a guard it always reports changed', async () => {
    const d = await tempDir();
    const f = join(d, 'log');
    const r = command({ cmd: sh`echo x >> ${f}` });
    const before = await treeHash(d);
    expect((await run(r, true)).status).toBe('changed');
    expect(await treeHash(d)).toBe(before);
    expect((await run(r)).status).toBe('changed');
    expect((await run(r)).status).toBe('changed');
    expect(await readFile(f, 'utf8')).toBe('x\nx\n');
  });

  it('passes stdin; a failure reports exit code and stderr tail, secrets redacted', async () => {
    const d = await tempDir();
    const f = join(d, 'in');
    expect((await run(command({ cmd: sh`cat > ${f}`, stdin: 'piped\n' }))).status).toBe('changed');
    expect(await readFile(f, 'utf8')).toBe('piped\n');
    const bad = command({ cmd: sh`echo "token s3cr3t rejected" >&2; exit 3`, secrets: ['s3cr3t'] });
    const out = await run(bad);
    expect(out.status).toBe('failed');
    expect(out.error).toContain('exit 3');
    expect(out.error).toContain('token ******** rejected');
    expect(out.error).not.toContain('s3cr3t');
    expect(bad.id).not.toContain('s3cr3t');
  });

  it('validates options', () => {
    expect(() => command({ cmd: '' as ReturnType<typeof sh> })).toThrow(/command\.cmd/);
    expect(() => command({ cmd: sh`true`, creates: 'rel' })).toThrow(/command\.creates/);
  });
});

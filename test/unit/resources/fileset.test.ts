/**
 * The kit's file set (src/resources/fileset.ts): several whole files a resource owns, read in one
 * fact, planned and diffed as one change, each written through the one write path.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineResource } from '../../../src/dsl/resource.js';
import { checkFactResult, parseKv } from '../../../src/resources/common.js';
import { applyFileSet, fileSetDiff, fileSetScript, parseFileSet, planFileSet, describeFileSet, type FileSetChange, type WantedFile } from '../../../src/resources/fileset.js';
import { sh } from '../../../src/shell/quote.js';
import { run, tempDir } from './helpers.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('file set: pure parts (fact fixtures)', () => {
  it('parses the fact lines: path → content; absent files are not listed', () => {
    const m = parseKv(`file=/etc/ipvsadm.rules ${b64('-A -t 10.77.0.10:80 -s wrr\n')}\nfile=/etc/default/ipvsadm ${b64('AUTO="true"\n')}\nother=1\n`);
    expect(parseFileSet(m.get('file'))).toEqual({ '/etc/ipvsadm.rules': '-A -t 10.77.0.10:80 -s wrr\n', '/etc/default/ipvsadm': 'AUTO="true"\n' });
    expect(parseFileSet(undefined)).toEqual({});
  });

  it('plans only the files that differ; prune removes current files not wanted', () => {
    const cur = { '/a': 'A\n', '/b': 'old\n', '/stale': 'x\n' };
    const want: WantedFile[] = [{ path: '/a', content: 'A\n', mode: 0o644 }, { path: '/b', content: 'new\n', mode: 0o600 }, { path: '/c', content: 'C\n', mode: 0o644 }];
    expect(planFileSet(cur, want)).toEqual({ write: [want[1], want[2]], remove: [] });
    expect(planFileSet(cur, want, { prune: true })?.remove).toEqual(['/stale']);
    expect(planFileSet({ '/a': 'A\n' }, [want[0]!])).toBeNull();
  });

  it('one diff and one line for the whole change', () => {
    const c: FileSetChange = { write: [{ path: '/b', content: 'new\n', mode: 0o600 }, { path: '/c', content: 'C', mode: 0o644 }], remove: ['/stale'] };
    expect(describeFileSet(c)).toBe('write /b, write /c, remove /stale');
    expect(fileSetDiff({ '/b': 'old\n', '/stale': 'x\n' }, c, 'persist')).toEqual({
      before: '--- /b\nold\n--- /c\n(absent)\n--- /stale\nx\n',
      after: '--- /b\nnew\n--- /c\nC\n--- /stale\n(absent)\n',
      label: 'persist',
    });
  });
});

describe('file set: on a host (local transport)', () => {
  /** A resource over a directory, as a role would write one (fact → plan → apply through the kit). */
  const resource = (dir: string, want: WantedFile[], o: { backup?: boolean; prune?: boolean } = {}) =>
    defineResource<Record<string, string>, FileSetChange>({
      id: `files in ${dir}`,
      kind: 'test-files',
      shell: 'posix',
      read: {
        command: fileSetScript(want.map((w) => w.path), { prefixes: [join(dir, 'own-')], marker: '# ours' }),
        parse: (r) => (checkFactResult(dir, r), parseFileSet(parseKv(r.stdout).get('file'))),
      },
      plan: (cur) => planFileSet(cur, want, { prune: o.prune ?? false }),
      describe: describeFileSet,
      diff: (cur, c) => fileSetDiff(cur, c, dir),
      apply: (tr, c) => applyFileSet(tr, c, o.backup === undefined ? {} : { backup: o.backup }),
    });

  it('writes with the mode, backs up the old file, finds marked files again and prunes them; second run: ok', async () => {
    const d = await tempDir();
    await writeFile(join(d, 'rules'), 'old\n');
    await writeFile(join(d, 'own-stale'), '# ours\nstale\n');
    await writeFile(join(d, 'own-foreign'), 'not ours\n');
    const want: WantedFile[] = [
      { path: join(d, 'rules'), content: 'new\n', mode: 0o600 },
      { path: join(d, 'sub/new.conf'), content: 'X=1\n', mode: 0o644, validate: (tmp) => sh`sh -n ${tmp}` },
    ];
    const first = await run(resource(d, want, { prune: true }));
    expect(first.status, first.error).toBe('changed');
    expect(await readFile(join(d, 'rules'), 'utf8')).toBe('new\n');
    expect((await stat(join(d, 'rules'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(d, 'sub/new.conf'), 'utf8')).toBe('X=1\n');
    const names = await readdir(d);
    expect(names.filter((n) => /^rules\.\d{8}T\d{6}~$/.test(n))).toHaveLength(1); // the backup of the old file
    expect(names).not.toContain('own-stale'); // marked as ours, not wanted: removed
    expect(names).toContain('own-foreign'); // not marked: never touched
    expect(names.filter((n) => n.includes('.lvs-'))).toEqual([]); // no temp file left
    expect((await run(resource(d, want, { prune: true }))).status).toBe('ok');
  });

  it('a file whose validation fails is never put in place: the live file stays as it was', async () => {
    const d = await tempDir();
    await writeFile(join(d, 'defaults'), 'AUTO="false"\n');
    const bad: WantedFile[] = [{ path: join(d, 'defaults'), content: 'AUTO="true\n', mode: 0o644, validate: (tmp) => sh`sh -n ${tmp}` }];
    const out = await run(resource(d, bad));
    expect(out.status).toBe('failed');
    expect(out.error).toMatch(/validate failed/);
    expect(await readFile(join(d, 'defaults'), 'utf8')).toBe('AUTO="false"\n');
    expect((await readdir(d)).sort()).toEqual(['defaults']); // no temp file, no backup
  });

  it('backup: false writes without a backup (files wholly the resource\'s own)', async () => {
    const d = await tempDir();
    await writeFile(join(d, 'own-vips'), '# ours\nold\n');
    const out = await run(resource(d, [{ path: join(d, 'own-vips'), content: '# ours\nnew\n', mode: 0o644 }], { backup: false }));
    expect(out.status).toBe('changed');
    expect(await readdir(d)).toEqual(['own-vips']);
  });
});

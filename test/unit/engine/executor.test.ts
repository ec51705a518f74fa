import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { play, playbook } from '../../../src/dsl/play.js';
import { role } from '../../../src/dsl/role.js';
import { execute } from '../../../src/run/executor.js';
import { selectPlaybook } from '../../../src/run/select.js';
import { LocalTransport } from '../../../src/transport/local.js';
import type { HostView, Playbook } from '../../../src/types.js';
import { appendLog, failing, localHost, marker, read, tempDir } from './helpers.js';

function runner(hosts: HostView[], failConnect: string[] = []) {
  const select = (pattern: string) => {
    const names = pattern.split(':');
    return hosts.filter((h) => names.includes('all') || names.includes(h.name) || h.groups.some((g) => names.includes(g)));
  };
  return async (pb: Playbook, o: { check?: boolean; tags?: string[]; skipTags?: string[]; limit?: string; forks?: number; maxFail?: number } = {}) => {
    const plays = selectPlaybook(pb, { file: 'test.ts', select, ...(o.tags ? { tags: o.tags } : {}), ...(o.skipTags ? { skipTags: o.skipTags } : {}), ...(o.limit ? { limit: o.limit } : {}) });
    let open = 0;
    let maxOpen = 0;
    const attempts: string[] = [];
    const report = await execute(plays, {
      check: o.check ?? false,
      diff: true,
      forks: o.forks ?? 10,
      ...(o.maxFail !== undefined ? { maxFailPercentage: o.maxFail } : {}),
      renderer: 'silent',
      playbook: 'test.ts',
      inventory: 'test',
      connect: async (h) => {
        attempts.push(h.name);
        if (failConnect.includes(h.name)) throw new Error(`connect ECONNREFUSED ${h.name}`);
        open++;
        maxOpen = Math.max(maxOpen, open);
        await new Promise((r) => setTimeout(r, 30));
        open--;
        return new LocalTransport(h.name);
      },
    });
    return { report, maxOpen, attempts };
  };
}

describe('executor', () => {
  it('applies, then a second run reports 0 changed; check mode changes nothing', async () => {
    const dir = tempDir();
    const hosts = [localHost('a'), localHost('b')];
    const pb = playbook('t', [play('p', { hosts: 'all' }, (h) => [marker(join(dir, `${h.name}-1`), 'one\n'), marker(join(dir, `${h.name}-2`), 'two\n')])]);
    const run = runner(hosts);
    const check = await run(pb, { check: true });
    expect(check.report.summary.a).toMatchObject({ changed: 2, ok: 0, failed: 0 });
    expect(check.report.hosts).toEqual({ a: { transport: 'local' }, b: { transport: 'local' } });
    expect(read(join(dir, 'a-1'))).toBe('');
    expect(check.report.results.find((r) => r.host === 'a')!.diff).toEqual({ before: '', after: 'one\n', label: join(dir, 'a-1') });
    const first = await run(pb);
    expect(first.report.summary.a).toMatchObject({ changed: 2 });
    expect(read(join(dir, 'b-2'))).toBe('two\n');
    const second = await run(pb);
    expect(second.report.summary).toEqual({
      a: { ok: 2, changed: 0, failed: 0, skipped: 0, unreachable: 0 },
      b: { ok: 2, changed: 0, failed: 0, skipped: 0, unreachable: 0 },
    });
  });

  it('runs notified handlers once at the end, also after a later failure; the failed host stops alone', async () => {
    const dir = tempDir();
    const log = join(dir, 'handler.log');
    const hosts = [localHost('bad'), localHost('good')];
    const pb = playbook('t', [
      play('p', { hosts: 'all' }, (h) => [
        role('r', [
          marker(join(dir, `${h.name}-x`), 'x', { notify: ['reload'] }),
          marker(join(dir, `${h.name}-y`), 'y', { notify: ['reload'] }),
          ...(h.name === 'bad' ? [failing(join(dir, 'never'))] : []),
          marker(join(dir, `${h.name}-z`), 'z'),
        ], { handlers: { reload: appendLog(log, `reload ${h.name}`) } }),
      ]),
    ]);
    const { report } = await runner(hosts)(pb);
    expect(read(log).split('\n').filter(Boolean).sort()).toEqual(['reload bad', 'reload good']);
    expect(read(join(dir, 'bad-z'))).toBe('');
    expect(read(join(dir, 'good-z'))).toBe('z');
    expect(report.summary.bad).toMatchObject({ changed: 3, failed: 1 });
    expect(report.summary.good).toMatchObject({ changed: 4, failed: 0 });
    const failedRow = report.results.find((r) => r.status === 'failed');
    expect(failedRow).toMatchObject({ host: 'bad', role: 'r', resource: `failing ${join(dir, 'never')}`, error: 'boom: deliberate failure' });
  });

  it('selects by tags, skip-tags and limit; role names are tags', async () => {
    const dir = tempDir();
    const hosts = [localHost('a', ['web']), localHost('b', ['db'])];
    const pb = playbook('t', [
      play('p', { hosts: 'all' }, (h) => [
        role('net', [marker(join(dir, `${h.name}-net`), 'n')]),
        marker(join(dir, `${h.name}-t1`), '1', { tags: ['one'] }),
        marker(join(dir, `${h.name}-t2`), '2', { tags: ['two', 'always'] }),
      ]),
    ]);
    const run = runner(hosts);
    const r1 = await run(pb, { tags: ['net'], limit: 'web', check: true });
    expect(r1.report.results.map((r) => `${r.host} ${r.resource}`)).toEqual([`a marker ${join(dir, 'a-net')}`, `a marker ${join(dir, 'a-t2')}`]);
    const r2 = await run(pb, { skipTags: ['always', 'net'], check: true });
    expect(r2.report.results.map((r) => r.resource).sort()).toEqual([`marker ${join(dir, 'a-t1')}`, `marker ${join(dir, 'b-t1')}`]);
  });

  it('a probe fails on a problem, and is skipped in check mode after a pending change', async () => {
    const dir = tempDir();
    const probe = { ...failing(join(dir, 'healthy')), id: 'probe healthy', probe: true };
    const alone = playbook('t', [play('p', { hosts: 'all' }, () => [probe])]);
    const run = runner([localHost('a')]);
    expect((await run(alone, { check: true })).report.results[0]).toMatchObject({ status: 'failed', resource: 'probe healthy' });
    const after = playbook('t', [play('p', { hosts: 'all' }, () => [marker(join(dir, 'm'), 'x')]), play('q', { hosts: 'all' }, () => [probe])]);
    const check = await run(after, { check: true });
    expect(check.report.results.map((r) => r.status)).toEqual(['changed', 'skipped']);
    expect(read(join(dir, 'm'))).toBe('');
  });

  it('skips resources whose when is false', async () => {
    const dir = tempDir();
    const pb = playbook('t', [play('p', { hosts: 'all' }, () => [marker(join(dir, 'w'), 'w', { when: false })])]);
    const { report } = await runner([localHost('a')])(pb);
    expect(report.summary.a).toMatchObject({ skipped: 1, changed: 0 });
    expect(read(join(dir, 'w'))).toBe('');
  });

  it('limits hosts running their tasks in parallel to --forks; every host connects and reads at once (read-ahead)', async () => {
    const dir = tempDir();
    const hosts = Array.from({ length: 6 }, (_, i) => localHost(`h${i}`));
    let applying = 0;
    let maxApplying = 0;
    const slow = (path: string) => {
      const m = marker(path, 'x');
      return { ...m, apply: async (t: Parameters<typeof m.apply>[0], c: string) => {
        maxApplying = Math.max(maxApplying, ++applying);
        await new Promise((r) => setTimeout(r, 30));
        await m.apply(t, c);
        applying--;
      } };
    };
    const pb = playbook('t', [play('p', { hosts: 'all' }, (h) => [slow(join(dir, h.name))])]);
    const run = runner(hosts);
    const two = await run(pb, { forks: 2 });
    expect(maxApplying).toBe(2);
    expect(two.maxOpen).toBe(6);
    expect(two.report.summary.h5).toMatchObject({ changed: 1 });
    maxApplying = 0;
    const again = await run(pb, { forks: 2 });
    expect(again.report.summary.h5).toMatchObject({ ok: 1, changed: 0 });
    expect(maxApplying).toBe(0);
  });

  it('reports an unreachable host and goes on with the others', async () => {
    const dir = tempDir();
    const pb = playbook('t', [play('p', { hosts: 'all' }, (h) => [marker(join(dir, h.name), 'x')])]);
    const { report, attempts } = await runner([localHost('up'), localHost('down')], ['down'])(pb);
    expect(report.summary.down).toMatchObject({ unreachable: 1, ok: 0, changed: 0 });
    // one attempt (the read-ahead's), reported by the host's task: not tried a second time
    expect(attempts.filter((h) => h === 'down')).toEqual(['down']);
    expect(report.summary.up).toMatchObject({ changed: 1 });
  });

  it('stops serial batches beyond max fail percentage', async () => {
    const dir = tempDir();
    const hosts = ['a', 'b', 'c', 'd'].map((n) => localHost(n));
    const pb = playbook('t', [
      play('p', { hosts: 'all', serial: 2 }, (h) => [...(h.name === 'a' ? [failing(join(dir, 'nope'))] : []), marker(join(dir, h.name), 'x')]),
      play('later', { hosts: 'all' }, (h) => [marker(join(dir, `${h.name}-later`), 'y')]),
    ]);
    const run = runner(hosts);
    const strict = await run(pb, { maxFail: 0 });
    expect(strict.report.stopped).toMatch(/1\/2 hosts/);
    expect(read(join(dir, 'b'))).toBe('x');
    expect(read(join(dir, 'c'))).toBe('');
    expect(read(join(dir, 'a-later'))).toBe('');
    const lenient = await run(pb, { maxFail: 50 });
    expect(lenient.report.stopped).toBeUndefined();
    expect(read(join(dir, 'd'))).toBe('x');
    expect(read(join(dir, 'b-later'))).toBe('y');
  });
});

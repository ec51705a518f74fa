import { mkdir, symlink as fsSymlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { converge, isFact } from '../../../src/run/converge.js';
import { readFacts } from '../../../src/run/facts.js';
import { runHostPlay } from '../../../src/run/host-play.js';
import type { HostPlay } from '../../../src/run/select.js';
import { command, directory, file, lineInFile, osFamilyFact, pkg, service, symlink, unarchive } from '../../../src/resources/index.js';
import { sh } from '../../../src/shell/quote.js';
import type { AnyResource, Fact } from '../../../src/types.js';
import { Counting, t, tempDir, treeHash } from './helpers.js';


describe('batched reads', () => {
  it('reads many resources of one host in one round trip, then plans from the batch', async () => {
    const d = await tempDir();
    await writeFile(join(d, 'a.conf'), 'x = 1\n');
    await mkdir(join(d, 'dir'), { mode: 0o700 });
    await fsSymlink('a.conf', join(d, 'link'));
    const resources: AnyResource[] = [
      file({ path: join(d, 'a.conf'), content: 'x = 2\n' }),
      file({ path: join(d, 'new'), content: 'n\n' }),
      lineInFile({ path: join(d, 'a.conf'), line: 'y = 3' }),
      directory({ path: join(d, 'dir'), mode: 0o755 }),
      symlink({ path: join(d, 'link'), target: 'a.conf' }),
      command({ cmd: sh`true`, creates: join(d, 'a.conf') }),
      unarchive({ src: join(d, 'none.tgz'), dest: join(d, 'out') }),
      pkg({ names: ['dpkg'] }),
      service({ name: 'lvs-play-no-such-service', state: 'started' }),
    ];
    const facts = resources.map((r) => r.read).filter(isFact) as Fact<unknown>[];
    expect(facts).toHaveLength(resources.length);
    const before = await treeHash(d);
    const counting = new Counting();
    const outcomes = await readFacts(counting, [...facts, osFamilyFact as Fact<unknown>]);
    expect(counting.calls).toBe(1);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const results = await Promise.all(
      resources.map((r, i) => converge(r, t, { check: true, current: { value: (outcomes[i] as { value: unknown }).value } })),
    );
    expect(results.map((r) => r.status)).toEqual(['changed', 'changed', 'changed', 'changed', 'ok', 'ok', 'changed', 'ok', 'changed']);
    expect(results[0]!.diff).toMatchObject({ before: 'x = 1\n', after: 'x = 2\n' });
    expect(results[2]!.diff).toMatchObject({ before: 'x = 1\n', after: 'x = 1\ny = 3\n' });
    expect(results[8]!.message).toContain('not installed yet');
    expect(await treeHash(d)).toBe(before);
  });

  it('a check run makes ONE round trip for its reads, also when it predicts changes; a real run re-reads after a change', async () => {
    const d = await tempDir();
    const resources: AnyResource[] = [
      file({ path: join(d, 'a'), content: 'a\n' }),
      file({ path: join(d, 'b'), content: 'b\n' }),
      lineInFile({ path: join(d, 'c'), line: 'c', create: true }),
    ];
    const hp = { host: { name: 'count' }, tasks: resources.map((resource) => ({ resource, role: null, tags: [], enabled: true })), handlers: new Map() } as unknown as HostPlay;
    const play = async (check: boolean) => {
      const counting = new Counting();
      const statuses: string[] = [];
      await runHostPlay(hp, { play: 'p', check, transport: counting, signal: new AbortController().signal, pending: { changes: false }, emit: (r) => statuses.push(r.status) });
      return { calls: counting.calls, statuses };
    };
    expect(await play(true)).toEqual({ calls: 1, statuses: ['changed', 'changed', 'changed'] });
    // real: one read, then each change invalidates the rest (the next task's read goes again); the writes are runs too
    const real = await play(false);
    expect(real.statuses).toEqual(['changed', 'changed', 'changed']);
    expect(real.calls).toBeGreaterThan(3);
    expect(await play(true)).toEqual({ calls: 1, statuses: ['ok', 'ok', 'ok'] });
  });
});

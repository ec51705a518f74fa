import { describe, expect, it } from 'vitest';
import { applyShard, assignShards, parseShard, shardOf } from '../../../src/cli/shard.js';
import type { PlannedPlay } from '../../../src/run/select.js';

const host = (name: string) => ({ name }) as never;
function planned(name: string, hosts: string[], serial?: number): PlannedPlay {
  const hs = hosts.map(host);
  return {
    play: { name, options: serial === undefined ? {} : { serial } },
    pattern: name,
    hosts: hs,
    batches: serial ? hs.map((h) => [h]) : [hs],
    perHost: new Map(hosts.map((h) => [h, { host: host(h), tasks: [], handlers: new Map() }])),
  } as unknown as PlannedPlay;
}
const names = (n: number, prefix = 'rs') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

describe('--shard K/N', () => {
  it('parses K/N and refuses anything else (exit 5: E_USAGE)', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '2', 'a/b', '1/0', '-1/2']) expect(() => parseShard(bad)).toThrow(/--shard must be K\/N/);
  });

  it('splits every host into exactly one shard, about evenly', () => {
    const plays = [planned('rs', names(1000))];
    const parts = [1, 2, 3, 4].map((k) => applyShard(plays, { index: k, count: 4 }).flatMap((p) => p.hosts.map((h) => h.name)));
    expect(parts.flat().sort()).toEqual(names(1000).sort());
    for (const p of parts) expect(p.length).toBeGreaterThan(200);
  });

  it('is stable: a host keeps its shard whatever other hosts exist or their order', () => {
    const a = assignShards([planned('rs', names(200))], 5);
    const b = assignShards([planned('rs', [...names(300)].reverse())], 5);
    for (const n of names(200)) expect(b.get(n)).toBe(a.get(n));
    expect(shardOf('rs42', 5)).toBe(a.get('rs42'));
  });

  it('going from N to N+1 shards moves only hosts into the new shard', () => {
    const four = assignShards([planned('rs', names(400))], 4);
    const five = assignShards([planned('rs', names(400))], 5);
    const moved = names(400).filter((n) => four.get(n) !== five.get(n));
    expect(moved.every((n) => five.get(n) === 5)).toBe(true);
    expect(moved.length).toBeLessThan(140);
  });

  it('never splits a serial play: the directors stay together, with every play they are in', () => {
    const plays = [planned('real servers', names(50)), planned('directors: base', ['lvs1', 'lvs2']), planned('keepalived', ['lvs1', 'lvs2'], 1)];
    for (const count of [2, 3, 7]) {
      const shards = Array.from({ length: count }, (_, i) => applyShard(plays, { index: i + 1, count }));
      const withDirectors = shards.filter((s) => s.some((p) => p.hosts.some((h) => h.name === 'lvs1')));
      expect(withDirectors).toHaveLength(1);
      const d = withDirectors[0]!;
      expect(d.find((p) => p.play.name === 'keepalived')!.batches.map((b) => b.map((h) => h.name))).toEqual([['lvs1'], ['lvs2']]);
      expect(d.find((p) => p.play.name === 'directors: base')!.hosts.map((h) => h.name)).toEqual(['lvs1', 'lvs2']);
      // a shard without a play's hosts drops the play; its perHost holds only its hosts
      for (const s of shards) for (const p of s) expect([...p.perHost.keys()].sort()).toEqual(p.hosts.map((h) => h.name).sort());
    }
  });

  it('1/1 is the whole run', () => {
    const plays = [planned('rs', names(3))];
    expect(applyShard(plays, { index: 1, count: 1 })).toBe(plays);
  });
});

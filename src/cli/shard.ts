/**
 * `--shard K/N`: this run takes the K-th of N deterministic parts of the selected hosts, so an
 * existing runner (a CI matrix, Kubernetes Jobs) can run the parts side by side; their --json
 * reports merge with `lvs-play report merge` (src/cli/report-merge.ts). See docs/scaling.md.
 *
 * A host's shard is chosen by rendezvous hashing of its name: it depends on nothing else (not the
 * other hosts, not their order), and going from N to N+1 shards moves only the hosts the new shard
 * takes. The hosts of every play with `serial` (the directors' HA rollout) stay together in one
 * shard, chosen the same way from their names: a serial play is never split.
 */
import { createHash } from 'node:crypto';
import { LvsError } from '../errors.js';
import type { PlannedPlay } from '../run/select.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || count > 10_000 || index < 1 || index > count) {
    throw new LvsError('E_USAGE', `--shard must be K/N with 1 ≤ K ≤ N (got ${text})`, { file: 'command line', fix: 'e.g. --shard 2/4 (the second of four parts)' });
  }
  return { index, count };
}

function score(key: string, shard: number): bigint {
  return createHash('sha256').update(`${key}\u0000${shard}`).digest().readBigUInt64BE(0);
}

/** The shard (1..count) a key belongs to: the one scoring highest for it. */
export function shardOf(key: string, count: number): number {
  let best = 1;
  let bestScore = -1n;
  for (let k = 1; k <= count; k++) {
    const s = score(key, k);
    if (s > bestScore) [best, bestScore] = [k, s];
  }
  return best;
}

/** Host name → its shard, for every host of the plays (serial plays' hosts kept together). */
export function assignShards(plays: readonly PlannedPlay[], count: number): Map<string, number> {
  const together = new Set(plays.filter((p) => p.play.options.serial !== undefined).flatMap((p) => p.hosts.map((h) => h.name)));
  const groupShard = shardOf([...together].sort().join('\n'), count);
  const out = new Map<string, number>();
  for (const p of plays) for (const h of p.hosts) if (!out.has(h.name)) out.set(h.name, together.has(h.name) ? groupShard : shardOf(h.name, count));
  return out;
}

/** The plays restricted to this shard's hosts (plays left without hosts are dropped). */
export function applyShard(plays: PlannedPlay[], shard: Shard | undefined): PlannedPlay[] {
  if (!shard || shard.count === 1) return plays;
  const of = assignShards(plays, shard.count);
  const mine = (name: string) => of.get(name) === shard.index;
  return plays
    .map((p) => ({
      ...p,
      hosts: p.hosts.filter((h) => mine(h.name)),
      batches: p.batches.map((b) => b.filter((h) => mine(h.name))).filter((b) => b.length > 0),
      perHost: new Map([...p.perHost].filter(([name]) => mine(name))),
    }))
    .filter((p) => p.hosts.length > 0);
}

/**
 * A host that stops answering keeps its series: the last points read from it are exported again,
 * gauges as NaN (unknown now: never a stale value shown as current), VRRP states as UNKNOWN, and
 * counters at their last value (a counter only ever counted up to there). lvs_host_up says 0.
 */
import { METRICS } from './metrics.js';
import type { Point } from './points.js';

function unknown(p: Point): Point {
  if (p.metric === 'lvs_vrrp_state') return { ...p, value: p.labels.state === 'UNKNOWN' ? 1 : 0 };
  return METRICS[p.metric].type === 'counter' ? p : { ...p, value: Number.NaN };
}

export class Retainer {
  private readonly last = new Map<string, Point[]>();

  /** This round's points plus the kept ones of every host that is down this round. */
  merge(points: readonly Point[]): Point[] {
    const down = new Set(points.filter((p) => p.metric === 'lvs_host_up' && p.value === 0).map((p) => p.labels.host!));
    const fresh = new Map<string, Point[]>();
    for (const p of points) if (p.from && !down.has(p.from)) (fresh.get(p.from) ?? fresh.set(p.from, []).get(p.from)!).push(p);
    for (const [host, ps] of fresh) this.last.set(host, ps);
    const kept = [...down].flatMap((h) => (this.last.get(h) ?? []).map(unknown));
    // a point another host still gives fresh (a VIP holder row of a down director …) is not doubled
    const key = (p: Point) => `${p.metric}${JSON.stringify(p.labels)}`;
    const seen = new Set(points.map(key));
    return [...points, ...kept.filter((p) => !seen.has(key(p)))];
  }
}

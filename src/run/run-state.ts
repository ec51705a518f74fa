/**
 * The run state: which hosts are out of the run (unreachable, failed), each host's pending changes
 * (check mode), the hosts done per serial batch and the --max-fail-percentage stop, and the abort
 * signal (Ctrl-C). The executor's other parts read and write it; it contacts nothing.
 */
import type { HostView } from '../types.js';
import type { PlannedPlay } from './select.js';

export class RunState {
  /** Hosts that could not be reached: out of every later play. */
  readonly unreachable = new Set<string>();
  /** Hosts that failed (or whose lock another run holds): out of every later play. */
  readonly failed = new Set<string>();
  /** Aborts the run (the caller's signal): connections close, the recap still comes. */
  readonly signal: AbortSignal;
  /** Why the run stopped before its end (a serial batch failed beyond its limit). */
  stopReason: string | undefined;
  private stopped = false;
  private readonly pending = new Map<string, { changes: boolean }>();
  private readonly doneInBatch = new Map<readonly HostView[], number>();
  private readonly local = new AbortController();

  constructor(
    /** --max-fail-percentage: overrides every play's maxFailPercentage. */
    private readonly maxFailPercentage: number | undefined,
    signal?: AbortSignal,
  ) {
    this.signal = signal ? AbortSignal.any([signal, this.local.signal]) : this.local.signal;
  }

  /** A play or batch not to start: `stopped` after a serial batch failed or Ctrl-C, else false. */
  skipReason(): string | false {
    return this.stopped || this.signal.aborted ? 'stopped' : false;
  }

  /** Whether a host is out of the run (unreachable, or failed earlier). */
  isOut(host: string): boolean {
    return this.unreachable.has(host) || this.failed.has(host);
  }

  /** Why a host is out of the run (unreachable, failed earlier), or undefined when it is in. */
  outReason(host: string): string | undefined {
    if (this.unreachable.has(host)) return 'unreachable';
    return this.failed.has(host) ? 'failed earlier' : undefined;
  }

  /** Check mode: whether this host has a pending change (from this play or an earlier one). */
  pendingOf(host: string): { changes: boolean } {
    let p = this.pending.get(host);
    if (!p) this.pending.set(host, (p = { changes: false }));
    return p;
  }

  /** After the last host of a serial batch: stop everything when too many of it failed. */
  hostDone(pp: PlannedPlay, batch: readonly HostView[]): void {
    const done = (this.doneInBatch.get(batch) ?? 0) + 1;
    this.doneInBatch.set(batch, done);
    if (done < batch.length || pp.play.options.serial === undefined) return;
    const bad = batch.filter((h) => this.isOut(h.name)).length;
    const limit = this.maxFailPercentage ?? pp.play.options.maxFailPercentage;
    const pct = (bad / batch.length) * 100;
    if (limit !== undefined ? pct > limit : bad === batch.length) {
      this.stopped = true;
      this.stopReason = `${bad}/${batch.length} hosts of a serial batch of play "${pp.play.name}" failed (${pct.toFixed(0)}% > ${limit ?? 'all'}%): remaining batches and plays were not run`;
    }
  }
}

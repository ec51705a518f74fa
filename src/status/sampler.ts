/**
 * Reads the cluster in the background, one round per interval over the collector's persistent
 * connections (a round that takes longer than the interval is followed at once by the next; rounds
 * never overlap), and keeps the last round for readers that must never wait on a host: the
 * exporter's scrapes, the live page (`status --serve`).
 */
import type { StatusCollector } from './collect.js';
import type { StatusReport } from './model.js';

export class Sampler {
  private latest: StatusReport | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private readonly listeners = new Set<(r: StatusReport) => void>();
  private loop: Promise<void> | null = null;

  constructor(
    readonly collector: StatusCollector,
    private readonly intervalMs: number,
  ) {}

  /** The last round, or null before the first one ended. */
  get last(): StatusReport | null {
    return this.latest;
  }

  /** Called after every round (the live page pushes it to its browsers). Returns the unsubscribe. */
  onSample(f: (r: StatusReport) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /** Starts the rounds; resolves after the first one. */
  async start(): Promise<void> {
    let first!: () => void;
    const ready = new Promise<void>((r) => (first = r));
    this.loop = (async () => {
      while (!this.stopped) {
        const t0 = Date.now();
        try {
          this.latest = await this.collector.read();
          for (const f of this.listeners) f(this.latest);
        } catch (e) {
          // a round never ends the loop: the last good sample stays served, the next round retries
          process.stderr.write(`lvs-play: a read round failed: ${e instanceof Error ? e.message : String(e)}\n`);
        }
        first();
        const rest = this.intervalMs - (Date.now() - t0);
        if (rest > 0 && !this.stopped) await new Promise<void>((r) => ((this.wake = r), (this.timer = setTimeout(r, rest))));
      }
    })();
    await Promise.race([ready, this.loop]);
  }

  /** Stops after the round in flight, and closes every connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    await this.collector.close();
  }
}

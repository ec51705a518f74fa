/**
 * Read-ahead: when a batch starts, every host of it connects and makes its one read round trip at
 * once (up to READ_AHEAD hosts at a time), not in waves of --forks. A host whose plan is empty
 * then finishes without waiting for a fork; --forks bounds the hosts that run their tasks (and
 * apply changes) in parallel. The reads are the same ones the host's tasks would make first.
 */
import type { HostView, Transport } from '../types.js';
import { LvsError } from '../errors.js';
import { Pool } from '../pool.js';
import { addHostTime, sinceStart } from '../profile.js';
import { FactCache } from './fact-cache.js';
import type { PlannedPlay } from './select.js';

/** Hosts connecting and reading at once. */
const READ_AHEAD = 100;

export class ReadAhead {
  private readonly reads = new Map<string, Promise<FactCache | LvsError | undefined>>();
  private readonly pool = new Pool(READ_AHEAD);

  constructor(
    /** The run's one connection per host (shared with the executor). */
    private readonly connection: (host: HostView) => Promise<Transport>,
  ) {}

  /** Starts the reads of a batch's hosts (those that have tasks in this play). */
  start(pp: PlannedPlay, batch: readonly HostView[], skip: (host: string) => boolean): void {
    const started = sinceStart();
    for (const host of batch) {
      const hp = pp.perHost.get(host.name);
      if (!hp || skip(host.name)) continue;
      this.reads.set(key(pp, host), this.pool.use(async () => {
        addHostTime(host.name, 'queued', sinceStart() - started);
        const t = await this.connection(host);
        return new FactCache(t, hp.tasks).prime();
      }).catch((e: unknown) => (e instanceof LvsError ? e : undefined))); // a host that cannot connect is reported by its own task
    }
  }

  /** The host's primed reads (undefined: none made, or its connection failed; an LvsError: the first command could not run, e.g. E_LOCKED). */
  take(pp: PlannedPlay, host: HostView): Promise<FactCache | LvsError | undefined> {
    const k = key(pp, host);
    const r = this.reads.get(k) ?? Promise.resolve(undefined);
    this.reads.delete(k);
    return r;
  }
}

const key = (pp: PlannedPlay, host: HostView): string => `${pp.play.name}\u0000${host.name}`;

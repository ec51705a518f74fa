/**
 * The first batch's hosts start connecting while the executor loads: TCP connect, handshake and
 * authentication overlap that import instead of following it. Only the connection: no command
 * runs before the executor's first one (the host lock and the reads come with it, as before).
 * Each early connection goes to the executor on its first use of that host; one the run never
 * uses (Ctrl-C before the batch started) is closed by closeUnused().
 */
import type { HostView, Transport } from '../types.js';
import type { PlannedPlay } from '../run/select.js';

/** Hosts the executor's read-ahead connects at once (src/run/read-ahead.ts): no more start early. */
const EARLY_MAX = 100;

export interface EarlyConnections {
  /** The run's connector: a host's early connection on its first use, else a new one. */
  connect(host: HostView): Promise<Transport>;
  /** Closes the early connections no one took (errors ignored: the run has ended). */
  closeUnused(): Promise<void>;
}

/**
 * The hosts the executor contacts first (the first play's first batch, those with tasks, in order)
 * that connect over ssh: a WinRM or PowerShell host's session takes seconds (the overlap is
 * nothing to it) and loads its transport then, which is not to run beside the executor's import.
 */
export function firstContacted(plays: readonly PlannedPlay[]): HostView[] {
  const first = plays[0];
  const batch = first?.batches[0] ?? [];
  return batch.filter((h) => first?.perHost.has(h.name) && h.connection.type === 'ssh').slice(0, EARLY_MAX);
}

/** Starts connecting `hosts` now through `connect`; the result hands each connection out once. */
export function connectEarly(hosts: readonly HostView[], connect: (host: HostView) => Promise<Transport>): EarlyConnections {
  const early = new Map<string, Promise<Transport>>();
  for (const host of hosts) {
    const conn = connect(host);
    conn.catch(() => undefined); // a failure is the host's to report, when the executor takes it
    early.set(host.name, conn);
  }
  return {
    connect(host) {
      const conn = early.get(host.name);
      if (!conn) return connect(host);
      early.delete(host.name);
      return conn;
    },
    async closeUnused() {
      const left = [...early.values()];
      early.clear();
      await Promise.allSettled(left.map(async (c) => (await c).close()));
    },
  };
}

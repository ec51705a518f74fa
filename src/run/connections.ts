/**
 * The run's connections: one transport per host, opened on its first use (the read-ahead's, its
 * task's, or a task delegated to it) and shared after; every one closed, once, on abort or at the end.
 */
import type { HostView, Transport } from '../types.js';

export class Connections {
  private readonly open = new Map<string, Promise<Transport>>();
  private closing: Promise<void> | undefined;

  constructor(
    /** Opens one transport per host; rejects when the host cannot be reached. */
    private readonly connect: (host: HostView) => Promise<Transport>,
    signal: AbortSignal,
  ) {
    // Ctrl-C starts closing (killing what runs on the hosts takes a moment) and the end awaits it
    signal.addEventListener('abort', () => void this.closeAll(), { once: true });
  }

  /** The host's one connection (a function, handed to the read-ahead and to delegated tasks). */
  readonly of = (host: HostView): Promise<Transport> => {
    let conn = this.open.get(host.name);
    if (!conn) {
      conn = this.connect(host);
      this.open.set(host.name, conn);
      // a failure stays until the host's task reports it (it drops it then): the read-ahead's
      // attempt is the host's one attempt, not tried again by its task
      conn.catch(() => undefined);
    }
    return conn;
  };

  /** Forgets a host's connection that failed (its task reported it). */
  drop(host: string): void {
    this.open.delete(host);
  }

  /** Closes every connection, once: later calls await the same closing. */
  closeAll(): Promise<void> {
    return (this.closing ??= this.closeEvery());
  }

  private async closeEvery(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(all.map(async (c) => (await c).close()));
  }
}

/**
 * Reads every director and real server of an inventory: one connection per host (kept across
 * `--watch` rounds), one round trip per host and round. Produces the status report.
 */
import { Pool } from '../pool.js';
import { siteOf, type Site, type SiteMember } from '../site/index.js';
import type { HostView, Inventory, Transport } from '../types.js';
import { directorStatus, realServerStatus, vipHolders, vipsOf, type HostRead } from './analyze.js';
import { parseDirector, parseLinuxRealServer, parseWindowsRealServer, type DirectorFacts, type RealServerFacts } from './facts.js';
import type { StatusReport } from './model.js';
import { findProblems } from './problems.js';
import { directorScript, linuxRealServerScript, windowsRealServerScript } from './scripts.js';

const READ_TIMEOUT_MS = 30_000;

export interface StatusTargets {
  directors: readonly HostView[];
  realServers: readonly SiteMember[];
  /** VIPs the inventory names (`vips` / `vip`). */
  vips: string[];
  /** Each director's keepalived.conf (`keepalived_conf`). */
  keepalivedConf: Readonly<Record<string, string>>;
}

/** The site model's directors, real servers and VIPs (src/site: the same as playbooks/site.ts). */
export function targetsOf(inv: Inventory): Site {
  return siteOf(inv);
}

/** Every host's read → the report with its problems (pure). */
export function buildReport(o: {
  directors: readonly HostRead<DirectorFacts>[];
  realServers: readonly (HostRead<RealServerFacts> & { os: 'linux' | 'windows' })[];
  inventoryVips: readonly string[];
  inventory: string;
  takenAt: string;
  durationMs: number;
}): StatusReport {
  const vips = vipsOf(o.directors, o.inventoryVips);
  const partial = {
    vips: vipHolders(vips, o.directors, o.realServers),
    directors: o.directors.map((d) => directorStatus(d, vips)),
    realServers: o.realServers.map((r) => realServerStatus(r, o.directors, vips)),
  };
  return { format: 'lvs-play-status/1', inventory: o.inventory, takenAt: o.takenAt, durationMs: o.durationMs, ...partial, problems: findProblems(partial) };
}

/** Per-host timing of the last round (the exporter's lvs_read_duration_seconds, lvs_host_reads_total). */
export interface HostReadStats {
  /** Milliseconds from the start of the host's read (connect included) to its answer or failure. */
  ms: number;
  /** Read commands (round trips) sent to the host since the collector started. */
  reads: number;
}

export class StatusCollector {
  private conns = new Map<string, Promise<Transport>>();
  /** Hosts read at once (the rest wait their turn; a host's timeout starts with its read). */
  private readonly pool: Pool;
  private readonly timeoutMs: number;
  /** Timing and read count per host name, updated by every round. */
  readonly stats = new Map<string, HostReadStats>();

  constructor(
    private readonly targets: StatusTargets,
    private readonly connect: (h: HostView) => Promise<Transport>,
    private readonly inventory: string,
    /** forks: hosts read at once; timeoutMs: a host that takes longer counts as unreachable this round (its connection is dropped). */
    o: { forks: number; timeoutMs?: number },
  ) {
    this.pool = new Pool(o.forks);
    this.timeoutMs = o.timeoutMs ?? READ_TIMEOUT_MS;
  }

  /** Drops a host's connection after a failed read: the next round reconnects. */
  private forget(name: string): void {
    const c = this.conns.get(name);
    this.conns.delete(name);
    c?.then((t) => t.close()).catch(() => undefined);
  }

  /** One read of a host, timed and bounded; any failure drops its connection. */
  private async timed<T>(h: HostView, read: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    const st = this.stats.get(h.name) ?? { ms: 0, reads: 0 };
    st.reads++;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`no answer within ${this.timeoutMs / 1000} s`)), this.timeoutMs)));
    try {
      return await Promise.race([read(), late]);
    } catch (e) {
      this.forget(h.name);
      throw e;
    } finally {
      clearTimeout(timer);
      this.stats.set(h.name, { ...st, ms: Date.now() - t0 });
    }
  }

  private async transport(h: HostView): Promise<Transport> {
    let c = this.conns.get(h.name);
    if (!c) this.conns.set(h.name, (c = this.connect(h)));
    try {
      return await c;
    } catch (e) {
      this.conns.delete(h.name); // retried next round
      throw e;
    }
  }

  private async readDirector(h: HostView): Promise<HostRead<DirectorFacts>> {
    try {
      const facts = await this.timed(h, async () => {
        const t = await this.transport(h);
        if (t.shell !== 'posix') throw new Error('a director must be reached by a POSIX shell (ssh)');
        const r = await t.run(directorScript({ conf: this.targets.keepalivedConf[h.name] }), { timeoutMs: this.timeoutMs });
        if (r.code !== 0 || !r.stdout.includes('@@end')) throw new Error(`status read failed (exit ${r.code}): ${r.stderr.trim().slice(-300)}`);
        return parseDirector(r.stdout);
      });
      return { name: h.name, address: h.address, facts, error: null };
    } catch (e) {
      return { name: h.name, address: h.address, facts: null, error: e instanceof Error ? e.message : String(e) };
    }
  }

  private async readRealServer({ host: h, os }: SiteMember): Promise<HostRead<RealServerFacts> & { os: 'linux' | 'windows' }> {
    try {
      const facts = await this.timed(h, async (): Promise<RealServerFacts> => {
        const t = await this.transport(h);
        if (t.shell === 'powershell') return parseWindowsRealServer(await t.invoke(windowsRealServerScript, { address: h.address }));
        const r = await t.run(linuxRealServerScript(), { timeoutMs: this.timeoutMs });
        if (r.code !== 0 || !r.stdout.includes('@@end')) throw new Error(`status read failed (exit ${r.code}): ${r.stderr.trim().slice(-300)}`);
        return parseLinuxRealServer(r.stdout);
      });
      return { name: h.name, address: h.address, os, facts, error: null };
    } catch (e) {
      return { name: h.name, address: h.address, os, facts: null, error: e instanceof Error ? e.message : String(e) };
    }
  }

  /** One round: every host read once, `forks` at a time (the directors first). */
  async read(): Promise<StatusReport> {
    const t0 = Date.now();
    const [directors, realServers] = await Promise.all([
      Promise.all(this.targets.directors.map((h) => this.pool.use(() => this.readDirector(h)))),
      Promise.all(this.targets.realServers.map((m) => this.pool.use(() => this.readRealServer(m)))),
    ]);
    return buildReport({ directors, realServers, inventoryVips: this.targets.vips, inventory: this.inventory, takenAt: new Date(t0).toISOString(), durationMs: Date.now() - t0 });
  }

  async close(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await Promise.allSettled(all.map(async (c) => (await c).close()));
  }
}

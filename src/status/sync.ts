/**
 * IPVS connection sync as status sees it: the kernel's sync daemons (`ipvsadm -L --daemon`) and
 * how many connections the director's table holds (`ipvsadm -L -n -c`, counted per state on the
 * host so a big table is a few lines). On the BACKUP, the connections are the synced copies of
 * the MASTER's: what it keeps when it takes over. Pure parsers and the one status line.
 */
import { sh } from '../shell/quote.js';
import type { ShellCommand } from '../types.js';
import type { DirectorStatus, SyncStatus } from './model.js';

export interface SyncDaemon {
  role: 'master' | 'backup';
  /** `mcast=` interface. */
  interface: string;
  syncId: number | null;
  /** The other `key=value` pairs (maxlen, group, port, ttl) as printed. */
  options: Record<string, string>;
}

/** The host side: connection entries per state, `COUNT STATE` lines (after the two header lines). */
export const CONN_STATES_PIPE: ShellCommand = sh`tail -n +3 | awk 'NF == 6 || NF == 7 {print $3}' | sort | uniq -c`;

/** `master sync daemon (mcast=eth0, syncid=51, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)` lines. */
export function parseSyncDaemons(text: string): SyncDaemon[] {
  const out: SyncDaemon[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(master|backup) sync daemon \((.*)\)\s*$/.exec(line);
    if (!m) continue;
    const kv: Record<string, string> = {};
    for (const part of m[2]!.split(',')) {
      const [k = '', v = ''] = part.trim().split('=');
      if (k) kv[k] = v;
    }
    const { mcast = '', syncid, ...options } = kv;
    const id = syncid === undefined ? NaN : Number(syncid);
    out.push({ role: m[1] as 'master' | 'backup', interface: mcast, syncId: Number.isInteger(id) ? id : null, options });
  }
  return out;
}

/** `uniq -c` output of CONN_STATES_PIPE → entries per state and the total. */
export function parseConnStates(text: string): { total: number; byState: Record<string, number> } {
  const byState: Record<string, number> = {};
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\S+)\s*$/.exec(line);
    if (!m) continue;
    const n = Number(m[1]);
    byState[m[2]!] = (byState[m[2]!] ?? 0) + n;
    total += n;
  }
  return { total, byState };
}

function daemonsText(s: SyncStatus): string {
  if (s.daemons.length === 0) return 'no sync daemon';
  return s.daemons.map((d) => `${d.role} (${d.interface}${d.syncId !== null ? `, syncid ${d.syncId}` : ''})`).join(' + ');
}

/**
 * The `IPVS sync:` line: per director its daemon(s) and the connections it holds, e.g.
 * `IPVS sync: lvs1 master (eth0, syncid 51), 24 connections; lvs2 backup (eth0, syncid 51), 24 connections (synced)`;
 * `not available (no IPVS)` when no director has IPVS; null when no director is reachable.
 */
export function syncLine(directors: readonly DirectorStatus[]): string | null {
  const seen = directors.filter((d) => d.reachable);
  if (seen.length === 0) return null;
  if (!seen.some((d) => d.sync.available)) return 'IPVS sync: not available (no IPVS)';
  const parts = seen.map((d) => {
    const s = d.sync;
    if (!s.available) return `${d.name} ${s.reason ?? 'no IPVS'}`;
    const conns = s.connections === null ? '' : `, ${s.connections} connection${s.connections === 1 ? '' : 's'}${s.daemons.some((x) => x.role === 'backup') && !s.daemons.some((x) => x.role === 'master') ? ' (synced)' : ''}`;
    return `${d.name} ${daemonsText(s)}${conns}`;
  });
  const configured = seen.some((d) => d.sync.configured);
  return `IPVS sync: ${parts.join('; ')}${configured ? '' : ' (lvs_sync_daemon not configured)'}`;
}

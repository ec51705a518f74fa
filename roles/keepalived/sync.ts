/**
 * IPVS connection synchronisation (`lvs_sync_daemon` in global_defs): its line and its rules.
 * The kernel's sync daemon multicasts the MASTER director's connection table to the BACKUPs
 * (224.0.0.81, UDP 8848, on the given interface), so a BACKUP that takes over knows every open
 * connection and forwards its packets to the same real server. Pure.
 */
import type { KeepalivedConfig, LvsSyncDaemon } from './model.js';

/** keepalived's defaults for the sync daemon's traffic (firewall rules, docs). */
export const SYNC_GROUP = '224.0.0.81';
/** The UDP port of keepalived's sync daemon traffic (its default). */
export const SYNC_PORT = 8848;

/** `lvs_sync_daemon eth0 VI_1 id 51 maxlen 1400` (the optional words only when set). */
export function lvsSyncLine(s: LvsSyncDaemon): string {
  const words = ['lvs_sync_daemon', s.interface, s.instance];
  if (s.syncId !== undefined) words.push('id', String(s.syncId));
  if (s.maxlen !== undefined) words.push('maxlen', String(s.maxlen));
  return words.join(' ');
}

type Report = (field: string, message: string, value: unknown, fix: string) => void;

/** The instance named by lvs_sync_daemon exists (keepalived refuses the line otherwise). */
export function checkLvsSync(cfg: KeepalivedConfig, base: string, err: Report): void {
  const s = cfg.globalDefs.lvsSyncDaemon;
  if (!s) return;
  const names = cfg.vrrpInstances.map((i) => i.name);
  if (!names.includes(s.instance)) {
    err(`${base}.globalDefs.lvsSyncDaemon.instance`, 'lvs_sync_daemon names no vrrp_instance', s.instance, `name the instance whose MASTER sends the connection table, one of: ${names.join(', ') || '(none defined)'}`);
  }
}

/**
 * Across the directors: the same sync id everywhere (a BACKUP drops sync messages of another id),
 * the same instance followed. `configs`: host → config; `at(host, rest)` names the field.
 */
export function checkLvsSyncPair(configs: readonly [string, KeepalivedConfig][], at: (host: string, rest: string) => string, err: Report): void {
  const withSync = configs.filter(([, c]) => c.globalDefs.lvsSyncDaemon);
  const [first, ...rest] = withSync;
  if (!first) return;
  const key = (c: KeepalivedConfig) => {
    const s = c.globalDefs.lvsSyncDaemon!;
    const vrid = c.vrrpInstances.find((i) => i.name === s.instance)?.virtualRouterId;
    return `${s.instance} id ${s.syncId ?? vrid ?? '?'}`;
  };
  for (const [host, c] of rest) {
    if (key(c) !== key(first[1])) {
      err(at(host, '.globalDefs.lvsSyncDaemon'), `lvs_sync_daemon differs from ${first[0]}'s (${key(first[1])})`, key(c), 'follow the same vrrp_instance with the same sync id on every director');
    }
  }
  for (const [host] of configs.filter(([, c]) => !c.globalDefs.lvsSyncDaemon)) {
    err(at(host, '.globalDefs'), `no lvs_sync_daemon, but ${first[0]} has one`, undefined, 'set up connection sync on every director or on none (a director without it loses the connections when it takes over)');
  }
}

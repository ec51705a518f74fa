/**
 * `lvs-play status --json FILE`: the stable format `lvs-play-status/1` (docs/operate.md).
 * Fields are only ever added within a format version; a removal or a change of meaning bumps it.
 */
import type { IpvsService } from './ipvs.js';

export type VrrpStatus = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOPPED' | 'UNKNOWN';

export interface InstanceStatus {
  name: string;
  /** As the director's kernel shows it: the instance's VIPs held = MASTER, none = BACKUP, its
   * interface down or only some VIPs held = FAULT, keepalived not running = STOPPED. */
  state: VrrpStatus;
  /** `state` in keepalived.conf (what the director starts as). */
  configuredState: string;
  priority: number | null;
  interface: string;
  vips: string[];
}

/** IPVS connection sync on one director (keepalived's lvs_sync_daemon; docs/site.md lvs_sync). */
export interface SyncStatus {
  /** keepalived.conf has lvs_sync_daemon. */
  configured: boolean;
  /** IPVS is there to ask (false on the netns lab). */
  available: boolean;
  reason: string | null;
  /** The kernel's sync daemons running now: master sends, backup receives. */
  daemons: { role: 'master' | 'backup'; interface: string; syncId: number | null }[];
  /** Connection entries in this director's IPVS table (on a BACKUP: the synced ones). */
  connections: number | null;
  byState: Record<string, number>;
}

export interface DirectorStatus {
  name: string;
  address: string;
  reachable: boolean;
  error: string | null;
  keepalived: { running: boolean; pid: number | null; version: string | null } | null;
  /** keepalived.conf was found (and read). */
  configFound: boolean;
  instances: InstanceStatus[];
  /** VIPs (of any instance) on this director's interfaces. */
  vipsHeld: string[];
  ipvs: { available: boolean; reason: string | null; services: IpvsService[] };
  sync: SyncStatus;
  /** Real-server addresses recorded as drained here (`lvs-play drain`). */
  drained: string[];
}

export interface IpvsListing {
  director: string;
  service: string;
  weight: number;
  activeConns: number;
  inactiveConns: number;
  conns: number | null;
  cps: number | null;
}

export interface RealServerStatus {
  name: string;
  address: string;
  os: 'linux' | 'windows';
  reachable: boolean;
  error: string | null;
  /** Ports the directors' keepalived.conf sends to it. */
  ports: number[];
  /** Every VIP on the loopback (lo / the loopback adapter)? null when unknown. */
  vipOnLoopback: boolean | null;
  loopbackVips: string[];
  /** Linux: effective (max of all/NIC) arp_ignore and arp_announce of the NIC facing the directors. */
  arp: { interface: string; ignore: number; announce: number } | null;
  /** Windows: weak host flags ('enabled' / 'disabled'). */
  weakHost: { loopbackSend: string; loopbackReceive: string; nicReceive: string } | null;
  /** Every port listening? null when unknown. */
  listening: boolean | null;
  /** Weight in each director's keepalived.conf. */
  configuredWeight: Record<string, number>;
  /** IPVS entries per director (empty when IPVS is not available or does not list it). */
  ipvs: IpvsListing[];
  drained: boolean;
}

export interface Problem {
  /** Stable identifier: two-masters, no-master, vip-on-two-hosts, ipvs-differs, keepalived-down,
   * unreachable, no-config, rs-down, rs-missing, rs-weight-0, rs-not-configured, rs-no-vip, rs-answers-arp,
   * rs-weak-host, sync-down. */
  id: string;
  host: string | null;
  message: string;
  fix: string;
}

export interface StatusReport {
  format: 'lvs-play-status/1';
  inventory: string;
  takenAt: string;
  durationMs: number;
  vips: { address: string; holders: string[] }[];
  directors: DirectorStatus[];
  realServers: RealServerStatus[];
  problems: Problem[];
}

/**
 * A status round (src/status) → metric points. Pure. Each point names the host whose read it comes
 * from (`from`), so the last points of a host that stops answering can be kept (src/exporter/retain.ts).
 * Labels hold only names, addresses, ports and states from the reads: never a secret (keepalived.conf
 * reaches the control node without its auth_pass lines, src/status/scripts.ts).
 */
import type { HostReadStats } from '../status/collect.js';
import { hostOf } from '../status/ipvs.js';
import type { DirectorStatus, StatusReport } from '../status/model.js';
import { PROBLEM_KINDS, SYNC_ROLES, VRRP_STATES, type MetricName } from './metrics.js';

export interface Point {
  metric: MetricName;
  labels: Record<string, string>;
  value: number;
  /** The host whose read gave it ('' = the whole round: kept fresh every round). */
  from: string;
}

const b = (x: boolean) => (x ? 1 : 0);

/** `10.77.0.10:80` → vip and port; fwmark services (`FWM 3`) → `fwmark:3` and no port. */
export function serviceLabels(protocol: string, address: string): { vip: string; port: string; protocol: string } {
  if (protocol === 'FWM') return { vip: `fwmark:${address}`, port: '', protocol: 'FWM' };
  const port = /:(\d+)$/.exec(address)?.[1] ?? '';
  return { vip: hostOf(address), port, protocol };
}

function directorPoints(d: DirectorStatus, rsName: (address: string) => string): Point[] {
  const out: Point[] = [];
  const add = (metric: MetricName, labels: Record<string, string>, value: number) => out.push({ metric, labels, value, from: d.name });
  add('lvs_keepalived_up', { director: d.name }, b(!!d.keepalived?.running));
  add('lvs_ipvs_available', { director: d.name }, b(d.ipvs.available));
  for (const i of d.instances) for (const s of VRRP_STATES) add('lvs_vrrp_state', { director: d.name, instance: i.name, state: s }, b(i.state === s));
  // connection sync: where it is configured (or a daemon runs anyway), both roles, 1 for the running one(s)
  if (d.sync.available && (d.sync.configured || d.sync.daemons.length > 0)) {
    for (const role of SYNC_ROLES) add('lvs_sync_daemon_up', { director: d.name, role }, b(d.sync.daemons.some((x) => x.role === role)));
  }
  for (const svc of d.ipvs.services) {
    const sl = serviceLabels(svc.protocol, svc.address);
    for (const r of svc.realServers) {
      const l = { director: d.name, ...sl, real_server: rsName(hostOf(r.address)) };
      add('lvs_real_server_weight', l, r.weight);
      add('lvs_ipvs_connections', { ...l, state: 'active' }, r.activeConns);
      add('lvs_ipvs_connections', { ...l, state: 'inactive' }, r.inactiveConns);
      if (r.conns !== null) add('lvs_ipvs_connections_total', l, r.conns);
      for (const [direction, pk, by] of [['in', r.inPkts, r.inBytes], ['out', r.outPkts, r.outBytes]] as const) {
        if (pk !== null) add('lvs_ipvs_packets_total', { ...l, direction }, pk);
        if (by !== null) add('lvs_ipvs_bytes_total', { ...l, direction }, by);
      }
    }
  }
  return out;
}

/** Every point of a round. `stats`: per host timing and read counts (StatusCollector.stats). */
export function pointsOf(r: StatusReport, stats: ReadonlyMap<string, HostReadStats>): Point[] {
  const names = new Map(r.realServers.map((s) => [s.address, s.name]));
  const rsName = (a: string) => names.get(a) ?? a;
  const out: Point[] = [];
  const add = (metric: MetricName, labels: Record<string, string>, value: number, from = '') => out.push({ metric, labels, value, from });
  const hosts = [...r.directors.map((d) => ({ name: d.name, up: d.reachable, role: 'director' })), ...r.realServers.map((s) => ({ name: s.name, up: s.reachable, role: 'real_server' }))];
  for (const h of hosts) {
    add('lvs_host_up', { host: h.name, role: h.role }, b(h.up));
    const st = stats.get(h.name);
    if (st) add('lvs_read_duration_seconds', { host: h.name }, st.ms / 1000), add('lvs_host_reads_total', { host: h.name }, st.reads);
  }
  add('lvs_last_read_timestamp_seconds', {}, Date.parse(r.takenAt) / 1000);
  for (const d of r.directors) if (d.reachable) out.push(...directorPoints(d, rsName));
  for (const v of r.vips) {
    for (const d of r.directors) if (d.reachable) add('lvs_vip_holder', { vip: v.address, host: d.name }, b(v.holders.includes(d.name)), d.name);
    for (const h of v.holders) if (!r.directors.some((d) => d.name === h)) add('lvs_vip_holder', { vip: v.address, host: h }, 1, h);
  }
  for (const s of r.realServers) {
    add('lvs_real_server_drained', { real_server: s.name }, b(s.drained));
    if (s.reachable) add('lvs_real_server_listening', { real_server: s.name }, s.listening === null ? Number.NaN : b(s.listening), s.name);
    for (const [director, w] of Object.entries(s.configuredWeight)) {
      add('lvs_real_server_configured_weight', { director, real_server: s.name }, w, director);
      // keepalived's view: a configured real server is listed in IPVS while its health check passes
      const d = r.directors.find((x) => x.name === director);
      if (d?.reachable && d.ipvs.available) add('lvs_real_server_healthy', { director, real_server: s.name }, b(s.ipvs.some((l) => l.director === director)), director);
    }
  }
  for (const k of PROBLEM_KINDS) add('lvs_problems', { kind: k }, r.problems.filter((p) => p.id === k).length);
  return out;
}

/**
 * Facts of every host → the status report (without problems: src/status/problems.ts). Pure.
 */
import type { DirectorFacts, LinuxRealServerFacts, RealServerFacts, WindowsRealServerFacts } from './facts.js';
import { hostOf } from './ipvs.js';
import type { DirectorStatus, InstanceStatus, IpvsListing, RealServerStatus, SyncStatus, VrrpStatus } from './model.js';

export interface HostRead<F> {
  name: string;
  address: string;
  facts: F | null;
  error: string | null;
}

function instanceState(f: DirectorFacts, iface: string, vips: readonly string[]): VrrpStatus {
  if (!f.keepalived.running) return 'STOPPED';
  if (iface && f.downLinks.includes(iface)) return 'FAULT';
  const held = vips.filter((v) => f.addresses.some((a) => a.address === v && a.iface !== 'lo'));
  if (vips.length > 0 && held.length === vips.length) return 'MASTER';
  return held.length === 0 ? 'BACKUP' : 'FAULT';
}

export function directorStatus(d: HostRead<DirectorFacts>, allVips: readonly string[]): DirectorStatus {
  const f = d.facts;
  if (!f) {
    return { name: d.name, address: d.address, reachable: false, error: d.error, keepalived: null, configFound: false, instances: [], vipsHeld: [], ipvs: { available: false, reason: 'unreachable', services: [] }, sync: syncStatus(null), drained: [] };
  }
  const instances: InstanceStatus[] = (f.conf?.instances ?? []).map((i) => ({
    name: i.name,
    state: instanceState(f, i.interface, i.vips),
    configuredState: i.state,
    priority: i.priority,
    interface: i.interface,
    vips: i.vips,
  }));
  return {
    name: d.name,
    address: d.address,
    reachable: true,
    error: null,
    keepalived: f.keepalived,
    configFound: f.conf !== null,
    instances,
    vipsHeld: allVips.filter((v) => f.addresses.some((a) => a.address === v && a.iface !== 'lo')),
    ipvs: { available: f.ipvs !== null, reason: f.ipvsUnavailable, services: f.ipvs ?? [] },
    sync: syncStatus(f),
    drained: Object.keys(f.drained),
  };
}

function syncStatus(f: DirectorFacts | null): SyncStatus {
  const configured = f?.conf?.syncDaemon != null;
  if (!f?.sync) return { configured, available: false, reason: f ? 'not available (no IPVS)' : 'unreachable', daemons: [], connections: null, byState: {} };
  return {
    configured,
    available: true,
    reason: null,
    daemons: f.sync.daemons.map((d) => ({ role: d.role, interface: d.interface, syncId: d.syncId })),
    connections: f.sync.connections.total,
    byState: f.sync.connections.byState,
  };
}

/** Every VIP: of the directors' keepalived.conf instances, plus the inventory's. */
export function vipsOf(directors: readonly HostRead<DirectorFacts>[], inventoryVips: readonly string[]): string[] {
  const all = [...inventoryVips, ...directors.flatMap((d) => d.facts?.conf?.instances.flatMap((i) => i.vips) ?? [])];
  return [...new Set(all.filter(Boolean))];
}

function effective(values: Record<string, number>, iface: string): number {
  return Math.max(values.all ?? 0, values[iface] ?? 0);
}

/** A real server's status: what the directors say of it, then what its own facts show. */
export function realServerStatus(
  rs: HostRead<RealServerFacts> & { os: 'linux' | 'windows' },
  directors: readonly HostRead<DirectorFacts>[],
  vips: readonly string[],
): RealServerStatus {
  const seen = directorsView(rs.address, directors);
  const base: RealServerStatus = {
    name: rs.name,
    address: rs.address,
    os: rs.os,
    reachable: rs.facts !== null,
    error: rs.error,
    ports: seen.ports,
    vipOnLoopback: null,
    loopbackVips: [],
    arp: null,
    weakHost: null,
    listening: null,
    configuredWeight: seen.configuredWeight,
    ipvs: seen.ipvs,
    drained: seen.drained,
  };
  const f = rs.facts;
  if (!f) return base;
  if (f.os === 'linux') return { ...base, ...linuxView(f, rs.address, base.ports, vips) };
  return { ...base, ...windowsView(f, base.ports, vips) };
}

/** What the directors say of the real server at `address`: its weights and ports in their configs, their IPVS entries, drained. */
function directorsView(
  address: string,
  directors: readonly HostRead<DirectorFacts>[],
): Pick<RealServerStatus, 'configuredWeight' | 'ports' | 'ipvs' | 'drained'> {
  const configuredWeight: Record<string, number> = {};
  const ports = new Set<number>();
  const ipvs: IpvsListing[] = [];
  let drained = false;
  for (const d of directors) {
    const f = d.facts;
    if (!f) continue;
    if (address in f.drained) drained = true;
    for (const vs of f.conf?.virtualServers ?? []) {
      for (const r of vs.realServers) {
        if (r.address !== address) continue;
        configuredWeight[d.name] = r.weight;
        if (Number.isInteger(r.port)) ports.add(r.port);
      }
    }
    for (const s of f.ipvs ?? []) {
      for (const r of s.realServers) {
        if (hostOf(r.address) !== address) continue;
        ipvs.push({ director: d.name, service: `${s.protocol} ${s.address}`, weight: r.weight, activeConns: r.activeConns, inactiveConns: r.inactiveConns, conns: r.conns, cps: r.cps });
      }
    }
  }
  return { configuredWeight, ports: [...ports].sort((a, b) => a - b), ipvs, drained };
}

/** Is every port listened on, on any address or a VIP? */
function listensOnAll(listening: readonly { address: string; port: number }[], ports: readonly number[], vips: readonly string[]): boolean {
  return ports.every((p) => listening.some((x) => x.port === p && (['*', '0.0.0.0', '::', ''].includes(x.address) || vips.includes(x.address))));
}

/** A Linux real server's VIPs on lo, the ARP settings of the NIC facing the directors, its listening ports. */
function linuxView(f: LinuxRealServerFacts, address: string, ports: readonly number[], vips: readonly string[]): Pick<RealServerStatus, 'loopbackVips' | 'vipOnLoopback' | 'arp' | 'listening'> {
  const lo = f.addresses.filter((a) => a.iface === 'lo').map((a) => a.address);
  const nic = f.addresses.find((a) => a.address === address)?.iface ?? 'eth0';
  return {
    loopbackVips: lo.filter((a) => vips.includes(a)),
    vipOnLoopback: vips.every((v) => lo.includes(v)),
    arp: { interface: nic, ignore: effective(f.arpIgnore, nic), announce: effective(f.arpAnnounce, nic) },
    listening: listensOnAll(f.listening, ports, vips),
  };
}

/** A Windows real server's VIPs on the loopback adapter, its weak host flags (modern Windows), its listening ports. */
function windowsView(f: WindowsRealServerFacts, ports: readonly number[], vips: readonly string[]): Pick<RealServerStatus, 'loopbackVips' | 'vipOnLoopback' | 'weakHost' | 'listening'> {
  const lo = f.loopback?.addresses ?? [];
  return {
    loopbackVips: lo.filter((a) => vips.includes(a)),
    vipOnLoopback: f.modern ? vips.every((v) => lo.includes(v)) : null,
    weakHost: f.modern
      ? { loopbackSend: f.loopback?.weakHostSend ?? 'missing', loopbackReceive: f.loopback?.weakHostReceive ?? 'missing', nicReceive: f.nic?.weakHostReceive ?? 'unknown' }
      : null,
    listening: f.listening ? listensOnAll(f.listening, ports, vips) : null,
  };
}

/** Hosts (directors: any interface but lo; real servers: any but the loopback) holding each VIP. */
export function vipHolders(
  vips: readonly string[],
  directors: readonly HostRead<DirectorFacts>[],
  realServers: readonly HostRead<RealServerFacts>[],
): { address: string; holders: string[] }[] {
  return vips.map((v) => {
    const holders: string[] = [];
    for (const d of directors) if (d.facts?.addresses.some((a) => a.address === v && a.iface !== 'lo')) holders.push(d.name);
    for (const r of realServers) {
      const f = r.facts;
      if (f?.os === 'linux' && f.addresses.some((a) => a.address === v && a.iface !== 'lo')) holders.push(r.name);
      if (f?.os === 'windows' && f.nic?.addresses.includes(v)) holders.push(r.name);
    }
    return { address: v, holders };
  });
}

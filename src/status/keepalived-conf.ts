/**
 * What status needs from a director's keepalived.conf: VRRP instances (configured state,
 * priority, interface, VIPs) and virtual servers with their real servers and weights — a view of
 * the one keepalived.conf parser (src/formats/keepalived-conf.ts). The host sends the file
 * without comments and without any `auth_pass` line (see `directorScript`), so the VRRP password
 * never leaves the director. Pure; `include` files are not followed.
 */
import { blocksNamed, parseKeepalivedStatements, valueIn, type KeepalivedStatement } from '../formats/keepalived-conf.js';

export interface ConfInstance {
  name: string;
  state: string;
  priority: number | null;
  interface: string;
  /** Bare addresses of `virtual_ipaddress`. */
  vips: string[];
}

export interface ConfRealServer {
  address: string;
  port: number;
  weight: number;
}

export interface ConfVirtualServer {
  /** Address, or `fwmark N`, or `group NAME`. */
  address: string;
  port: number | null;
  protocol: string;
  realServers: ConfRealServer[];
}

export interface ConfSummary {
  /** `lvs_sync_daemon INTERFACE [inst] INSTANCE …` in global_defs, or null. */
  syncDaemon: { interface: string; instance: string } | null;
  instances: ConfInstance[];
  virtualServers: ConfVirtualServer[];
}

function instance(st: KeepalivedStatement): ConfInstance {
  const priority = valueIn(st.block, 'priority');
  return {
    name: st.args[0] ?? '?',
    state: valueIn(st.block, 'state') ?? '',
    priority: priority === undefined ? null : Number(priority),
    interface: valueIn(st.block, 'interface') ?? '',
    vips: blocksNamed(st.block, 'virtual_ipaddress').flatMap((b) => (b.block ?? []).filter((a) => !a.block && a.keyword).map((a) => a.keyword.split('/')[0]!)),
  };
}

function virtualServer(st: KeepalivedStatement): ConfVirtualServer {
  // `virtual_server fwmark N` and `virtual_server group NAME` (a virtual_server_group) have no port
  const fw = st.args[0] === 'fwmark' || st.args[0] === 'group';
  const port = fw ? null : Number(st.args[1] ?? NaN);
  return {
    address: fw ? `${st.args[0]} ${st.args[1] ?? ''}` : (st.args[0] ?? ''),
    port,
    protocol: valueIn(st.block, 'protocol') ?? 'TCP',
    realServers: blocksNamed(st.block, 'real_server').map((rs) => ({
      address: rs.args[0] ?? '',
      port: Number(rs.args[1] ?? port ?? NaN),
      weight: Number(valueIn(rs.block, 'weight') ?? 1),
    })),
  };
}

/** Parses keepalived.conf text (lenient: unknown keywords are skipped with their blocks). */
export function parseKeepalivedConf(text: string): ConfSummary {
  const top = parseKeepalivedStatements(text);
  return { syncDaemon: syncDaemon(top), instances: blocksNamed(top, 'vrrp_instance').map(instance), virtualServers: blocksNamed(top, 'virtual_server').map(virtualServer) };
}

function syncDaemon(top: KeepalivedStatement[]): ConfSummary['syncDaemon'] {
  const st = blocksNamed(top, 'global_defs').flatMap((g) => g.block ?? []).find((s) => s.keyword === 'lvs_sync_daemon');
  if (!st) return null;
  const [iface = '', a = '', b = ''] = st.args;
  return { interface: iface, instance: a === 'inst' ? b : a };
}

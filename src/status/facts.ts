/**
 * Pure parsers of the status scripts' output (src/status/scripts.ts) into facts per host.
 */
import { parseDrainedList } from '../site/drained.js';
import { parseIpvs, type IpvsService } from './ipvs.js';
import { parseKeepalivedConf, type ConfSummary } from './keepalived-conf.js';
import { sections } from './scripts.js';
import { parseConnStates, parseSyncDaemons, type SyncDaemon } from './sync.js';

export interface Address {
  iface: string;
  address: string;
  prefix: number;
}

export interface DirectorFacts {
  keepalived: { running: boolean; pid: number | null; version: string | null };
  conf: ConfSummary | null;
  addresses: Address[];
  /** Interfaces that are down (no LOWER_UP / state DOWN). */
  downLinks: string[];
  /** The IPVS table, or null with the reason (`no IPVS in this kernel …`). */
  ipvs: IpvsService[] | null;
  ipvsUnavailable: string | null;
  /** The IPVS sync daemons and the connection entries per state; null without IPVS. */
  sync: { daemons: SyncDaemon[]; connections: { total: number; byState: Record<string, number> } } | null;
  /** Drained real-server addresses recorded on this director (`lvs-play drain`), with their notes. */
  drained: Record<string, string>;
}

export interface LinuxRealServerFacts {
  os: 'linux';
  addresses: Address[];
  /** `all`, `lo`, `eth0` … → values. */
  arpIgnore: Record<string, number>;
  arpAnnounce: Record<string, number>;
  /** Listening TCP sockets: local address (`*`, `0.0.0.0`, `::` or an IP) and port. */
  listening: { address: string; port: number }[];
}

export interface WindowsRealServerFacts {
  os: 'windows';
  modern: boolean;
  loopback: { addresses: string[]; weakHostSend: string; weakHostReceive: string } | null;
  nic: { addresses: string[]; weakHostSend: string; weakHostReceive: string } | null;
  listening: { address: string; port: number }[] | null;
}

export type RealServerFacts = LinuxRealServerFacts | WindowsRealServerFacts;

/** `ip -o addr show` lines → addresses (IPv4 and IPv6). */
export function parseIpAddr(text: string): Address[] {
  const out: Address[] = [];
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+(\S+?)(?:@\S+)?\s+inet6?\s+([0-9a-fA-F.:]+)\/(\d+)/.exec(line);
    if (m) out.push({ iface: m[1]!, address: m[2]!, prefix: Number(m[3]) });
  }
  return out;
}

function downLinks(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>/.exec(line);
    if (m && m[1] !== 'lo' && !m[2]!.split(',').includes('UP')) out.push(m[1]!);
  }
  return out;
}

export function parseDirector(stdout: string): DirectorFacts {
  const s = sections(stdout);
  const pid = Number.parseInt((s.get('pid') ?? '').trim(), 10);
  const version = /v(\d+(?:\.\d+)+)/.exec(s.get('version') ?? '')?.[1] ?? null;
  const confText = s.get('conf') ?? '';
  const ipvsLine = (s.get('ipvs') ?? '').trim();
  const drained = parseDrainedList(s.get('drained') ?? '');
  return {
    keepalived: { running: Number.isInteger(pid) && pid > 0, pid: Number.isInteger(pid) && pid > 0 ? pid : null, version },
    conf: confText.trim() ? parseKeepalivedConf(confText) : null,
    addresses: parseIpAddr(s.get('addr') ?? ''),
    downLinks: downLinks(s.get('link') ?? ''),
    ipvs: ipvsLine === 'ok' ? parseIpvs(s.get('list') ?? '', s.get('stats') ?? '', s.get('rate') ?? '') : null,
    ipvsUnavailable: ipvsLine === 'ok' ? null : ipvsLine || 'unknown',
    sync: ipvsLine === 'ok' ? { daemons: parseSyncDaemons(s.get('syncd') ?? ''), connections: parseConnStates(s.get('conns') ?? '') } : null,
    drained,
  };
}

/** `0.0.0.0:80`, `*:80`, `[::]:80`, `10.77.0.10:80` → address and port. */
export function parseListenAddress(local: string): { address: string; port: number } | null {
  const m = /^\[?(.*?)\]?(?:%\S+)?:(\d+)$/.exec(local);
  return m ? { address: m[1]!, port: Number(m[2]) } : null;
}

export function parseLinuxRealServer(stdout: string): LinuxRealServerFacts {
  const s = sections(stdout);
  const arpIgnore: Record<string, number> = {};
  const arpAnnounce: Record<string, number> = {};
  for (const line of (s.get('sysctl') ?? '').split('\n')) {
    const m = /^\/proc\/sys\/net\/ipv4\/conf\/([^/]+)\/(arp_ignore|arp_announce) (\d+)$/.exec(line.trim());
    if (m) (m[2] === 'arp_ignore' ? arpIgnore : arpAnnounce)[m[1]!] = Number(m[3]);
  }
  const listening: { address: string; port: number }[] = [];
  for (const line of (s.get('listen') ?? '').split('\n')) {
    // State Recv-Q Send-Q Local:Port Peer:Port
    const cols = line.trim().split(/\s+/);
    const l = cols[3] ? parseListenAddress(cols[3]) : null;
    if (l) listening.push(l);
  }
  return { os: 'linux', addresses: parseIpAddr(s.get('addr') ?? ''), arpIgnore, arpAnnounce, listening };
}

interface WinIf {
  addresses?: string[] | string | null;
  weakHostSend?: string;
  weakHostReceive?: string;
}

function winIf(v: WinIf | null | undefined): WindowsRealServerFacts['loopback'] {
  if (!v) return null;
  const a = v.addresses;
  return { addresses: Array.isArray(a) ? a : a ? [a] : [], weakHostSend: v.weakHostSend ?? '', weakHostReceive: v.weakHostReceive ?? '' };
}

export function parseWindowsRealServer(v: unknown): WindowsRealServerFacts {
  const o = (v ?? {}) as { modern?: boolean; loopback?: WinIf | null; nic?: WinIf | null; listening?: string[] | string | null };
  const l = o.listening;
  const list = l === null || l === undefined ? null : Array.isArray(l) ? l : [l];
  return {
    os: 'windows',
    modern: Boolean(o.modern),
    loopback: winIf(o.loopback),
    nic: winIf(o.nic),
    listening: list
      ? list.flatMap((x) => {
          const [address = '', port = ''] = String(x).split(' ');
          return Number.isInteger(Number(port)) ? [{ address, port: Number(port) }] : [];
        })
      : null,
  };
}

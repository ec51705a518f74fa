/**
 * The rules the firewall role wants, as data: a stable id (the `lvs-play: ID` comment), the
 * iptables rule spec (after the chain name) and the nftables rule text. Pure.
 */
import type { FirewallOptions } from './options.js';

export const COMMENT_PREFIX = 'lvs-play: ';

/** One firewall rule, as iptables arguments and as nftables text, with its stable id. */
export interface FwRule {
  /** Stable and unique; encodes everything the rule matches, so a changed rule is a new id. */
  id: string;
  /** iptables arguments after `-A CHAIN` (with the comment match). */
  ipt: string[];
  /** nftables rule text inside the role's input chain (with the comment). */
  nft: string;
}

interface Match {
  src?: string;
  dst?: string;
  proto?: 'tcp' | 'udp' | '112';
  dport?: number;
  iface?: string;
  established?: boolean;
}

function rule(id: string, m: Match): FwRule {
  const comment = `${COMMENT_PREFIX}${id}`;
  const ipt: string[] = [];
  const nft: string[] = [];
  if (m.iface) {
    ipt.push('-i', m.iface);
    nft.push(`iifname "${m.iface}"`);
  }
  if (m.src) {
    ipt.push('-s', `${m.src}/32`);
    nft.push(`ip saddr ${m.src}`);
  }
  if (m.dst) {
    ipt.push('-d', `${m.dst}/32`);
    nft.push(`ip daddr ${m.dst}`);
  }
  if (m.proto === '112') {
    ipt.push('-p', '112');
    nft.push('ip protocol 112');
  } else if (m.proto) {
    ipt.push('-p', m.proto, '-m', m.proto, '--dport', String(m.dport));
    nft.push(`${m.proto} dport ${m.dport}`);
  }
  if (m.established) {
    ipt.push('-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED');
    nft.push('ct state established,related');
  }
  ipt.push('-m', 'comment', '--comment', comment, '-j', 'ACCEPT');
  nft.push(`accept comment "${comment}"`);
  return { id, ipt, nft: nft.join(' ') };
}

/** The wanted rules, in order: SSH first (so a run can never lock itself out). */
export function firewallRules(o: FirewallOptions): FwRule[] {
  const out: FwRule[] = [rule(`ssh tcp/${o.sshPort}`, { proto: 'tcp', dport: o.sshPort })];
  if (o.defaultDrop) {
    out.push(rule('loopback', { iface: 'lo' }));
    out.push(rule('established', { established: true }));
  }
  for (const proto of ['tcp', 'udp'] as const) {
    for (const p of proto === 'tcp' ? o.tcpPorts : o.udpPorts) {
      if (proto === 'tcp' && p === o.sshPort && o.vips.length === 0) continue; // already open
      if (o.vips.length === 0) out.push(rule(`${proto}/${p}`, { proto, dport: p }));
      for (const vip of o.vips) out.push(rule(`${proto}/${p} to ${vip}`, { proto, dport: p, dst: vip }));
    }
  }
  for (const peer of o.vrrpPeers) out.push(rule(`vrrp from ${peer}`, { src: peer, proto: '112' }));
  if (o.vrrpMulticast) out.push(rule('vrrp to 224.0.0.18', { dst: '224.0.0.18', proto: '112' }));
  const sync = o.lvsSync;
  for (const peer of sync ? [...new Set(sync.peers)] : []) {
    out.push(rule(`ipvs sync from ${peer} to ${sync!.group} udp/${sync!.port}`, { src: peer, dst: sync!.group, proto: 'udp', dport: sync!.port }));
  }
  return out;
}

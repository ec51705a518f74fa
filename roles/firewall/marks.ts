/**
 * Firewall marks for IPVS fwmark services (keepalived `virtual_server fwmark N`): packets to a
 * VIP and port get mark N before routing, in the mangle table's PREROUTING (iptables
 * `-t mangle -A PREROUTING -d VIP -p tcp --dport P -j MARK --set-mark N`) or the role's nftables
 * table (a prerouting chain at mangle priority: `meta mark set N`). Pure.
 */
import { COMMENT_PREFIX, type FwRule } from './rules.js';
import type { FirewallOptions } from './options.js';

/** The iptables chain (in table mangle) of the mark rules. */
export const MARK_CHAIN = 'PREROUTING';

/** One rule per mark entry; its id names the mark, protocol, port and VIP. */
export function markRules(o: Pick<FirewallOptions, 'marks'>): FwRule[] {
  return o.marks.map((m) => {
    const id = `mark ${m.mark} ${m.proto}/${m.port} to ${m.vip}`;
    const comment = `${COMMENT_PREFIX}${id}`;
    return {
      id,
      ipt: ['-t', 'mangle', '-d', `${m.vip}/32`, '-p', m.proto, '-m', m.proto, '--dport', String(m.port), '-m', 'comment', '--comment', comment, '-j', 'MARK', '--set-mark', String(m.mark)],
      nft: `ip daddr ${m.vip} ${m.proto} dport ${m.port} meta mark set ${m.mark} comment "${comment}"`,
    };
  });
}

/** The nftables chain of the marks (none without marks: the table stays as it was). */
export function nftMarkChain(marks: readonly FwRule[]): string[] {
  if (marks.length === 0) return [];
  return ['\tchain prerouting {', '\t\ttype filter hook prerouting priority mangle; policy accept;', ...marks.map((r) => `\t\t${r.nft}`), '\t}'];
}

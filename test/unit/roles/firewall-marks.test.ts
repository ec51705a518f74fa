/** Firewall marks for IPVS fwmark services (keepalived `virtual_server fwmark N`): iptables mangle and nftables. */
import { describe, expect, it } from 'vitest';
import { firewallResources, firewallSchema } from '../../../roles/firewall/index.js';
import { renderNftTable } from '../../../roles/firewall/nftables.js';
import { markRules } from '../../../roles/firewall/marks.js';
import { firewallRules } from '../../../roles/firewall/rules.js';

const o = firewallSchema.parse({ vips: ['10.77.0.10'], tcpPorts: [80, 443], marks: [{ vip: '10.77.0.10', port: 80, mark: 7 }, { vip: '10.77.0.10', port: 443, mark: 7 }] });

describe('firewall: marks for fwmark services', () => {
  it('one mangle PREROUTING rule per VIP and port, with its lvs-play comment', () => {
    expect(markRules(o).map((r) => r.ipt.join(' '))).toEqual([
      '-t mangle -d 10.77.0.10/32 -p tcp -m tcp --dport 80 -m comment --comment lvs-play: mark 7 tcp/80 to 10.77.0.10 -j MARK --set-mark 7',
      '-t mangle -d 10.77.0.10/32 -p tcp -m tcp --dport 443 -m comment --comment lvs-play: mark 7 tcp/443 to 10.77.0.10 -j MARK --set-mark 7',
    ]);
    const ids = firewallResources(o).map((r) => r.id);
    expect(ids).toContain('iptables PREROUTING lvs-play: mark 7 tcp/80 to 10.77.0.10');
    // the marks come after the filter rules and before the prune and the save
    expect(ids.indexOf('iptables PREROUTING lvs-play: mark 7 tcp/443 to 10.77.0.10')).toBeLessThan(ids.indexOf('iptables INPUT prune stale lvs-play rules'));
  });

  it('nftables: a prerouting chain at mangle priority in the role\'s table; none without marks (the table as before)', () => {
    const text = renderNftTable(firewallRules(o), false, markRules(o));
    expect(text).toContain('\tchain prerouting {\n\t\ttype filter hook prerouting priority mangle; policy accept;\n\t\tip daddr 10.77.0.10 tcp dport 80 meta mark set 7 comment "lvs-play: mark 7 tcp/80 to 10.77.0.10"\n');
    expect(renderNftTable(firewallRules(o), false)).toBe(renderNftTable(firewallRules(o), false, []));
    expect(renderNftTable(firewallRules(o), false)).not.toContain('prerouting');
  });

  it('refuses a mark of 0 or a VIP that is no address, naming the field', () => {
    expect(firewallSchema.safeParse({ marks: [{ vip: '10.77.0.10', port: 80, mark: 0 }] }).error?.issues[0]?.path).toEqual(['marks', 0, 'mark']);
    expect(firewallSchema.safeParse({ marks: [{ vip: 'web', port: 80, mark: 1 }] }).error?.issues[0]?.path).toEqual(['marks', 0, 'vip']);
  });
});

import { describe, expect, it } from 'vitest';
import { firewall, firewallResources, firewallSchema, type FirewallInput } from '../../../roles/firewall/index.js';
import { expectedSave, normaliseSave, parseChainRules, planPrune, planRule, planSave, splitRuleLine } from '../../../roles/firewall/iptables.js';
import { planNft, planNftBoot, renderNftTable } from '../../../roles/firewall/nftables.js';
import { firewallRules } from '../../../roles/firewall/rules.js';
import { checkWith } from './fake.js';

const site = { vips: ['10.77.0.10'], tcpPorts: [80], vrrpPeers: ['10.77.0.14', '10.77.0.15'] } satisfies FirewallInput;

/** `iptables -S INPUT` as iptables 1.8.9 prints it, with one rule of ours gone stale and one rule someone else made. */
const CHAIN_S = `-P INPUT ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "lvs-play: ssh tcp/22" -j ACCEPT
-A INPUT -d 10.77.0.10/32 -p tcp -m tcp --dport 443 -m comment --comment "lvs-play: tcp/443 to 10.77.0.10" -j ACCEPT
-A INPUT -s 10.77.0.15/32 -p vrrp -m comment --comment "lvs-play: vrrp from 10.77.0.15" -j ACCEPT
-A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 9090 -m comment --comment "someone else's \\"rule\\"" -j ACCEPT
`;

describe('firewall: rules', () => {
  it('SSH first, then the service ports on the VIP, then VRRP from each peer and to 224.0.0.18', () => {
    const rules = firewallRules(firewallSchema.parse(site));
    expect(rules.map((r) => r.id)).toEqual(['ssh tcp/22', 'tcp/80 to 10.77.0.10', 'vrrp from 10.77.0.14', 'vrrp from 10.77.0.15', 'vrrp to 224.0.0.18']);
    expect(rules[1]?.ipt).toEqual(['-d', '10.77.0.10/32', '-p', 'tcp', '-m', 'tcp', '--dport', '80', '-m', 'comment', '--comment', 'lvs-play: tcp/80 to 10.77.0.10', '-j', 'ACCEPT']);
    expect(rules[2]?.ipt).toEqual(['-s', '10.77.0.14/32', '-p', '112', '-m', 'comment', '--comment', 'lvs-play: vrrp from 10.77.0.14', '-j', 'ACCEPT']);
    expect(rules[2]?.nft).toBe('ip saddr 10.77.0.14 ip protocol 112 accept comment "lvs-play: vrrp from 10.77.0.14"');
  });

  it('defaultDrop adds loopback and established right after SSH, then the DROP policy last-but-persist', () => {
    const o = firewallSchema.parse({ ...site, defaultDrop: true });
    expect(firewallRules(o).slice(0, 3).map((r) => r.id)).toEqual(['ssh tcp/22', 'loopback', 'established']);
    const ids = firewallResources(o).map((r) => r.id);
    expect(ids[0]).toBe('iptables INPUT lvs-play: ssh tcp/22');
    expect(ids.slice(-2)).toEqual(['iptables INPUT policy DROP', 'iptables rules saved for boot']);
  });

  it('lvsSync: the IPVS sync daemon\'s multicast (224.0.0.81 udp/8848 by default) from each other director', () => {
    const rules = firewallRules(firewallSchema.parse({ ...site, lvsSync: { peers: ['10.77.0.15'] } }));
    const sync = rules.filter((r) => r.id.startsWith('ipvs sync'));
    expect(sync.map((r) => r.id)).toEqual(['ipvs sync from 10.77.0.15 to 224.0.0.81 udp/8848']);
    expect(sync[0]?.ipt).toEqual(['-s', '10.77.0.15/32', '-d', '224.0.0.81/32', '-p', 'udp', '-m', 'udp', '--dport', '8848', '-m', 'comment', '--comment', 'lvs-play: ipvs sync from 10.77.0.15 to 224.0.0.81 udp/8848', '-j', 'ACCEPT']);
    expect(sync[0]?.nft).toBe('ip saddr 10.77.0.15 ip daddr 224.0.0.81 udp dport 8848 accept comment "lvs-play: ipvs sync from 10.77.0.15 to 224.0.0.81 udp/8848"');
    const other = firewallRules(firewallSchema.parse({ ...site, lvsSync: { peers: ['10.77.0.15'], group: '239.1.2.3', port: 9000 } }));
    expect(other.map((r) => r.id)).toContain('ipvs sync from 10.77.0.15 to 239.1.2.3 udp/9000');
    expect(firewallSchema.safeParse({ ...site, lvsSync: { peers: ['10.77.0.15'], group: '10.0.0.1' } }).success).toBe(false);
    expect(firewallRules(firewallSchema.parse(site)).some((r) => r.id.startsWith('ipvs sync'))).toBe(false);
  });

  it('a custom SSH port is the first rule', () => {
    expect(firewallRules(firewallSchema.parse({ sshPort: 2222 }))[0]?.ipt.slice(0, 6)).toEqual(['-p', 'tcp', '-m', 'tcp', '--dport', '2222']);
  });
});

describe('firewall: iptables plans from `iptables -C` / `iptables -S` facts', () => {
  const rules = firewallRules(firewallSchema.parse(site));
  it('a missing rule is inserted after the present ones that precede it', () => {
    expect(planRule('INPUT', rules[0]!, 'top', { present: false, before: 0 })?.argv).toEqual(['-w', '-I', 'INPUT', '1', '-p', 'tcp', '-m', 'tcp', '--dport', '22', '-m', 'comment', '--comment', 'lvs-play: ssh tcp/22', '-j', 'ACCEPT']);
    expect(planRule('INPUT', rules[1]!, 'top', { present: false, before: 1 })?.argv.slice(0, 4)).toEqual(['-w', '-I', 'INPUT', '2']);
    expect(planRule('INPUT', rules[1]!, 'append', { present: false, before: 1 })?.argv.slice(0, 3)).toEqual(['-w', '-A', 'INPUT']);
    expect(planRule('INPUT', rules[1]!, 'top', { present: true, before: 1 })).toBeNull();
  });

  it('--check of a rule: the fact output (rc=1 → absent) becomes the exact command', async () => {
    const [, vipRule] = firewallResources(firewallSchema.parse(site));
    const out = await checkWith(vipRule!, 'rc=1\nbefore=1\n');
    expect(out.status).toBe('changed');
    expect(out.message).toBe('iptables -w -I INPUT 2 -d 10.77.0.10/32 -p tcp -m tcp --dport 80 -m comment --comment \'lvs-play: tcp/80 to 10.77.0.10\' -j ACCEPT');
    expect((await checkWith(vipRule!, 'rc=0\nbefore=1\n')).status).toBe('ok');
    const broken = await checkWith(vipRule!, 'rc=2\n', 2, "iptables v1.8.9: Couldn't load match `comment'");
    expect(broken.status).toBe('failed');
    expect(broken.error).toMatch(/iptables rule "tcp\/80 to 10.77.0.10".*Couldn't load match/);
  });

  it('reads iptables -S words back (quotes, escapes) and knows its own rules by comment', () => {
    expect(splitRuleLine('-A INPUT -m comment --comment "a \\"b\\" c" -j ACCEPT')).toEqual(['-A', 'INPUT', '-m', 'comment', '--comment', 'a "b" c', '-j', 'ACCEPT']);
    const cur = parseChainRules(CHAIN_S, 'INPUT');
    expect(cur.policy).toBe('ACCEPT');
    expect(cur.rules.map((r) => r.id)).toEqual(['ssh tcp/22', 'tcp/443 to 10.77.0.10', 'vrrp from 10.77.0.15', null, null]);
  });

  it('prunes only its own stale rules, with the exact -D argv; rules it did not make stay', () => {
    const wanted = rules.map((r) => r.id);
    expect(planPrune('INPUT', wanted, parseChainRules(CHAIN_S, 'INPUT'))).toEqual([
      ['-w', '-D', 'INPUT', '-d', '10.77.0.10/32', '-p', 'tcp', '-m', 'tcp', '--dport', '443', '-m', 'comment', '--comment', 'lvs-play: tcp/443 to 10.77.0.10', '-j', 'ACCEPT'],
    ]);
    expect(planPrune('INPUT', [...wanted, 'tcp/443 to 10.77.0.10'], parseChainRules(CHAIN_S, 'INPUT'))).toBeNull();
  });

  it('persistence compares iptables-save without timestamps and counters, per family', () => {
    const save = '# Generated by iptables-save v1.8.9 on Thu\n*filter\n:INPUT ACCEPT [12:340]\n-A INPUT -p tcp -j ACCEPT\nCOMMIT\n# Completed on Thu\n';
    const file = '# Generated by iptables-save v1.8.9 on Wed\n*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -j ACCEPT\nCOMMIT\n';
    expect(normaliseSave(save)).toBe(normaliseSave(file));
    expect(planSave(undefined, { family: 'debian', save, files: { '/etc/iptables/rules.v4': file } })).toBeNull();
    expect(planSave(undefined, { family: 'debian', save, files: {} })).toEqual({ path: '/etc/iptables/rules.v4' });
    expect(planSave(undefined, { family: 'rhel', save, files: { '/etc/iptables/rules.v4': file } })).toEqual({ path: '/etc/sysconfig/iptables' });
    expect(() => planSave(undefined, { family: 'unknown', save, files: {} })).toThrow(/set persistFile/);
  });
});

describe('firewall: nftables', () => {
  const o = firewallSchema.parse({ ...site, backend: 'nftables' });
  const text = renderNftTable(firewallRules(o), false);
  it('its own table, replaced atomically, SSH first, policy accept', () => {
    expect(text).toBe(`#!/usr/sbin/nft -f
# managed by lvs-play (firewall role): rewritten on every change; other tables are left alone
table inet lvs_play
delete table inet lvs_play
table inet lvs_play {
\tchain input {
\t\ttype filter hook input priority 0; policy accept;
\t\ttcp dport 22 accept comment "lvs-play: ssh tcp/22"
\t\tip daddr 10.77.0.10 tcp dport 80 accept comment "lvs-play: tcp/80 to 10.77.0.10"
\t\tip saddr 10.77.0.14 ip protocol 112 accept comment "lvs-play: vrrp from 10.77.0.14"
\t\tip saddr 10.77.0.15 ip protocol 112 accept comment "lvs-play: vrrp from 10.77.0.15"
\t\tip daddr 224.0.0.18 ip protocol 112 accept comment "lvs-play: vrrp to 224.0.0.18"
\t}
}
`);
    expect(renderNftTable(firewallRules(firewallSchema.parse({ defaultDrop: true, backend: 'nftables' })), true)).toMatch(/policy drop;\n\t\ttcp dport 22 accept/);
  });

  it('reloads when the file differs, the table is missing, or the live table was edited by hand', () => {
    expect(planNft(text, { file: text, live: 'L', stamp: 'L\n' })).toBeNull();
    expect(planNft(text, { file: null, live: null, stamp: null })?.reasons).toEqual(['create the table file', 'table inet lvs_play not loaded']);
    expect(planNft(text, { file: text, live: 'L2', stamp: 'L' })?.reasons).toEqual(['live table inet lvs_play differs from the last load']);
  });

  it('the boot ruleset of the family includes the table file once', () => {
    const deb = '#!/usr/sbin/nft -f\nflush ruleset\n';
    const c = planNftBoot('/etc/nftables.d/lvs-play.nft', { family: 'debian', files: { '/etc/nftables.conf': deb } });
    expect(c).toMatchObject({ write: [{ path: '/etc/nftables.conf', content: `${deb}include "/etc/nftables.d/lvs-play.nft"\n`, mode: 0o755 }], remove: [] });
    // written through the kit's path, checked by nft in its temp file before it goes live
    expect(c?.write[0]?.validate?.('/etc/.nftables.conf.tmp')).toMatch(/^nft -c -f '?\/etc\/\.nftables\.conf\.tmp'?$/);
    expect(planNftBoot('/etc/nftables.d/lvs-play.nft', { family: 'debian', files: { '/etc/nftables.conf': `${deb}include "/etc/nftables.d/lvs-play.nft"\n` } })).toBeNull();
    expect(planNftBoot('/x.nft', { family: 'rhel', files: {} })?.write[0]).toMatchObject({ path: '/etc/sysconfig/nftables.conf', mode: 0o600 });
  });

  it('resources: the table, then the boot include', () => {
    expect(firewallResources(o).map((r) => r.id)).toEqual(['nftables table inet lvs_play', 'nftables boot includes /etc/nftables.d/lvs-play.nft']);
  });
});

describe('firewall: options', () => {
  const bad = (o: unknown): string => {
    try {
      firewall(o as FirewallInput);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  it('names the field and the fix', () => {
    expect(bad({ vips: ['10.77.0.256'] })).toMatch(/firewall\(options\)\.vips\[0\]: invalid value \(got "10\.77\.0\.256"\)\n\s+fix: an IPv4 address/);
    expect(bad({ tcpPorts: [0] })).toMatch(/firewall\(options\)\.tcpPorts\[0\]: invalid value \(got 0\)\n\s+fix: a port is 1-65535/);
    expect(bad({ backend: 'pf' })).toMatch(/backend.*fix: use one of: iptables, nftables/s);
    expect(bad({ vrrpPeers: ['lvs2'] })).toMatch(/vrrpPeers\[0\]: invalid value \(got "lvs2"\)/);
    expect(bad({ chain: 'MY CHAIN' })).toMatch(/chain: invalid value/);
    expect(bad({ chain: 'LVS', defaultDrop: true })).toMatch(/defaultDrop: invalid value.*fix: defaultDrop sets the policy of INPUT/s);
  });
});

describe('iptables persistence in check mode', () => {
  const before = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', '-A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT', 'COMMIT', ''].join('\n');
  const after = [
    '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]',
    '-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "lvs-play: ssh tcp/22" -j ACCEPT',
    '-A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT', 'COMMIT', '',
  ].join('\n');
  const managed = { chain: 'INPUT', ids: ['ssh tcp/22'], prune: true };

  it('predicts that the saved file changes when rules are still to be added (the file holds the old rules)', () => {
    const cur = { family: 'debian' as const, save: before, files: { '/etc/iptables/rules.v4': before } };
    expect(planSave(undefined, cur, managed)).toEqual({ path: '/etc/iptables/rules.v4' });
    expect(expectedSave(before, managed)).toContain('--comment "lvs-play: ssh tcp/22" (added by this run)');
  });

  it('predicts a change when an fwmark rule (table mangle) is still to be added, and none once it is saved', () => {
    const marks = { ...managed, marks: ['mark 1 tcp/80 to 10.77.0.10'] };
    // the saved file holds the filter rules: only the mark is new (before, the check called this "ok" and
    // the real run left the mark out of the boot file, so the second run changed it)
    expect(planSave(undefined, { family: 'debian', save: after, files: { '/etc/iptables/rules.v4': after } }, marks)).toEqual({ path: '/etc/iptables/rules.v4' });
    expect(expectedSave(after, marks)).toBe(after.replace(/\n$/, '\n*mangle\n-A PREROUTING -m comment --comment "lvs-play: mark 1 tcp/80 to 10.77.0.10" (added by this run)\nCOMMIT\n'));
    const mangle = [
      '*mangle', ':PREROUTING ACCEPT [0:0]',
      '-A PREROUTING -d 10.77.0.10/32 -p tcp -m tcp --dport 80 -m comment --comment "lvs-play: mark 1 tcp/80 to 10.77.0.10" -j MARK --set-xmark 0x1/0xffffffff',
      'COMMIT', '',
    ].join('\n');
    const saved = after.replace(/\n$/, `\n${mangle}`);
    expect(planSave(undefined, { family: 'debian', save: saved, files: { '/etc/iptables/rules.v4': saved } }, marks)).toBeNull();
    // a mangle table with other rules: the mark goes before its COMMIT
    const other = after.replace(/\n$/, '\n*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j CONNMARK --restore-mark\nCOMMIT\n');
    expect(expectedSave(other, marks)).toContain('--restore-mark\n-A PREROUTING -m comment --comment "lvs-play: mark 1 tcp/80 to 10.77.0.10" (added by this run)\nCOMMIT');
  });

  it('is ok on a converged host, and a stale rule of ours makes it change (prune)', () => {
    expect(planSave(undefined, { family: 'debian', save: after, files: { '/etc/iptables/rules.v4': after } }, managed)).toBeNull();
    const stale = after.replace('COMMIT', '-A INPUT -p tcp -m tcp --dport 81 -m comment --comment "lvs-play: tcp/81 to 10.77.0.10" -j ACCEPT\nCOMMIT');
    expect(expectedSave(stale, managed)).toBe(after);
    expect(planSave(undefined, { family: 'debian', save: stale, files: { '/etc/iptables/rules.v4': stale } }, managed)).toEqual({ path: '/etc/iptables/rules.v4' });
  });
});

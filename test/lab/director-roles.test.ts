// Integration: director-base, firewall and ipvsadm on the lab directors (lvs1, lvs2), through the
// real engine and ssh. The netns lab kernel has no IPVS: the ipvsadm table is only planned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directorBase } from '../../roles/director-base/index.js';
import { firewall } from '../../roles/firewall/index.js';
import { ipvsadm } from '../../roles/ipvsadm/index.js';
import { play, playbook } from '../../src/dsl/play.js';
import type { Task } from '../../src/types.js';
import type { HostView, RunReport } from '../../src/types.js';
import { ensureLab, failures, onHost, runOnLab, totals } from './support.js';

const VIP = '10.77.0.10';
const DIRECTORS = ['lvs1', 'lvs2'];

const peers = (host: HostView): string[] => host.group('directors').map((h) => h.address);
const pb = (tasks: (host: HostView) => Task[], hosts = 'directors') => playbook('director roles', [play('directors', { hosts }, tasks)]);
const site = pb((host) => [directorBase(), firewall({ vips: [VIP], tcpPorts: [80], vrrpPeers: peers(host) })]);

/** Everything the roles may touch, as one text: sysctls from /proc, iptables -S, file hashes. */
const SNAPSHOT = `for k in ipv4/ip_forward ipv4/conf/all/send_redirects ipv4/conf/default/send_redirects; do printf '%s=' $k; cat /proc/sys/net/$k; done
iptables -S
for f in /etc/sysctl.d/60-lvs-play-director.conf /etc/iptables/rules.v4 /etc/ipvsadm.rules /etc/default/ipvsadm; do
  if [ -f $f ]; then sha256sum $f; else echo "$f absent"; fi
done`;

const RESET = `iptables -P INPUT ACCEPT; iptables -F INPUT
rm -f /etc/sysctl.d/60-lvs-play-director.conf /etc/iptables/rules.v4 /etc/ipvsadm.rules
echo 0 > /proc/sys/net/ipv4/ip_forward
echo 1 > /proc/sys/net/ipv4/conf/all/send_redirects; echo 1 > /proc/sys/net/ipv4/conf/default/send_redirects
nft delete table inet lvs_play 2>/dev/null; rm -f /etc/nftables.d/lvs-play.nft /var/lib/lvs-play/nft-lvs_play.list
[ -f /etc/nftables.conf ] && sed -i '/lvs-play.nft/d' /etc/nftables.conf
:`;

const snapshots = async (): Promise<string[]> => Promise.all(DIRECTORS.map((h) => onHost(h, SNAPSHOT)));
const row = (r: RunReport, host: string, resource: string) => r.results.find((x) => x.host === host && x.resource === resource);

describe('director roles on the lab', () => {
  beforeAll(async () => {
    await ensureLab();
    await Promise.all(DIRECTORS.map((h) => onHost(h, RESET)));
  });
  // leave the hosts as the lab made them, for the other suites
  afterAll(async () => {
    await Promise.all(DIRECTORS.map((h) => onHost(h, RESET)));
  });

  it('check mode first changes nothing, but reports what it would change', async () => {
    const before = await snapshots();
    const r = await runOnLab(site, { check: true });
    expect(failures(r)).toBe('');
    expect(totals(r).changed).toBeGreaterThan(0);
    expect(row(r, 'lvs1', 'sysctl net.ipv4.ip_forward')?.status).toBe('changed');
    expect(row(r, 'lvs1', 'iptables INPUT lvs-play: ssh tcp/22')?.message).toBe(
      "iptables -w -I INPUT 1 -p tcp -m tcp --dport 22 -m comment --comment 'lvs-play: ssh tcp/22' -j ACCEPT",
    );
    expect(await snapshots()).toEqual(before);
  });

  it('applies: sysctls in /proc, rules in iptables -S with SSH first, rules saved; then a second run changes nothing', async () => {
    const r = await runOnLab(site);
    expect(failures(r)).toBe('');
    for (const h of DIRECTORS) {
      expect((await onHost(h, 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/all/send_redirects')).split('\n').slice(0, 2)).toEqual(['1', '0']);
      const rules = (await onHost(h, 'iptables -S INPUT')).trim().split('\n');
      expect(rules).toEqual([
        '-P INPUT ACCEPT',
        '-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "lvs-play: ssh tcp/22" -j ACCEPT',
        '-A INPUT -d 10.77.0.10/32 -p tcp -m tcp --dport 80 -m comment --comment "lvs-play: tcp/80 to 10.77.0.10" -j ACCEPT',
        '-A INPUT -s 10.77.0.14/32 -p vrrp -m comment --comment "lvs-play: vrrp from 10.77.0.14" -j ACCEPT',
        '-A INPUT -s 10.77.0.15/32 -p vrrp -m comment --comment "lvs-play: vrrp from 10.77.0.15" -j ACCEPT',
        '-A INPUT -d 224.0.0.18/32 -p vrrp -m comment --comment "lvs-play: vrrp to 224.0.0.18" -j ACCEPT',
      ]);
      expect(await onHost(h, 'cat /etc/iptables/rules.v4')).toContain('-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "lvs-play: ssh tcp/22" -j ACCEPT');
      expect(await onHost(h, 'cat /etc/sysctl.d/60-lvs-play-director.conf')).toBe(
        'net.ipv4.ip_forward = 1\nnet.ipv4.conf.all.send_redirects = 0\nnet.ipv4.conf.default.send_redirects = 0\n',
      );
    }
    const before = await snapshots();
    const again = await runOnLab(site);
    expect(failures(again)).toBe('');
    expect(totals(again).changed).toBe(0);
    expect(await snapshots()).toEqual(before);
  });

  it('a rule someone else added by hand survives a run; a stale rule of ours is pruned', async () => {
    await onHost('lvs1', 'iptables -A INPUT -p tcp --dport 8080 -j ACCEPT');
    const smaller = pb((host) => [firewall({ vips: [VIP], tcpPorts: [443], vrrpPeers: peers(host) })], 'lvs1');
    const r = await runOnLab(smaller);
    expect(failures(r)).toBe('');
    const rules = await onHost('lvs1', 'iptables -S INPUT');
    expect(rules).toContain('-A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT');
    expect(rules).toContain('lvs-play: tcp/443 to 10.77.0.10');
    expect(rules).not.toContain('lvs-play: tcp/80 to 10.77.0.10');
    // the saved file follows the live rules, the hand-made one included
    expect(await onHost('lvs1', 'cat /etc/iptables/rules.v4')).toContain('--dport 8080 -j ACCEPT');
    const back = await runOnLab(site, { limit: 'lvs1' });
    expect(failures(back)).toBe('');
    expect(await onHost('lvs1', 'iptables -S INPUT')).toContain('-A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT');
  });

  it('an fwmark added to a converged director: --check predicts the boot file, the real run saves the mark, the next run changes nothing', async () => {
    const marked = pb((host) => [firewall({ vips: [VIP], tcpPorts: [80], vrrpPeers: peers(host), marks: [{ vip: VIP, proto: 'tcp', port: 80, mark: 7 }] })], 'lvs1');
    const base = await runOnLab(site, { limit: 'lvs1' });
    expect(failures(base)).toBe('');
    try {
      const check = await runOnLab(marked, { check: true });
      expect(failures(check)).toBe('');
      expect(row(check, 'lvs1', 'iptables rules saved for boot')?.status).toBe('changed');
      const r = await runOnLab(marked);
      expect(failures(r)).toBe('');
      expect(r.results.filter((x) => x.status === 'changed').map((x) => x.resource).sort()).toEqual(check.results.filter((x) => x.status === 'changed').map((x) => x.resource).sort());
      expect(await onHost('lvs1', 'iptables -t mangle -S PREROUTING')).toContain('lvs-play: mark 7 tcp/80 to 10.77.0.10');
      expect(await onHost('lvs1', 'cat /etc/iptables/rules.v4')).toContain('lvs-play: mark 7 tcp/80 to 10.77.0.10');
      const again = await runOnLab(marked);
      expect(failures(again)).toBe('');
      expect(totals(again).changed).toBe(0);
    } finally {
      await onHost('lvs1', 'iptables -t mangle -F PREROUTING');
    }
  });

  it('defaultDrop keeps SSH open: the policy goes to DROP and the next run still gets in', async () => {
    const drop = pb((host) => [firewall({ vips: [VIP], tcpPorts: [80], vrrpPeers: peers(host), defaultDrop: true })], 'lvs2');
    try {
      const r = await runOnLab(drop);
      expect(failures(r)).toBe('');
      const rules = (await onHost('lvs2', 'iptables -S INPUT')).trim().split('\n');
      expect(rules[0]).toBe('-P INPUT DROP');
      expect(rules[1]).toContain('lvs-play: ssh tcp/22');
      const again = await runOnLab(drop);
      expect(failures(again)).toBe('');
      expect(totals(again).changed).toBe(0);
    } finally {
      await onHost('lvs2', 'iptables -P INPUT ACCEPT');
    }
  });

  it('nftables backend: its own table, loaded and idempotent, other tables untouched', async () => {
    await onHost('lvs2', 'nft add table inet other; nft add chain inet other c');
    try {
      const nft = pb((host) => [firewall({ backend: 'nftables', vips: [VIP], tcpPorts: [80], vrrpPeers: peers(host) })], 'lvs2');
      const check = await runOnLab(nft, { check: true });
      expect(failures(check)).toBe('');
      expect(await onHost('lvs2', 'nft list table inet lvs_play >/dev/null 2>&1 && echo loaded || echo none')).toBe('none\n');
      const r = await runOnLab(nft);
      expect(failures(r)).toBe('');
      const table = await onHost('lvs2', 'nft list table inet lvs_play');
      expect(table).toMatch(/tcp dport 22 accept comment "lvs-play: ssh tcp\/22"/);
      expect(table).toMatch(/ip daddr 10\.77\.0\.10 tcp dport 80 accept/);
      expect(await onHost('lvs2', 'nft list table inet other')).toContain('chain c');
      expect(await onHost('lvs2', 'cat /etc/nftables.conf')).toContain('include "/etc/nftables.d/lvs-play.nft"');
      const again = await runOnLab(nft);
      expect(totals(again).changed).toBe(0);
      // a hand edit of the live table is noticed and undone
      await onHost('lvs2', 'nft add rule inet lvs_play input tcp dport 9999 accept');
      const fix = await runOnLab(nft);
      expect(row(fix, 'lvs2', 'nftables table inet lvs_play')?.status).toBe('changed');
      expect(await onHost('lvs2', 'nft list table inet lvs_play')).not.toContain('9999');
    } finally {
      await onHost('lvs2', 'nft delete table inet other; nft delete table inet lvs_play; :');
    }
  });

  it('a keepalived-less director: the VIP as /32 on eth0 with a label, persisted, idempotent', async () => {
    const addr = '10.77.0.99'; // not the lab VIP: keepalived tests own that one
    const vip = pb(() => [directorBase({ installPackages: false, vip: { address: addr, interface: 'eth0' } })], 'lvs2');
    try {
      const r = await runOnLab(vip);
      expect(failures(r)).toBe('');
      expect(await onHost('lvs2', 'ip -o -4 addr show dev eth0')).toMatch(/inet 10\.77\.0\.99\/32 scope global eth0:0/);
      expect(await onHost('lvs2', 'cat /proc/sys/net/ipv4/conf/eth0/send_redirects')).toBe('0\n');
      expect(await onHost('lvs2', 'cat /etc/network/interfaces.d/lvs-play-director-vip')).toContain('auto eth0:0\niface eth0:0 inet static\n    address 10.77.0.99\n');
      expect(totals(await runOnLab(vip)).changed).toBe(0);
    } finally {
      await onHost('lvs2', `ip addr del ${addr}/32 dev eth0; rm -f /etc/network/interfaces.d/lvs-play-director-vip; :`);
    }
  });

  it('ipvsadm install-only: the package, nothing else, idempotent', async () => {
    const only = pb(() => [ipvsadm()]);
    const r = await runOnLab(only);
    expect(failures(r)).toBe('');
    expect(r.results.filter((x) => x.host === 'lvs1').map((x) => x.resource)).toEqual(['pkg ipvsadm']);
    expect(totals(await runOnLab(only)).changed).toBe(0);
  });

  it('ipvsadm with services: --check plans the edits from an empty table and says the kernel lacks IPVS; apply fails clearly', async () => {
    const before = await snapshots();
    const table = pb(() => [
      ipvsadm({
        services: [{ protocol: 'tcp', vip: VIP, port: 80, scheduler: 'wrr', persistence: 300, realServers: [
          { address: '10.77.0.16', forwarding: 'dr', weight: 3 },
          { address: '10.77.0.17', forwarding: 'dr', weight: 1 },
        ] }],
      }),
    ], 'lvs1');
    const check = await runOnLab(table, { check: true });
    expect(failures(check)).toBe('');
    const t = row(check, 'lvs1', 'ipvs table');
    expect(t?.status).toBe('changed');
    expect(t?.message).toMatch(/the kernel lacks IPVS/);
    expect(t?.message).toContain('+ ipvsadm -A -t 10.77.0.10:80 -s wrr -p 300; + ipvsadm -a -t 10.77.0.10:80 -r 10.77.0.16:80 -g -w 3; + ipvsadm -a -t 10.77.0.10:80 -r 10.77.0.17:80 -g -w 1');
    expect(t?.diff?.after).toBe('-A -t 10.77.0.10:80 -s wrr -p 300\n-a -t 10.77.0.10:80 -r 10.77.0.16:80 -g -w 3\n-a -t 10.77.0.10:80 -r 10.77.0.17:80 -g -w 1\n');
    expect(row(check, 'lvs1', 'ipvs table saved for boot')?.message).toBe('write /etc/ipvsadm.rules, write /etc/default/ipvsadm');
    expect(await snapshots()).toEqual(before);
    const real = await runOnLab(table);
    expect(row(real, 'lvs1', 'ipvs table')?.status).toBe('failed');
    expect(row(real, 'lvs1', 'ipvs table')?.error).toMatch(/IPVS is not available in this kernel/);
  });
});

// Integration: linux-realserver on the lab's Linux real servers (rs1, rs2) through the real engine and ssh.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWeb, stopWeb } from '../../src/lab/web.js';
import { linuxRealServer } from '../../roles/linux-realserver/index.js';
import { play, playbook } from '../../src/dsl/play.js';
import type { LinuxRealServerInput } from '../../roles/linux-realserver/options.js';
import type { RunReport } from '../../src/types.js';
import { ensureLab, failures, onHost, runOnLab, totals } from './support.js';

const VIP = '10.77.0.10';
const HOSTS = ['rs1', 'rs2'];
const pb = (o: LinuxRealServerInput, hosts = 'linux_realservers') => playbook('linux real servers', [play('real servers', { hosts }, () => [linuxRealServer(o)])]);

const SNAPSHOT = `ip -o -4 addr show dev lo
for k in all/arp_ignore all/arp_announce lo/arp_ignore lo/arp_announce; do printf '%s=' $k; cat /proc/sys/net/ipv4/conf/$k; done
for f in /etc/sysctl.d/60-lvs-play-realserver.conf /etc/network/interfaces.d/lvs-play-vips; do
  if [ -f $f ]; then sha256sum $f; else echo "$f absent"; fi
done`;
const RESET = `ip addr del ${VIP}/32 dev lo 2>/dev/null
rm -f /etc/sysctl.d/60-lvs-play-realserver.conf /etc/network/interfaces.d/lvs-play-vips
for k in all/arp_ignore all/arp_announce lo/arp_ignore lo/arp_announce; do echo 0 > /proc/sys/net/ipv4/conf/$k; done
:`;
const snapshots = (): Promise<string[]> => Promise.all(HOSTS.map((h) => onHost(h, SNAPSHOT)));
const row = (r: RunReport, host: string, resource: string) => r.results.find((x) => x.host === host && x.resource === resource);

describe('linux-realserver on the lab', () => {
  beforeAll(async () => {
    await ensureLab();
    await Promise.all(HOSTS.map((h) => onHost(h, RESET)));
  });
  // leave the hosts as the lab made them, for the other suites
  afterAll(async () => {
    await Promise.all(HOSTS.map((h) => onHost(h, RESET)));
  });

  const base = pb({ vip: VIP });

  it('check mode changes nothing and says what it would do', async () => {
    const before = await snapshots();
    const r = await runOnLab(base, { check: true });
    expect(failures(r)).toBe('');
    expect(row(r, 'rs1', `address ${VIP}/32 on lo`)?.message).toBe(`ip addr add ${VIP}/32 dev lo label lo:0`);
    expect(row(r, 'rs1', 'persist addresses lvs-play-vips')?.message).toBe('write /etc/network/interfaces.d/lvs-play-vips (ifupdown)');
    expect(await snapshots()).toEqual(before);
  });

  it('applies: the VIP /32 on lo, arp sysctls in /proc, persisted; a second run changes nothing', async () => {
    const r = await runOnLab(base);
    expect(failures(r)).toBe('');
    for (const h of HOSTS) {
      expect(await onHost(h, 'ip addr show lo')).toMatch(new RegExp(`inet ${VIP.replace(/\./g, '\\.')}/32 scope global lo:0`));
      expect(await onHost(h, 'cat /proc/sys/net/ipv4/conf/all/arp_ignore /proc/sys/net/ipv4/conf/all/arp_announce /proc/sys/net/ipv4/conf/lo/arp_ignore /proc/sys/net/ipv4/conf/lo/arp_announce')).toBe('1\n2\n1\n2\n');
      expect(await onHost(h, 'cat /etc/network/interfaces.d/lvs-play-vips')).toContain(`auto lo:0\niface lo:0 inet static\n    address ${VIP}\n    netmask 255.255.255.255\n`);
      expect(await onHost(h, 'cat /etc/sysctl.d/60-lvs-play-realserver.conf')).toBe(
        'net.ipv4.conf.all.arp_ignore = 1\nnet.ipv4.conf.all.arp_announce = 2\nnet.ipv4.conf.lo.arp_ignore = 1\nnet.ipv4.conf.lo.arp_announce = 2\n',
      );
    }
    const before = await snapshots();
    const again = await runOnLab(base);
    expect(failures(again)).toBe('');
    expect(totals(again).changed).toBe(0);
    expect(await snapshots()).toEqual(before);
    const check = await runOnLab(base, { check: true });
    expect(totals(check).changed).toBe(0);
  });

  it('a VIP the options drop leaves lo (check predicts it); one added by hand stays', async () => {
    const two = pb({ vips: [VIP, '10.77.0.12'] }, 'rs2');
    expect(failures(await runOnLab(two))).toBe('');
    await onHost('rs2', 'ip addr add 10.77.0.13/32 dev lo');
    try {
      const one = pb({ vip: VIP }, 'rs2');
      const check = await runOnLab(one, { check: true });
      expect(row(check, 'rs2', 'stale addresses lvs-play-vips on lo')?.message).toBe('ip addr del 10.77.0.12/32 dev lo');
      expect(await onHost('rs2', 'ip -o -4 addr show dev lo')).toContain('10.77.0.12/32');
      const r = await runOnLab(one);
      expect(failures(r)).toBe('');
      expect(row(r, 'rs2', 'stale addresses lvs-play-vips on lo')?.status).toBe('changed');
      const lo = await onHost('rs2', 'ip -o -4 addr show dev lo');
      expect(lo).not.toContain('10.77.0.12/');
      expect(lo).toContain('10.77.0.13/32');
      expect(lo).toContain(`${VIP}/32`);
      expect(await onHost('rs2', 'cat /etc/network/interfaces.d/lvs-play-vips')).not.toContain('10.77.0.12');
      expect(totals(await runOnLab(one)).changed).toBe(0);
    } finally {
      await onHost('rs2', 'ip addr del 10.77.0.13/32 dev lo; ip addr del 10.77.0.12/32 dev lo 2>/dev/null; :');
    }
  });

  it('the listener check fails when nothing listens on the port and passes when a server does', async () => {
    const withCheck = pb({ vip: VIP, tcpPorts: [80] }, 'rs1');
    await stopWeb('rs1'); // the lab's own web server on rs1 (src/lab/web.ts)
    const r = await runOnLab(withCheck);
    expect(row(r, 'rs1', 'listening on tcp 80')?.status).toBe('failed');
    expect(row(r, 'rs1', 'listening on tcp 80')?.error).toMatch(/tcp 10\.77\.0\.10:80: nothing listens on port 80.*checkListeners: false/);
    const pid = (await onHost('rs1', 'cd /tmp && nohup python3 -m http.server 80 >/dev/null 2>&1 </dev/null & echo $!')).trim();
    try {
      await onHost('rs1', 'for i in $(seq 50); do ss -ltn | grep -q ":80 " && exit 0; sleep 0.1; done; exit 1');
      const ok = await runOnLab(withCheck);
      expect(failures(ok)).toBe('');
      expect(totals(ok).changed).toBe(0);
      expect(row(ok, 'rs1', 'listening on tcp 80')?.status).toBe('ok');
      // and the server answers on the VIP inside the host
      expect(await onHost('rs1', `python3 -c "import urllib.request; print(urllib.request.urlopen('http://${VIP}/').status)"`)).toBe('200\n');
    } finally {
      await onHost('rs1', `kill ${pid}; :`);
      await startWeb('rs1');
    }
  });
});

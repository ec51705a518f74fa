import { describe, expect, it } from 'vitest';
import { addressCommands, parseIpAddr, planAddress, planPersist, planStaleAddresses, recordedAddresses, renderIfcfg, renderIfupdown } from '../../../src/kit/addresses.js';
import { linuxRealServer, type LinuxRealServerInput } from '../../../roles/linux-realserver/index.js';
import { missingListeners, parseSsListen } from '../../../roles/linux-realserver/listener.js';
import { checkWith, osLines } from './fake.js';

const IP_LO = `1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
1: lo    inet 10.77.0.11/32 scope global lo:0\\       valid_lft forever preferred_lft forever
`;

const SS = `State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
LISTEN 0      128          0.0.0.0:22         0.0.0.0:*
LISTEN 0      5          127.0.0.1:80         0.0.0.0:*
LISTEN 0      128             [::]:443           [::]:*
LISTEN 0      128       10.77.0.10:8080       0.0.0.0:*
LISTEN 0      128      0.0.0.0%lo:53          0.0.0.0:*
`;

const spec = { address: '10.77.0.10', prefix: 32, interface: 'lo', label: 'lo:0' };

describe('linux-realserver: VIP on lo', () => {
  it('parses `ip -o -4 addr show dev lo`', () => {
    expect(parseIpAddr(IP_LO)).toEqual(['127.0.0.1/8', '10.77.0.11/32']);
  });

  it('adds the VIP as /32 with a label; a wrong prefix is replaced; present is ok', () => {
    const c = planAddress(spec, { exists: true, inet: parseIpAddr(IP_LO) });
    expect(addressCommands(spec, c!)).toEqual(['ip addr add 10.77.0.10/32 dev lo label lo:0']);
    const wrong = planAddress(spec, { exists: true, inet: ['127.0.0.1/8', '10.77.0.10/24'] });
    expect(addressCommands(spec, wrong!)).toEqual(['ip addr del 10.77.0.10/24 dev lo', 'ip addr add 10.77.0.10/32 dev lo label lo:0']);
    expect(planAddress(spec, { exists: true, inet: ['10.77.0.10/32'] })).toBeNull();
    expect(() => planAddress({ ...spec, interface: 'eth9' }, { exists: false, inet: [] })).toThrow(/interface eth9 does not exist/);
  });

  it('persists per family: a Debian ifupdown stanza, RHEL ifcfg files (stale ones removed)', () => {
    const two = [spec, { ...spec, address: '10.77.0.11', label: 'lo:1' }];
    expect(renderIfupdown('lvs-play-vips', two)).toBe(`# managed by lvs-play (lvs-play-vips); do not edit: lvs-play rewrites it

auto lo:0
iface lo:0 inet static
    address 10.77.0.10
    netmask 255.255.255.255

auto lo:1
iface lo:1 inet static
    address 10.77.0.11
    netmask 255.255.255.255
`);
    const deb = planPersist('lvs-play-vips', two, 'auto', { family: 'debian', ifcfgDir: false, files: {} });
    expect(deb?.write.map((w) => w.path)).toEqual(['/etc/network/interfaces.d/lvs-play-vips']);
    const rhelFiles = { '/etc/sysconfig/network-scripts/ifcfg-lo:7': '# managed by lvs-play (x)\n' };
    const rhel = planPersist('lvs-play-vips', [spec], 'auto', { family: 'rhel', ifcfgDir: true, files: rhelFiles });
    expect(rhel).toEqual({ method: 'ifcfg', write: [renderIfcfg('lvs-play-vips', spec)], remove: ['/etc/sysconfig/network-scripts/ifcfg-lo:7'] });
    expect(renderIfcfg('n', spec).content).toBe('# managed by lvs-play (n)\nDEVICE=lo:0\nIPADDR=10.77.0.10\nNETMASK=255.255.255.255\nONBOOT=yes\nNAME=lo:0\n');
    expect(() => planPersist('n', [spec], 'auto', { family: 'rhel', ifcfgDir: false, files: {} })).toThrow(/nmcli/);
    const done = { [deb!.write[0]!.path]: deb!.write[0]!.content };
    expect(planPersist('lvs-play-vips', two, 'auto', { family: 'debian', ifcfgDir: false, files: done })).toBeNull();
  });
});

describe('linux-realserver: VIPs no longer wanted', () => {
  const a = (address: string, n: number) => ({ address, prefix: 32, interface: 'lo', label: `lo:${n}` });
  const debian = { '/etc/network/interfaces.d/lvs-play-vips': renderIfupdown('lvs-play-vips', [a('10.77.0.10', 0), a('10.77.0.11', 1)]) };
  const rhel = Object.fromEntries([a('10.77.0.10', 0), a('10.77.0.11', 1)].map((x) => renderIfcfg('lvs-play-vips', x)).map((f) => [f.path, f.content]));

  it('reads the addresses our boot files bring up (ifupdown stanzas, ifcfg files), on that interface only', () => {
    expect(recordedAddresses(debian, 'lo')).toEqual(['10.77.0.10/32', '10.77.0.11/32']);
    expect(recordedAddresses(rhel, 'lo')).toEqual(['10.77.0.10/32', '10.77.0.11/32']);
    expect(recordedAddresses(debian, 'eth0')).toEqual([]);
    expect(recordedAddresses({}, 'lo')).toEqual([]);
  });

  it('removes a recorded VIP the options dropped; never one added by hand, never a kept one', () => {
    const inet = ['127.0.0.1/8', '10.77.0.10/32', '10.77.0.11/32', '10.77.0.99/32'];
    expect(planStaleAddresses('lo', [a('10.77.0.10', 0)], { inet, files: debian })).toEqual(['10.77.0.11/32']);
    expect(planStaleAddresses('lo', [a('10.77.0.10', 0)], { inet, files: rhel })).toEqual(['10.77.0.11/32']);
    expect(planStaleAddresses('lo', [a('10.77.0.10', 0), a('10.77.0.11', 1)], { inet, files: debian })).toBeNull();
    // no record (first run, or persist 'none' before): nothing is removed
    expect(planStaleAddresses('lo', [a('10.77.0.10', 0)], { inet, files: {} })).toBeNull();
    // recorded but already gone live: nothing to do
    expect(planStaleAddresses('lo', [a('10.77.0.10', 0)], { inet: ['127.0.0.1/8', '10.77.0.10/32'], files: debian })).toBeNull();
  });
});

describe('linux-realserver: listener check', () => {
  const ls = parseSsListen(SS);
  it('parses ss -ltn', () => {
    expect(ls).toEqual([
      { address: '0.0.0.0', port: 22 },
      { address: '127.0.0.1', port: 80 },
      { address: '::', port: 443 },
      { address: '10.77.0.10', port: 8080 },
      { address: '0.0.0.0', port: 53 },
    ]);
  });
  it('a wildcard or the VIP itself serves; localhost only or nothing fails with a clear reason', () => {
    expect(missingListeners(['10.77.0.10'], [22, 443, 8080], ls)).toEqual([]);
    expect(missingListeners(['10.77.0.10'], [80, 81], ls)).toEqual([
      'tcp 10.77.0.10:80: only 127.0.0.1:80 listens, which does not take traffic for the VIP (bind to 0.0.0.0 or 10.77.0.10)',
      'tcp 10.77.0.10:81: nothing listens on port 81',
    ]);
    expect(missingListeners(['10.77.0.11'], [8080], ls)).toHaveLength(1);
  });
  it('the role fails the check (check mode too) with a message naming the port and the way out', async () => {
    const r = linuxRealServer({ vip: '10.77.0.10', tcpPorts: [81] });
    const check = r.resources.at(-1)!;
    expect(check.id).toBe('listening on tcp 81');
    const out = await checkWith(check, SS);
    expect(out.status).toBe('failed');
    expect(out.error).toMatch(/nothing listens on port 81.*checkListeners: false/);
    expect((await checkWith(linuxRealServer({ vip: '10.77.0.10', tcpPorts: [22] }).resources.at(-1)!, SS)).status).toBe('ok');
  });
});

describe('linux-realserver: role', () => {
  it('arp sysctls first, then the VIPs with labels, persistence, the listener check', () => {
    const r = linuxRealServer({ vips: ['10.77.0.10', '10.77.0.11'], tcpPorts: [80] });
    expect(r.resources.map((x) => x.id)).toEqual([
      'sysctl net.ipv4.conf.all.arp_ignore',
      'sysctl net.ipv4.conf.all.arp_announce',
      'sysctl net.ipv4.conf.lo.arp_ignore',
      'sysctl net.ipv4.conf.lo.arp_announce',
      'address 10.77.0.10/32 on lo',
      'address 10.77.0.11/32 on lo',
      'stale addresses lvs-play-vips on lo',
      'persist addresses lvs-play-vips',
      'listening on tcp 80',
    ]);
    expect(linuxRealServer({ vip: '10.77.0.10', persist: 'none', checkListeners: false, tcpPorts: [80] }).resources).toHaveLength(5);
  });

  it('--check of persistence on Debian shows the stanza file', async () => {
    const res = linuxRealServer({ vip: '10.77.0.10' }).resources.find((x) => x.kind === 'persist-addresses')!;
    const out = await checkWith(res, osLines('debian'));
    expect(out.message).toBe('write /etc/network/interfaces.d/lvs-play-vips (ifupdown)');
    expect(out.diff?.after).toMatch(/auto lo:0\niface lo:0 inet static\n {4}address 10\.77\.0\.10/);
  });

  const bad = (o: unknown): string => {
    try {
      linuxRealServer(o as LinuxRealServerInput);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  it('validates before any host: VIP, ports, interface', () => {
    expect(bad({ vip: '10.77.0' })).toMatch(/linux-realserver\(options\)\.vip: invalid value \(got "10\.77\.0"\)\n\s+fix: an IPv4 address in dotted form/);
    expect(bad({ vips: ['127.0.0.1'] })).toMatch(/vips\[0\].*fix: a unicast address/s);
    expect(bad({})).toMatch(/vips: invalid value\n\s+fix: give vips/);
    expect(bad({ vip: '10.77.0.10', tcpPorts: [80.5] })).toMatch(/tcpPorts\[0\]: invalid value \(got 80.5\)\n\s+fix: a whole number/);
    expect(bad({ vip: '10.77.0.10', interface: 'lo; rm -rf /' })).toMatch(/interface.*fix: an interface name/s);
  });
});

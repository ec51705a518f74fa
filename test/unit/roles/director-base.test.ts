import { describe, expect, it } from 'vitest';
import { directorBase, directorPackages, directorSysctls, type DirectorBaseInput } from '../../../roles/director-base/index.js';
import { directorBaseSchema } from '../../../roles/director-base/options.js';
import { checkWith, osLines } from './fake.js';

describe('director-base', () => {
  it('defaults: packages, ip_forward and send_redirects, no net.ipv4.vs.* (ip_vs may be absent)', () => {
    const r = directorBase();
    expect(r.resources.map((x) => x.id)).toEqual([
      'director packages',
      'sysctl net.ipv4.ip_forward',
      'sysctl net.ipv4.conf.all.send_redirects',
      'sysctl net.ipv4.conf.default.send_redirects',
    ]);
  });

  it('package names per family and firewall backend', () => {
    expect(directorPackages({ firewall: 'nftables', extraPackages: [] })).toEqual({ debian: ['ipvsadm', 'iproute2', 'nftables'], rhel: ['ipvsadm', 'iproute', 'nftables'] });
  });

  it('--check on RHEL plans the RHEL names', async () => {
    const pkgs = directorBase().resources[0]!;
    const out = await checkWith(pkgs, `${osLines('rhel')}pkg=0 ipvsadm\npkg=0 iproute2\npkg=1 iptables\npkg=0 iproute\n`);
    expect(out.message).toBe('install ipvsadm iproute (dnf)');
    const deb = await checkWith(pkgs, `${osLines('debian')}pkg=1 ipvsadm\npkg=1 iproute2\npkg=1 iptables\npkg=0 iproute\n`);
    expect(deb.status).toBe('ok');
  });

  it('ipvs sysctls, the module, interfaces and the VIP when asked', () => {
    const o = directorBaseSchema.parse({
      loadIpvsModule: true,
      ipvs: { conntrack: true, expireNodestConn: true },
      interfaces: ['eth0'],
      sysctlFile: '/etc/sysctl.conf',
      vip: { address: '10.77.0.10', interface: 'eth0' },
    });
    expect(directorSysctls(o)).toEqual([
      ['net.ipv4.ip_forward', 1],
      ['net.ipv4.conf.all.send_redirects', 0],
      ['net.ipv4.conf.default.send_redirects', 0],
      ['net.ipv4.conf.eth0.send_redirects', 0],
      ['net.ipv4.vs.conntrack', 1],
      ['net.ipv4.vs.expire_nodest_conn', 1],
    ]);
    const ids = directorBase({ loadIpvsModule: true, vip: { address: '10.77.0.10', interface: 'eth0' } }).resources.map((x) => x.id);
    expect(ids).toContain('address 10.77.0.10/32 on eth0');
    expect(ids).toContain('persist addresses lvs-play-director-vip');
    expect(ids).toContain('file /etc/modules-load.d/lvs-play-ipvs.conf');
  });

  const bad = (o: unknown): string => {
    try {
      directorBase(o as DirectorBaseInput);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  it('validates before any host', () => {
    expect(bad({ ipvs: { conntrack: true } })).toMatch(/director-base\(options\)\.ipvs: invalid value.*fix: net\.ipv4\.vs\.\* sysctls exist only while ip_vs is loaded: set loadIpvsModule: true/s);
    expect(bad({ vip: { address: '10.77.0.10/32', interface: 'eth0' } })).toMatch(/vip\.address: invalid value \(got "10\.77\.0\.10\/32"\)/);
    expect(bad({ vip: { address: '10.77.0.10', interface: 'eth0', label: 'lo:0' } })).toMatch(/vip\.label.*must start with the interface name eth0/s);
    expect(bad({ firewall: 'pf' })).toMatch(/firewall.*use one of: iptables, nftables, none/s);
    expect(bad({ sysctlFile: 'sysctl.conf' })).toMatch(/sysctlFile.*absolute file path/s);
  });
});

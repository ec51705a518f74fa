import { describe, expect, it } from 'vitest';
import { ipvsadm, ipvsadmResources, ipvsadmSchema, type IpvsadmInput } from '../../../roles/ipvsadm/index.js';
import { ipvsPersist, ipvsTable, planIpvs, planIpvsPersist, type IpvsState, type PersistState } from '../../../roles/ipvsadm/resources.js';
import { parseIpvsadmSave } from '../../../roles/ipvsadm/parse.js';
import type { VirtualService } from '../../../roles/ipvsadm/model.js';
import { converge } from '../../../src/run/converge.js';
import { SITE, SITE_PLUS_EXTRA, siteDesired } from '../ipvsadm/fixtures.js';
import { b64, checkWith, FakeHost, osLines } from './fake.js';

const loaded = (text: string): IpvsState => ({ ipvs: 'loaded', tool: true, services: parseIpvsadmSave(text) });

function site(weight17 = 1): VirtualService[] {
  const d = siteDesired();
  d[0]!.realServers[1]!.weight = weight17;
  return d;
}

describe('ipvsadm: planned commands from `ipvsadm -S -n` facts', () => {
  it('empty table → -A then -a per real server, exact argv', () => {
    const c = planIpvs(site(), false, loaded(''));
    expect(c?.argv).toEqual([
      ['-A', '-t', '10.77.0.10:80', '-s', 'wrr', '-p', '300'],
      ['-a', '-t', '10.77.0.10:80', '-r', '10.77.0.16:80', '-g', '-w', '3'],
      ['-a', '-t', '10.77.0.10:80', '-r', '10.77.0.17:80', '-g', '-w', '1'],
    ]);
    expect(c?.note).toBeUndefined();
  });

  it('converged table → nothing to do', () => {
    expect(planIpvs(site(), false, loaded(SITE))).toBeNull();
  });

  it('a weight change → one -e; an unmanaged service is left alone unless purge', () => {
    expect(planIpvs(site(2), false, loaded(SITE_PLUS_EXTRA))?.argv).toEqual([
      ['-e', '-t', '10.77.0.10:80', '-r', '10.77.0.17:80', '-g', '-w', '2'],
    ]);
    expect(planIpvs(site(), true, loaded(SITE_PLUS_EXTRA))?.argv).toEqual([['-D', '-t', '10.77.0.10:8080']]);
  });

  it('a kernel without IPVS plans from an empty table and says so', () => {
    const c = planIpvs(site(), false, { ipvs: 'missing', tool: true, services: [] });
    expect(c?.argv).toHaveLength(3);
    expect(c?.note).toMatch(/kernel lacks IPVS/);
  });

  it('--check shows the edits (message) and the table before → after (diff)', async () => {
    const [, table] = ipvsadmResources(ipvsadmSchema.parse({ services: site(2) }));
    const out = await checkWith(table!, `tool=1\nipvs=loaded\ntable=${b64(SITE)}\n`);
    expect(out.status).toBe('changed');
    expect(out.message).toBe('1 edit(s): ~ ipvsadm -e -t 10.77.0.10:80 -r 10.77.0.17:80 -g -w 2');
    expect(out.diff?.before).toBe(SITE);
    expect(out.diff?.after).toBe(SITE.replace('10.77.0.17:80 -g -w 1', '10.77.0.17:80 -g -w 2'));
  });

  it('--check on the netns lab kernel (no /proc/net/ip_vs) plans everything and names the cause', async () => {
    const out = await checkWith(ipvsTable(site(), false), 'tool=1\nipvs=missing\n');
    expect(out.status).toBe('changed');
    expect(out.message).toMatch(/^the kernel lacks IPVS .*planned from an empty table; applying will fail; 3 edit\(s\): \+ ipvsadm -A -t 10\.77\.0\.10:80 -s wrr -p 300; /);
    expect(out.diff?.before).toBe('');
    expect(out.diff?.after).toBe(SITE);
  });

  it('apply on a kernel without IPVS fails with a clear error and runs no ipvsadm edit', async () => {
    const t = new FakeHost((cmd) => (cmd.includes('modprobe ip_vs') && !cmd.includes('-n -q') ? { code: 1, stdout: '', stderr: 'modprobe: FATAL: Module ip_vs not found' } : { code: 0, stdout: 'tool=1\nipvs=missing\n', stderr: '' }));
    const out = await converge(ipvsTable(site(), false), t, { check: false });
    expect(out.status).toBe('failed');
    expect(out.error).toMatch(/IPVS is not available in this kernel.*Module ip_vs not found/);
    expect(t.ran.some((c) => c.startsWith('ipvsadm -A'))).toBe(false);
  });

  it('apply runs each argv quoted through sh', async () => {
    const t = new FakeHost((cmd) => ({ code: 0, stdout: cmd.includes('tool=') ? 'tool=1\nipvs=loaded\n' : '', stderr: '' }));
    await ipvsTable(site(), false).apply(t, planIpvs(site(), false, loaded(''))!);
    expect(t.ran.filter((c) => c.startsWith('ipvsadm '))).toEqual([
      'ipvsadm -A -t 10.77.0.10:80 -s wrr -p 300',
      'ipvsadm -a -t 10.77.0.10:80 -r 10.77.0.16:80 -g -w 3',
      'ipvsadm -a -t 10.77.0.10:80 -r 10.77.0.17:80 -g -w 1',
    ]);
  });
});

describe('ipvsadm: persistence', () => {
  const base = (family: 'debian' | 'rhel', files: Record<string, string> = {}, enabled: boolean | null = null): PersistState => ({
    family, systemd: family === 'rhel', ipvs: loaded(''), files, enabled,
  });

  it('Debian: /etc/ipvsadm.rules and AUTO="true" in /etc/default/ipvsadm', () => {
    const c = planIpvsPersist(site(), false, base('debian', { '/etc/default/ipvsadm': 'AUTO="false"\nDAEMON="none"\n' }));
    expect(c?.write).toMatchObject([
      { path: '/etc/ipvsadm.rules', content: SITE, mode: 0o644 },
      { path: '/etc/default/ipvsadm', content: 'AUTO="true"\nDAEMON="none"\n', mode: 0o644 },
    ]);
    // the sourced defaults file is syntax-checked in its temp file before it goes live
    expect(c?.write[1]?.validate?.('/etc/.ipvsadm.tmp')).toMatch(/^sh -n '?\/etc\/\.ipvsadm\.tmp'?$/);
    expect(planIpvsPersist(site(), false, base('debian', { '/etc/ipvsadm.rules': SITE, '/etc/default/ipvsadm': 'AUTO="true"\n' }))).toBeNull();
  });

  it('RHEL: /etc/sysconfig/ipvsadm and ipvsadm.service enabled', () => {
    const c = planIpvsPersist(site(), false, base('rhel', {}, false));
    expect(c).toEqual({ write: [{ path: '/etc/sysconfig/ipvsadm', content: SITE, mode: 0o600 }], remove: [], enable: 'systemctl' });
    expect(planIpvsPersist(site(), false, base('rhel', { '/etc/sysconfig/ipvsadm': SITE }, true))).toBeNull();
  });

  it('keeps unmanaged live services in the rules file unless purge', () => {
    const cur = { ...base('rhel', {}, true), ipvs: loaded(SITE_PLUS_EXTRA) };
    expect(planIpvsPersist(site(), false, cur)?.write[0]?.content).toBe(SITE_PLUS_EXTRA);
    expect(planIpvsPersist(site(), true, cur)?.write[0]?.content).toBe(SITE);
  });

  it('--check of the persist resource reads os facts and files from one fact', async () => {
    const out = await checkWith(ipvsPersist(site(), false), `${osLines('debian')}tool=1\nipvs=missing\n`);
    expect(out.status).toBe('changed');
    expect(out.message).toBe('write /etc/ipvsadm.rules, write /etc/default/ipvsadm');
  });
});

describe('ipvsadm: options', () => {
  it('install-only by default (no services): just the package', () => {
    const r = ipvsadm();
    expect(r.resources.map((x) => x.id)).toEqual(['pkg ipvsadm']);
    expect(ipvsadm({ services: site() }).resources.map((x) => x.id)).toEqual(['pkg ipvsadm', 'ipvs table', 'ipvs table saved for boot']);
    expect(ipvsadm({ services: site(), persist: false }).resources.map((x) => x.id)).toEqual(['pkg ipvsadm', 'ipvs table']);
  });

  const bad = (o: unknown): string => {
    try {
      ipvsadm(o as IpvsadmInput);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };

  it('invalid IP, unknown scheduler, duplicate real server, bad port: field and fix named, before any host', () => {
    const svc = site()[0]!;
    expect(bad({ services: [{ ...svc, vip: '10.77.0.300' }] })).toMatch(/ipvsadm\(options\)\.services\[0\]\.vip: invalid IP address \(got "10\.77\.0\.300"\)\n\s+fix: give an IPv4/);
    expect(bad({ services: [{ ...svc, scheduler: 'fastest' }] })).toMatch(/services\[0\]\.scheduler: unknown scheduler \(got "fastest"\)\n\s+fix: use one of: rr, wrr/);
    expect(bad({ services: [{ ...svc, realServers: [svc.realServers[0], svc.realServers[0]] }] })).toMatch(/services\[0\]\.realServers\[1\]: duplicate real server 10\.77\.0\.16:80/);
    expect(bad({ services: [{ ...svc, port: 70000 }] })).toMatch(/services\[0\]\.port: port out of range \(got 70000\)/);
    expect(bad({ manage: 'install-only', services: site() })).toMatch(/ipvsadm\(options\)\.manage: services are given but manage is "install-only"/);
    expect(bad({ manage: 'everything' })).toMatch(/ipvsadm\(options\)\.manage: invalid value \(got "everything"\)\n\s+fix: use one of: table, install-only/);
    expect(bad({ servics: [] })).toMatch(/remove servics \(unknown option\)/);
  });
});

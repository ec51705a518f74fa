import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/status/collect.js';
import { parseDirector, parseLinuxRealServer, parseWindowsRealServer } from '../../../src/status/facts.js';
import { parseIpvs } from '../../../src/status/ipvs.js';
import { parseKeepalivedConf } from '../../../src/status/keepalived-conf.js';
import { renderStatus } from '../../../src/status/render.js';
import { directorScript, linuxRealServerScript } from '../../../src/status/scripts.js';
import { CONF, IPVS_LIST, IPVS_RATE, IPVS_STATS, directorOut, linuxRsOut } from './fixtures.js';

const ids = (r: ReturnType<typeof buildReport>) => r.problems.map((p) => `${p.id}${p.host ? `@${p.host}` : ''}`).sort();

function report(o: { lvs1?: Parameters<typeof directorOut>[0]; lvs2?: Parameters<typeof directorOut>[0] | null; rs1?: Parameters<typeof linuxRsOut>[0]; rs2?: Parameters<typeof linuxRsOut>[0] } = {}) {
  const d = (name: string, address: string, out: string | null) => ({ name, address, facts: out === null ? null : parseDirector(out), error: out === null ? 'connect ETIMEDOUT' : null });
  const r = (name: string, address: string, out: string) => ({ name, address, os: 'linux' as const, facts: parseLinuxRealServer(out), error: null });
  return buildReport({
    directors: [
      d('lvs1', '10.77.0.14', directorOut({ vip: true, ...o.lvs1 })),
      d('lvs2', '10.77.0.15', o.lvs2 === null ? null : directorOut({ pid: 2345, ...o.lvs2 })),
    ],
    realServers: [r('rs1', '10.77.0.16', linuxRsOut(o.rs1)), r('rs2', '10.77.0.17', linuxRsOut({ address: '10.77.0.17', ...o.rs2 }))],
    inventoryVips: ['10.77.0.10'],
    inventory: 'inventory/lab.ts',
    takenAt: '2026-11-29T06:40:12.000Z',
    durationMs: 420,
  });
}

describe('status: parsers', () => {
  it('ipvsadm -Ln, --stats and --rate merge per real server', () => {
    const [s] = parseIpvs(IPVS_LIST, IPVS_STATS, IPVS_RATE);
    expect(s).toMatchObject({ protocol: 'TCP', address: '10.77.0.10:80', scheduler: 'wrr', flags: '' });
    expect(s!.realServers[0]).toEqual({
      address: '10.77.0.16:80', forward: 'Route', weight: 3, activeConns: 2, inactiveConns: 40,
      conns: 150, inPkts: 1050, outPkts: 0, inBytes: 67500, outBytes: 0, cps: 15, inPps: 105, outPps: 0, inBps: 6750, outBps: 0,
    });
  });

  it('persistent services, IPv6 and fwmark lines', () => {
    const s = parseIpvs('TCP  10.0.0.1:443 sh persistent 300\n  -> 10.0.0.2:443 Route 0 1 2\nTCP  [2001:db8::1]:80 rr\n  -> [2001:db8::2]:80 Route 1 0 0\nFWM  7 wrr\n');
    expect(s.map((x) => [x.address, x.scheduler, x.flags, x.realServers.length])).toEqual([['10.0.0.1:443', 'sh', 'persistent 300', 1], ['[2001:db8::1]:80', 'rr', '', 1], ['7', 'wrr', '', 0]]);
  });

  it('keepalived.conf: instances, VIPs, real servers and weights (auth lines never sent)', () => {
    expect(parseKeepalivedConf(CONF)).toEqual({
      syncDaemon: null,
      instances: [{ name: 'VI_1', state: 'MASTER', priority: 150, interface: 'eth0', vips: ['10.77.0.10'] }],
      virtualServers: [{ address: '10.77.0.10', port: 80, protocol: 'TCP', realServers: [{ address: '10.77.0.16', port: 80, weight: 3 }, { address: '10.77.0.17', port: 80, weight: 1 }] }],
    });
    expect(directorScript()).toContain("-e '/auth_pass/d'");
  });

  it('keepalived.conf with two instances and a virtual_server_group (vip_groups): each instance, the group service without a port', () => {
    const conf = `vrrp_instance VI_a {\n state MASTER\n interface eth0\n priority 150\n virtual_ipaddress {\n  10.77.0.10/32 dev eth0\n }\n}\nvrrp_instance VI_b {\n state BACKUP\n interface eth0\n priority 100\n virtual_ipaddress {\n  10.77.0.11/32 dev eth0\n }\n}\nvirtual_server_group VI_a_80 {\n 10.77.0.10 80\n}\nvirtual_server group VI_a_80 {\n protocol TCP\n real_server 10.77.0.16 80 {\n  weight 2\n }\n}\n`;
    expect(parseKeepalivedConf(conf)).toEqual({
      instances: [{ name: 'VI_a', state: 'MASTER', priority: 150, interface: 'eth0', vips: ['10.77.0.10'] }, { name: 'VI_b', state: 'BACKUP', priority: 100, interface: 'eth0', vips: ['10.77.0.11'] }],
      virtualServers: [{ address: 'group VI_a_80', port: null, protocol: 'TCP', realServers: [{ address: '10.77.0.16', port: 80, weight: 2 }] }],
      syncDaemon: null,
    });
  });

  it('the host scripts only read: no redirection into files, no temp files, no signals', () => {
    for (const s of [directorScript(), linuxRealServerScript()]) {
      expect(s).not.toMatch(/>\s*(?!&|\/dev\/null)\S/); // output goes only to stdout, stderr or /dev/null
      expect(s).not.toMatch(/mktemp|\bkill\b|modprobe|\brm\b|--signum|ipvsadm -[AaEeDdCR]\b|sysctl -w|\btee\b|\bip (addr|link) (add|del|set)/);
    }
  });

  it('Windows facts tolerate single values and missing cmdlets', () => {
    expect(parseWindowsRealServer({ modern: true, loopback: { addresses: '10.77.0.10', weakHostSend: 'enabled', weakHostReceive: 'enabled' }, nic: null, listening: '0.0.0.0 80' })).toMatchObject({
      loopback: { addresses: ['10.77.0.10'] },
      listening: [{ address: '0.0.0.0', port: 80 }],
    });
    expect(parseWindowsRealServer({ modern: false }).listening).toBeNull();
  });
});

describe('status: problems', () => {
  it('a healthy cluster: lvs1 MASTER, lvs2 BACKUP, both real servers weighted, no problem', () => {
    const r = report();
    expect(r.directors.map((d) => [d.name, d.instances[0]?.state, d.instances[0]?.priority])).toEqual([['lvs1', 'MASTER', 150], ['lvs2', 'BACKUP', 150]]);
    expect(r.vips).toEqual([{ address: '10.77.0.10', holders: ['lvs1'] }]);
    expect(r.realServers.map((x) => [x.name, x.ipvs.map((l) => `${l.director} w${l.weight} ${l.activeConns}/${l.inactiveConns}`)])).toEqual([
      ['rs1', ['lvs1 w3 2/40', 'lvs2 w3 2/40']],
      ['rs2', ['lvs1 w1 0/13', 'lvs2 w1 0/13']],
    ]);
    expect(r.problems).toEqual([]);
  });

  it('both MASTER and the VIP on two hosts', () => {
    expect(ids(report({ lvs2: { vip: true } }))).toEqual(['two-masters', 'vip-on-two-hosts']);
  });

  it('neither MASTER', () => {
    expect(ids(report({ lvs1: { vip: false } }))).toEqual(['no-master']);
  });

  it('a killed MASTER keepalived: lvs2 MASTER, lvs1 STOPPED still holding the VIP', () => {
    const r = report({ lvs1: { pid: null }, lvs2: { vip: true } });
    expect(r.directors.map((d) => d.instances[0]?.state)).toEqual(['STOPPED', 'MASTER']);
    expect(ids(r)).toEqual(['keepalived-down@lvs1', 'vip-on-two-hosts']);
  });

  it("the BACKUP's IPVS table differs from the MASTER's", () => {
    const r = report({ lvs2: { list: IPVS_LIST.replace(/  -> 10\.77\.0\.17.*\n/, '') } });
    expect(ids(r)).toEqual(['ipvs-differs@lvs2']);
    expect(r.problems[0]!.message).toContain('missing "TCP 10.77.0.10:80 -> 10.77.0.17:80 Route w1"');
  });

  it('a real server up but missing from IPVS, or at weight 0 (unless drained)', () => {
    const missing = IPVS_LIST.replace(/  -> 10\.77\.0\.17.*\n/, '');
    expect(ids(report({ lvs1: { list: missing }, lvs2: { list: missing } }))).toEqual(['rs-missing@rs2']);
    const zero = IPVS_LIST.replace('Route   1 ', 'Route   0 ');
    expect(ids(report({ lvs1: { list: zero }, lvs2: { list: zero } }))).toEqual(['rs-weight-0@rs2']);
    expect(ids(report({ lvs1: { list: zero, drained: '10.77.0.17 host=rs2' }, lvs2: { list: zero, drained: '10.77.0.17 host=rs2' } }))).toEqual([]);
  });

  it('a stopped real server, one answering ARP for the VIP, one without the VIP', () => {
    expect(ids(report({ rs2: { listen80: false } }))).toEqual(['rs-down@rs2']);
    expect(ids(report({ rs1: { arpIgnore: 0 } }))).toEqual(['rs-answers-arp@rs1']);
    expect(ids(report({ rs1: { vipOnLo: false } }))).toEqual(['rs-no-vip@rs1']);
  });

  it('no IPVS (the netns lab): said so, no IPVS problem, states still named', () => {
    const r = report({ lvs1: { ipvs: null }, lvs2: { ipvs: null } });
    expect(r.problems).toEqual([]);
    expect(r.directors[1]!.ipvs).toEqual({ available: false, reason: 'no IPVS in this kernel (ip_vs is not loaded)', services: [] });
    expect(renderStatus(r)).toContain('IPVS: not available on the directors');
  });

  it('an unreachable director is a problem', () => {
    expect(ids(report({ lvs2: null }))).toEqual(['unreachable@lvs2']);
  });
});

describe('status: rendering', () => {
  it('plain text without color codes; colors only when asked', () => {
    const r = report({ rs2: { listen80: false } });
    const plain = renderStatus(r);
    expect(plain).not.toContain('\u001b[');
    expect(plain).toMatch(/lvs1\s+10\.77\.0\.14\s+v2\.2\.7 pid 1234\s+MASTER prio 150\s+10\.77\.0\.10/);
    expect(plain).toMatch(/10\.77\.0\.16:80\s+Route\s+3\s+2\s+40\s+150\s+15/);
    expect(plain).toContain('PROBLEMS (1)');
    expect(plain).toContain('fix: start the service on rs2');
    expect(renderStatus(r, true)).toContain('\u001b[32mMASTER\u001b[0m');
  });
});

describe('status: command line', () => {
  it('--watch takes an optional number of seconds (default 2)', async () => {
    const { parseStatusArgs } = await import('../../../src/cli/status.js');
    expect(parseStatusArgs(['-i', 'lab'])).toMatchObject({ inventory: 'lab', watch: null });
    expect(parseStatusArgs(['-i', 'lab', '--watch'])).toMatchObject({ watch: 2 });
    expect(parseStatusArgs(['--watch', '5', '-i', 'lab', '--json', 'x.json'])).toMatchObject({ watch: 5, json: 'x.json' });
    expect(parseStatusArgs(['--watch', '-i', 'lab'])).toMatchObject({ watch: 2, inventory: 'lab' });
    expect(() => parseStatusArgs(['--watch', '0.1', '-i', 'lab'])).toThrow(/--watch takes seconds/);
    expect(() => parseStatusArgs([])).toThrow(/no inventory given/);
  });
});

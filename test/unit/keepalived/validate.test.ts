import { describe, expect, it } from 'vitest';
import type { LvsError } from '../../../src/errors.js';
import { validateDirectorPair, validateKeepalived } from '../../../roles/keepalived/validate.js';
import type { KeepalivedConfig } from '../../../roles/keepalived/model.js';
import { errorsOf, fullConfig, siteConfig } from './fixtures.js';

const where = { file: 'inventory/prod.ts', field: 'keepalived' };

function one(edit: (c: KeepalivedConfig) => void, field: string, value?: unknown): LvsError {
  const cfg = siteConfig('lvs1');
  edit(cfg);
  const errs = errorsOf(() => validateKeepalived(cfg, where));
  expect(errs.map((e) => e.message)).toHaveLength(1);
  const e = errs[0]!;
  expect(e.detail).toMatchObject({ file: 'inventory/prod.ts', field });
  if (value !== undefined) {
    expect(e.detail.value).toEqual(value);
    expect(e.message).toContain(`(got ${JSON.stringify(value)})`);
  }
  expect(e.message).toContain(`inventory/prod.ts: ${field}: `);
  expect(e.detail.fix).toBeTruthy();
  expect(e.message).toContain('\n  fix: ');
  return e;
}

const inst = (c: KeepalivedConfig) => c.vrrpInstances[0]!;
const vs = (c: KeepalivedConfig) => c.virtualServers[0]!;
const I = 'keepalived.vrrpInstances[0]';
const V = 'keepalived.virtualServers[0]';

describe('validateKeepalived', () => {
  it('accepts the reference site and the full config', () => {
    expect(validateKeepalived(siteConfig('lvs1'), where)).toEqual(siteConfig('lvs1'));
    expect(validateKeepalived(fullConfig(), where)).toEqual(fullConfig());
  });

  it('virtual_router_id 1–255', () => {
    one((c) => (inst(c).virtualRouterId = 0), `${I}.virtualRouterId`, 0);
    const e = one((c) => (inst(c).virtualRouterId = 256), `${I}.virtualRouterId`, 256);
    expect(e.detail.fix).toContain('from 1 to 255');
  });

  it('priority 1–254, 255 only for the address owner', () => {
    one((c) => (inst(c).priority = 0), `${I}.priority`, 0);
    const e = one((c) => (inst(c).priority = 255), `${I}.priority`, 255);
    expect(e.detail.fix).toContain('addressOwner: true');
    expect(validateKeepalived({ ...siteConfig('lvs1'), vrrpInstances: [{ ...inst(siteConfig('lvs1')), priority: 255, addressOwner: true }] }, where)).toBeTruthy();
    one((c) => Object.assign(inst(c), { addressOwner: true, priority: 200 }), `${I}.priority`, 200);
  });

  it('advert_int above 0', () => {
    one((c) => (inst(c).advertInt = 0), `${I}.advertInt`, 0);
  });

  it('auth_pass at most 8 bytes, never echoed', () => {
    const e = one((c) => (inst(c).authentication = { type: 'PASS', pass: 'sup3rsecret' }), `${I}.authentication.pass`);
    expect(e.message).toContain('auth_pass is longer than 8 bytes');
    expect(e.message).not.toMatch(/\b11\b/);
    expect(e.message).not.toContain('sup3rsecret');
    expect(e.detail.value).toBeUndefined();
    expect(e.detail.fix).toContain('8 bytes');
    // Bytes, not characters.
    const cfg = siteConfig('lvs1');
    inst(cfg).authentication = { type: 'PASS', pass: 'päss€wd' };
    const errs = errorsOf(() => validateKeepalived(cfg, where));
    expect(errs.map((x) => x.message.split('\n')[0])).toEqual([
      `inventory/prod.ts: ${I}.authentication.pass: auth_pass is longer than 8 bytes`,
      `inventory/prod.ts: ${I}.authentication.pass: auth_pass has characters keepalived.conf cannot hold as one word`,
    ]);
  });

  it('auth_pass characters keepalived cannot hold, and empty ones, are refused without echo', () => {
    for (const pass of ['a b', 'ab#c', '"x"', '']) {
      const e = one((c) => (inst(c).authentication = { type: 'PASS', pass }), `${I}.authentication.pass`);
      expect(e.detail.value).toBeUndefined();
      if (pass) expect(e.message).not.toContain(pass);
    }
  });

  it('a wrongly typed auth_pass is not echoed either', () => {
    const cfg = siteConfig('lvs1') as unknown as { vrrpInstances: { authentication: { pass: unknown } }[] };
    cfg.vrrpInstances[0]!.authentication.pass = 12345678;
    const errs = errorsOf(() => validateKeepalived(cfg, where));
    expect(errs[0]!.detail.field).toBe(`${I}.authentication.pass`);
    expect(errs[0]!.message).not.toContain('12345678');
  });

  it('known lb_algo only, listing them', () => {
    const e = one((c) => ((vs(c) as { lbAlgo: string }).lbAlgo = 'roundrobin'), `${V}.lbAlgo`, 'roundrobin');
    expect(e.detail.fix).toBe('use one of: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos');
  });

  it('DR: real-server port equals the virtual port (NAT may map)', () => {
    const e = one((c) => (vs(c).realServers[1]!.port = 8080), `${V}.realServers[1].port`, 8080);
    expect(e.detail.fix).toContain('in DR mode the real server port must equal the virtual port');
    const nat = siteConfig('lvs1');
    vs(nat).lbKind = 'NAT';
    vs(nat).realServers[1]!.port = 8080;
    expect(validateKeepalived(nat, where)).toBeTruthy();
  });

  it('no duplicate real servers or virtual servers', () => {
    const e = one((c) => vs(c).realServers.push({ address: '10.77.0.16', port: 80, weight: 1 }), `${V}.realServers[2]`, '10.77.0.16 80');
    expect(e.message).toContain('also realServers[0]');
    one((c) => c.virtualServers.push({ ...vs(c) }), 'keepalived.virtualServers[1]', '10.77.0.10 80 TCP');
  });

  it('a real server that is also the sorry server has no inhibit_on_failure (keepalived -t refuses it)', () => {
    const e = one((c) => {
      vs(c).sorryServer = { address: '10.77.0.16', port: 80 };
      vs(c).realServers[0]!.inhibitOnFailure = true;
    }, `${V}.realServers[0].inhibitOnFailure`, true);
    expect(e.detail.fix).toContain('sorry_server');
    // the same address without inhibit, or inhibit with another sorry server: fine
    const cfg = siteConfig('lvs1');
    vs(cfg).sorryServer = { address: '10.77.0.16', port: 80 };
    expect(() => validateKeepalived(cfg, where)).not.toThrow();
    vs(cfg).sorryServer = { address: '10.77.0.30', port: 80 };
    vs(cfg).realServers[0]!.inhibitOnFailure = true;
    expect(() => validateKeepalived(cfg, where)).not.toThrow();
  });

  it('no vrrp_strict with authentication or unicast peers', () => {
    const e = one((c) => (c.globalDefs.vrrpStrict = true), `${I}.authentication`, 'PASS');
    expect(e.detail.fix).toContain('vrrpStrict');
    const cfg = siteConfig('lvs1');
    cfg.globalDefs.vrrpStrict = true;
    delete inst(cfg).authentication;
    inst(cfg).unicastPeers = ['10.77.0.15'];
    const errs = errorsOf(() => validateKeepalived(cfg, where));
    expect(errs.map((x) => x.detail.field)).toEqual([`${I}.unicastPeers`]);
  });

  it('interface names valid (instance, VIP dev, label, track_interface)', () => {
    one((c) => (inst(c).interface = 'eth 0'), `${I}.interface`, 'eth 0');
    one((c) => (inst(c).interface = 'averyveryverylongname'), `${I}.interface`, 'averyveryverylongname');
    one((c) => (inst(c).virtualIpAddresses = ['10.77.0.10/32 dev eth/0']), `${I}.virtualIpAddresses[0]`, '10.77.0.10/32 dev eth/0');
    one((c) => (inst(c).virtualIpAddresses = ['10.77.0.10/32 dev eth0 label eth1:0']), `${I}.virtualIpAddresses[0]`, '10.77.0.10/32 dev eth0 label eth1:0');
    one((c) => (inst(c).trackInterfaces = ['eth1', 'bad name']), `${I}.trackInterfaces[1]`, 'bad name');
  });

  it('IPs valid everywhere', () => {
    one((c) => (inst(c).virtualIpAddresses = ['10.77.0.300/32']), `${I}.virtualIpAddresses[0]`, '10.77.0.300/32');
    one((c) => (inst(c).virtualIpAddresses = ['10.77.0.10/33']), `${I}.virtualIpAddresses[0]`, '10.77.0.10/33');
    one((c) => (inst(c).virtualIpAddresses = ['10.77.0.10/32 device eth0']), `${I}.virtualIpAddresses[0]`);
    one((c) => (inst(c).virtualIpAddresses = []), `${I}.virtualIpAddresses`, []);
    one((c) => (inst(c).unicastSrcIp = 'lvs1.lab'), `${I}.unicastSrcIp`, 'lvs1.lab');
    one((c) => (inst(c).unicastPeers = ['10.77.0.15', '10.77.0']), `${I}.unicastPeers[1]`, '10.77.0');
    one((c) => (vs(c).vip = '10.77.0.1000'), `${V}.vip`, '10.77.0.1000');
    one((c) => (vs(c).realServers[0]!.address = 'web1'), `${V}.realServers[0].address`, 'web1');
    one((c) => (vs(c).sorryServer = { address: '::g', port: 80 }), `${V}.sorryServer.address`, '::g');
    one((c) => (inst(c).virtualIpAddresses = ['10.77.0.10/32', '2001:db8::10/128']), `${I}.virtualIpAddresses`);
  });

  it('ports, weights, checks, scripts and names', () => {
    one((c) => (vs(c).port = 0), `${V}.port`, 0);
    one((c) => (vs(c).realServers[0]!.weight = 70000), `${V}.realServers[0].weight`, 70000);
    one((c) => (vs(c).delayLoop = 0), `${V}.delayLoop`, 0);
    one((c) => (vs(c).realServers[0]!.check = { type: 'TCP_CHECK', connectTimeout: 0 }), `${V}.realServers[0].check.connectTimeout`, 0);
    one((c) => (vs(c).realServers[0]!.check = { type: 'HTTP_GET', url: [], connectTimeout: 3 }), `${V}.realServers[0].check.url`, []);
    one((c) => (vs(c).realServers[0]!.check = { type: 'HTTP_GET', url: [{ path: 'health' }], connectTimeout: 3 }), `${V}.realServers[0].check.url[0].path`, 'health');
    one((c) => (vs(c).realServers[0]!.check = { type: 'HTTP_GET', url: [{ path: '/', digest: 'abc' }], connectTimeout: 3 }), `${V}.realServers[0].check.url[0].digest`, 'abc');
    one((c) => (vs(c).realServers[0]!.check = { type: 'MISC_CHECK', script: 'check.sh' }), `${V}.realServers[0].check.script`, 'check.sh');
    one((c) => (inst(c).notifyMaster = { path: '/bin/echo', args: ['$HOME'] }), `${I}.notifyMaster.args[0]`, '$HOME');
    one((c) => (inst(c).notify = '/opt/it\'s.sh'), `${I}.notify`, "/opt/it's.sh");
    one((c) => (inst(c).trackScripts = ['chk_missing']), `${I}.trackScripts[0]`, 'chk_missing');
    one((c) => (inst(c).nopreempt = true), `${I}.nopreempt`, 'MASTER');
    one((c) => (inst(c).name = 'VI 1'), `${I}.name`, 'VI 1');
    one((c) => (c.globalDefs.routerId = 'lvs 1'), 'keepalived.globalDefs.routerId', 'lvs 1');
    one((c) => c.vrrpInstances.push({ ...inst(c), name: 'VI_2' }), 'keepalived.vrrpInstances[1].virtualRouterId', 51);
    one((c) => ((c as unknown as Record<string, unknown>).global = {}), 'keepalived.global', 'global');
  });

  it('what keepalived itself ignores or resets is refused up front', () => {
    const fw = (c: KeepalivedConfig) => {
      c.virtualServers = [{ fwmark: 7, lbAlgo: 'rr', realServers: [{ address: '10.77.0.16', weight: 1 }] }];
    };
    one((c) => { fw(c); vs(c).protocol = 'UDP'; }, `${V}.protocol`, 'UDP');
    one((c) => { fw(c); vs(c).realServers[0]!.port = 53; }, `${V}.realServers[0].port`, 53);
    one((c) => { fw(c); vs(c).vip = '10.77.0.10'; }, V);
    one((c) => delete vs(c).realServers[0]!.port, `${V}.realServers[0].port`);
    one((c) => Object.assign(inst(c), { state: 'BACKUP', nopreempt: true, preemptDelay: 5 }), `${I}.preemptDelay`, 5);
    one((c) => (inst(c).trackInterfaces = ['eth0']), `${I}.trackInterfaces[0]`, 'eth0');
    one((c) => {
      c.vrrpScripts = [{ name: 'chk', script: '/bin/true' }];
      inst(c).trackScripts = ['chk', { name: 'chk', weight: 5 }];
    }, `${I}.trackScripts[1]`, 'chk');
  });

  it('reports all problems at once', () => {
    const cfg = siteConfig('lvs1');
    inst(cfg).virtualRouterId = 300;
    inst(cfg).priority = 0;
    vs(cfg).realServers[1]!.port = 81;
    (vs(cfg) as { lbAlgo: string }).lbAlgo = 'x';
    const errs = errorsOf(() => validateKeepalived(cfg, where));
    // the rules of one field (the model's schema) first, then those between fields
    expect(errs.map((e) => e.detail.field)).toEqual([`${I}.virtualRouterId`, `${V}.lbAlgo`, `${I}.priority`, `${V}.realServers[1].port`]);
  });
});

describe('validateDirectorPair', () => {
  const pw = { file: 'inventory/prod.ts', field: 'hosts' };
  const pair = () => ({ lvs1: siteConfig('lvs1'), lvs2: siteConfig('lvs2') });

  it('accepts the reference pair', () => {
    expect(validateDirectorPair(pair(), pw)).toEqual(pair());
  });

  it('MASTER priority above every BACKUP', () => {
    const p = pair();
    p.lvs2.vrrpInstances[0]!.priority = 150;
    const errs = errorsOf(() => validateDirectorPair(p, pw));
    expect(errs).toHaveLength(1);
    expect(errs[0]!.detail).toMatchObject({ field: 'hosts.lvs2.vrrpInstances[0].priority', value: 150 });
    expect(errs[0]!.message).toContain("BACKUP lvs2 has priority 150, not below MASTER lvs1's 150");
  });

  it('one MASTER per instance', () => {
    const p = pair();
    p.lvs2.vrrpInstances[0]!.state = 'MASTER';
    const errs = errorsOf(() => validateDirectorPair(p, pw));
    expect(errs.map((e) => e.detail.field)).toEqual(['hosts.lvs2.vrrpInstances[0].state']);
  });

  it('same VRID, auth and VIPs on all directors; auth_pass never echoed', () => {
    const p = pair();
    p.lvs2.vrrpInstances[0]!.virtualRouterId = 52;
    p.lvs2.vrrpInstances[0]!.authentication = { type: 'PASS', pass: 'other1' };
    p.lvs2.vrrpInstances[0]!.virtualIpAddresses = ['10.77.0.11/32 dev eth0 label eth0:0'];
    const errs = errorsOf(() => validateDirectorPair(p, pw));
    expect(errs.map((e) => e.detail.field)).toEqual([
      'hosts.lvs2.vrrpInstances[0].virtualRouterId',
      'hosts.lvs2.vrrpInstances[0].authentication.pass',
      'hosts.lvs2.vrrpInstances[0].virtualIpAddresses',
    ]);
    const all = errs.map((e) => e.message).join('\n');
    expect(all).not.toContain('other1');
    expect(all).not.toContain('lvs-2011');
    const q = pair();
    delete q.lvs2.vrrpInstances[0]!.authentication;
    expect(errorsOf(() => validateDirectorPair(q, pw))[0]!.detail).toMatchObject({ field: 'hosts.lvs2.vrrpInstances[0].authentication.type', value: 'none' });
  });

  it('VIP lists compare by meaning, not spacing', () => {
    const p = pair();
    p.lvs2.vrrpInstances[0]!.virtualIpAddresses = ['  10.77.0.10/32  dev eth0   label eth0:0'];
    expect(validateDirectorPair(p, pw)).toBeTruthy();
  });

  it('router_id unique per director', () => {
    const p = pair();
    p.lvs2.globalDefs.routerId = 'lvs1';
    const errs = errorsOf(() => validateDirectorPair(p, pw));
    expect(errs.map((e) => [e.detail.field, e.detail.value])).toEqual([['hosts.lvs2.globalDefs.routerId', 'lvs1']]);
  });

  it('same virtual servers on all directors', () => {
    const p = pair();
    p.lvs2.virtualServers[0]!.realServers.pop();
    expect(errorsOf(() => validateDirectorPair(p, pw)).map((e) => e.detail.field)).toEqual(['hosts.lvs2.virtualServers']);
  });

  it('includes each director’s own problems, named by host', () => {
    const p = pair();
    p.lvs1.vrrpInstances[0]!.advertInt = -1;
    const errs = errorsOf(() => validateDirectorPair(p, pw));
    expect(errs.map((e) => e.detail.field)).toEqual(['hosts.lvs1.vrrpInstances[0].advertInt']);
  });
});

/**
 * Issue 22's keepalived options: VRRP version with the advert_int it can carry, IPVS connection
 * sync (lvs_sync_daemon) and track_interface / track_script with weights — rendered, validated
 * one director at a time and across the directors, and built from a site description.
 */
import { describe, expect, it } from 'vitest';
import { renderKeepalivedConf } from '../../../roles/keepalived/render.js';
import { validateDirectorPair, validateKeepalived } from '../../../roles/keepalived/validate.js';
import { directorConfigs, type DirectorSite } from '../../../roles/keepalived/site.js';
import type { KeepalivedConfig } from '../../../roles/keepalived/model.js';
import { errorsOf, siteConfig } from './fixtures.js';

const where = { file: 'site.ts', field: 'k' };

function edited(host: 'lvs1' | 'lvs2', edit: (c: KeepalivedConfig) => void): KeepalivedConfig {
  const c = siteConfig(host);
  edit(c);
  return c;
}
const inst = (c: KeepalivedConfig) => c.vrrpInstances[0]!;
const v3 = (c: KeepalivedConfig, advert = 0.2) => {
  c.globalDefs.vrrpVersion = 3;
  delete inst(c).authentication;
  inst(c).advertInt = advert;
};

describe('VRRP version and advert_int', () => {
  it('renders vrrp_version in global_defs and a sub-second advert_int under VRRPv3', () => {
    const text = renderKeepalivedConf(validateKeepalived(edited('lvs1', (c) => v3(c)), where));
    expect(text).toContain('global_defs {\n    router_id lvs1\n    vrrp_version 3\n}');
    expect(text).toContain('    advert_int 0.2\n');
  });

  it('refuses a fractional advert_int under VRRPv2 (the default), naming the fix: vrrp_version 3', () => {
    const errs = errorsOf(() => validateKeepalived(edited('lvs1', (c) => (inst(c).advertInt = 0.5)), where));
    expect(errs).toHaveLength(1);
    expect(errs[0]!.detail).toMatchObject({ field: 'k.vrrpInstances[0].advertInt', value: 0.5 });
    expect(errs[0]!.message).toContain('VRRPv2');
    expect(errs[0]!.detail.fix).toContain('vrrp_version: 3');
    const explicit = errorsOf(() => validateKeepalived(edited('lvs1', (c) => ((c.globalDefs.vrrpVersion = 2), (inst(c).advertInt = 1.5))), where));
    expect(explicit[0]!.detail.fix).toContain('vrrp_version: 3');
  });

  it('VRRPv3: centiseconds from 0.01 to 40.95 s, and no authentication', () => {
    expect(() => validateKeepalived(edited('lvs1', (c) => v3(c, 0.01)), where)).not.toThrow();
    for (const bad of [0.005, 0.123, 41]) {
      const errs = errorsOf(() => validateKeepalived(edited('lvs1', (c) => v3(c, bad)), where));
      expect(errs.map((e) => e.detail.field)).toEqual(['k.vrrpInstances[0].advertInt']);
    }
    const auth = errorsOf(() => validateKeepalived(edited('lvs1', (c) => ((c.globalDefs.vrrpVersion = 3), (inst(c).advertInt = 1))), where));
    expect(auth.map((e) => e.detail.field)).toEqual(['k.vrrpInstances[0].authentication']);
    expect(auth[0]!.detail.fix).toContain('vrrp_version: 2');
    expect(JSON.stringify(auth[0]!.detail)).not.toContain('lvs-2011');
  });

  it('only 2 or 3', () => {
    const errs = errorsOf(() => validateKeepalived(edited('lvs1', (c) => (c.globalDefs.vrrpVersion = 4 as 3)), where));
    expect(errs.map((e) => e.detail.field)).toEqual(['k.globalDefs.vrrpVersion']);
  });
});

describe('lvs_sync_daemon', () => {
  const sync = (c: KeepalivedConfig, extra: Partial<NonNullable<KeepalivedConfig['globalDefs']['lvsSyncDaemon']>> = {}) => {
    c.globalDefs.lvsSyncDaemon = { interface: 'eth0', instance: 'VI_1', ...extra };
  };

  it('renders `lvs_sync_daemon IFACE INSTANCE [id N] [maxlen N]` in global_defs', () => {
    expect(renderKeepalivedConf(validateKeepalived(edited('lvs1', (c) => sync(c)), where))).toContain('    lvs_sync_daemon eth0 VI_1\n}');
    expect(renderKeepalivedConf(validateKeepalived(edited('lvs1', (c) => sync(c, { syncId: 7, maxlen: 1400 })), where))).toContain('    lvs_sync_daemon eth0 VI_1 id 7 maxlen 1400\n}');
  });

  it('names an instance that exists, a valid interface, id 0-255, maxlen 1-65507', () => {
    const errs = errorsOf(() => validateKeepalived(edited('lvs1', (c) => sync(c, { instance: 'VI_9', interface: 'bad iface', syncId: 256, maxlen: 0 })), where));
    expect(errs.map((e) => e.detail.field).sort()).toEqual([
      'k.globalDefs.lvsSyncDaemon.instance',
      'k.globalDefs.lvsSyncDaemon.interface',
      'k.globalDefs.lvsSyncDaemon.maxlen',
      'k.globalDefs.lvsSyncDaemon.syncId',
    ]);
    expect(errs.find((e) => e.detail.field?.endsWith('.instance'))!.detail.fix).toContain('VI_1');
  });

  it('across the directors: on every one or none, with the same sync id', () => {
    const ok = { lvs1: edited('lvs1', (c) => sync(c)), lvs2: edited('lvs2', (c) => sync(c, { syncId: 51 })) };
    expect(() => validateDirectorPair(ok, where)).not.toThrow(); // id 51 = the VRID, keepalived's default
    const missing = errorsOf(() => validateDirectorPair({ lvs1: edited('lvs1', (c) => sync(c)), lvs2: siteConfig('lvs2') }, where));
    expect(missing.map((e) => e.detail.field)).toEqual(['k.lvs2.globalDefs']);
    const other = errorsOf(() => validateDirectorPair({ lvs1: edited('lvs1', (c) => sync(c)), lvs2: edited('lvs2', (c) => sync(c, { syncId: 9 })) }, where));
    expect(other.map((e) => e.detail.field)).toEqual(['k.lvs2.globalDefs.lvsSyncDaemon']);
  });
});

describe('track_interface and track_script with weights', () => {
  it('renders `NAME weight W` entries; a duplicate or the instance interface itself is refused', () => {
    const text = renderKeepalivedConf(validateKeepalived(edited('lvs1', (c) => (inst(c).trackInterfaces = ['eth1', { name: 'eth2', weight: -60 }])), where));
    expect(text).toContain('    track_interface {\n        eth1\n        eth2 weight -60\n    }');
    const errs = errorsOf(() => validateKeepalived(edited('lvs1', (c) => (inst(c).trackInterfaces = ['eth1', { name: 'eth1' }, { name: 'eth0', weight: 300 }])), where));
    expect(errs.map((e) => e.detail.field).sort()).toEqual(['k.vrrpInstances[0].trackInterfaces[1]', 'k.vrrpInstances[0].trackInterfaces[2]', 'k.vrrpInstances[0].trackInterfaces[2].weight']);
  });
});

describe('a site description with the options', () => {
  const site: DirectorSite = {
    vips: ['10.77.0.10'],
    interface: 'eth0',
    virtualRouterId: 51,
    advertInt: 0.2,
    vrrpVersion: 3,
    trackInterfaces: [{ name: 'eth1', weight: -60 }],
    trackScripts: [{ name: 'chk_web', script: { path: '/bin/bash', args: ['-c', '</dev/tcp/127.0.0.1/80'] }, interval: 1, fall: 2, weight: -60 }],
    lvsSync: { maxlen: 1400 },
    services: [{ port: 80, realServers: [{ address: '10.77.0.16' }] }],
  };
  const configs = directorConfigs(site, { lvs1: { state: 'MASTER', priority: 150 }, lvs2: { state: 'BACKUP', priority: 100 } });

  it('gives every director vrrp_version, the sync daemon on the VRRP interface, the tracked interface and script (run as root with script security)', () => {
    const text = renderKeepalivedConf(configs.lvs2!);
    expect(text).toContain('global_defs {\n    router_id lvs2\n    enable_script_security\n    script_user root\n    vrrp_version 3\n    lvs_sync_daemon eth0 VI_1 maxlen 1400\n}');
    expect(text).toContain(`vrrp_script chk_web {\n    script "/bin/bash -c '</dev/tcp/127.0.0.1/80'"\n    interval 1\n    fall 2\n}`);
    expect(text).toContain('    track_interface {\n        eth1 weight -60\n    }\n    track_script {\n        chk_web weight -60\n    }');
  });

  it('without the options: none of it (the seed\'s config)', () => {
    const plain = directorConfigs({ ...site, vrrpVersion: undefined, advertInt: 1, trackInterfaces: undefined, trackScripts: undefined, lvsSync: undefined }, { lvs1: { state: 'MASTER', priority: 150 } });
    expect(renderKeepalivedConf(plain.lvs1!)).not.toMatch(/vrrp_version|lvs_sync_daemon|track_|vrrp_script|script_user/);
  });
});

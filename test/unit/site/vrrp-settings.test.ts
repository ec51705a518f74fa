/**
 * The reference site's VRRP settings (playbooks/site-settings.ts) for issue 22: vrrp_version,
 * vrrp_advert_int (whole seconds under VRRPv2), vrrp_track_interfaces / vrrp_track_scripts and
 * lvs_sync (on with two or more directors whose keepalived programs IPVS), read through their schemas with their defaults.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { renderCommand } from '../../../src/cli/render.js';
import { LvsError } from '../../../src/errors.js';
import type { InventorySpec, Vars } from '../../../src/types.js';
import { vrrpOf } from '../../../playbooks/site-settings.js';
import { DEFAULT_SPEC, inv } from './fixtures.js';

const lvs1 = (extra?: Vars, spec: InventorySpec = DEFAULT_SPEC) => inv(spec, extra).hosts.find((h) => h.name === 'lvs1')!;

function thrown(run: () => unknown): LvsError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(LvsError);
    return e as LvsError;
  }
  throw new Error('expected an error');
}

describe('site VRRP settings', () => {
  it('defaults: VRRPv2, advert_int 1, nothing tracked, connection sync on the VRRP interface (two directors)', () => {
    const v = vrrpOf(lvs1());
    expect(v).toMatchObject({ version: 2, advertInt: 1, trackInterfaces: [], trackScripts: [], lvsSync: { interface: 'eth0' } });
    expect(vrrpOf(lvs1({ vrrp_interface: 'ens3' })).lvsSync).toEqual({ interface: 'ens3' });
  });

  it('lvs_sync: off by the var (also "no" as INI gives it), or with one director; interface, id and maxlen settable', () => {
    expect(vrrpOf(lvs1({ lvs_sync: false })).lvsSync).toBeUndefined();
    expect(vrrpOf(lvs1({ lvs_sync: 'no' })).lvsSync).toBeUndefined();
    // keepalived with VRRP only programs no IPVS: nothing to sync (and its VRRP process crashes on
    // lvs_sync_daemon without IPVS), unless the inventory asks for it
    expect(vrrpOf(lvs1({ keepalived_args: ['-D', '--vrrp'] })).lvsSync).toBeUndefined();
    expect(vrrpOf(lvs1({ keepalived_args: '-D -P' })).lvsSync).toBeUndefined();
    expect(vrrpOf(lvs1({ keepalived_args: ['-D', '--vrrp'], lvs_sync: true })).lvsSync).toEqual({ interface: 'eth0' });
    const one: InventorySpec = { ...DEFAULT_SPEC, groups: { ...DEFAULT_SPEC.groups, directors: { ...DEFAULT_SPEC.groups!.directors!, hosts: { lvs1: { address: '10.77.0.14' } } } } };
    expect(vrrpOf(lvs1(undefined, one)).lvsSync).toBeUndefined();
    expect(vrrpOf(lvs1({ lvs_sync_interface: 'eth1', lvs_sync_id: '7', lvs_sync_maxlen: 1400 })).lvsSync).toEqual({ interface: 'eth1', syncId: 7, maxlen: 1400 });
    expect(thrown(() => vrrpOf(lvs1({ lvs_sync_id: 256 }))).message).toContain('lvs_sync_id');
  });

  it('vrrp_version 3 takes a sub-second vrrp_advert_int (also as a string)', () => {
    expect(vrrpOf(lvs1({ vrrp_version: 3, vrrp_advert_int: 0.2 }))).toMatchObject({ version: 3, advertInt: 0.2 });
    expect(vrrpOf(lvs1({ vrrp_version: '3', vrrp_advert_int: '0.1' }))).toMatchObject({ version: 3, advertInt: 0.1 });
    expect(thrown(() => vrrpOf(lvs1({ vrrp_version: 3, vrrp_advert_int: 0.123 }))).message).toContain('vrrp_advert_int');
    expect(thrown(() => vrrpOf(lvs1({ vrrp_version: 4 }))).message).toContain('vrrp_version');
    // VRRPv3 has no authentication: an inventory's password is switched off by -e vrrp_auth_pass=
    expect(vrrpOf(lvs1({ vrrp_version: 3, vrrp_auth_pass: 'lvs-lab' })).authPass).toBe('lvs-lab');
    expect(vrrpOf(inv(DEFAULT_SPEC, { vrrp_version: 3, vrrp_auth_pass: '' }).hosts.find((h) => h.name === 'lvs1')!).authPass).toBeUndefined();
  });

  it('a fractional vrrp_advert_int under VRRPv2 is refused, naming the var and the fix (set vrrp_version: 3)', () => {
    const e = thrown(() => vrrpOf(lvs1({ vrrp_advert_int: 0.2 })));
    expect(e.code).toBe('E_INVENTORY');
    expect(e.message).toContain('variable "vrrp_advert_int" is invalid');
    expect(e.message).toContain('set vrrp_version: 3');
    expect(e.detail).toMatchObject({ field: 'host lvs1', value: 0.2 });
    expect(vrrpOf(lvs1({ vrrp_advert_int: 2 })).advertInt).toBe(2);
  });

  it('vrrp_track_interfaces and vrrp_track_scripts: names or objects with weights', () => {
    const v = vrrpOf(lvs1({
      vrrp_track_interfaces: ['eth1', { interface: 'eth2', weight: -60 }],
      vrrp_track_scripts: [{ name: 'chk_web', script: ['/bin/bash', '-c', '</dev/tcp/127.0.0.1/80'], weight: -60, interval: 1, fall: 2 }, { name: 'chk_disk', script: '/usr/local/sbin/check-disk' }],
    }));
    expect(v.trackInterfaces).toEqual([{ name: 'eth1' }, { name: 'eth2', weight: -60 }]);
    expect(v.trackScripts).toEqual([
      { name: 'chk_web', script: { path: '/bin/bash', args: ['-c', '</dev/tcp/127.0.0.1/80'] }, weight: -60, interval: 1, fall: 2 },
      { name: 'chk_disk', script: '/usr/local/sbin/check-disk' },
    ]);
    expect(thrown(() => vrrpOf(lvs1({ vrrp_track_interfaces: [{ interface: 'eth1', weight: -300 }] }))).message).toContain('vrrp_track_interfaces');
    expect(thrown(() => vrrpOf(lvs1({ vrrp_track_scripts: [{ name: 'x', script: 'relative.sh' }] }))).message).toContain('vrrp_track_scripts');
  });
});

describe('the reference site rendered with them (lvs-play render -i prod)', () => {
  const render = async (vars: Vars): Promise<string> => {
    let text = '';
    const out = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) });
    expect(await renderCommand(['playbooks/site.ts', '-i', 'prod', '--limit', 'lvs1', '-e', JSON.stringify(vars)], out)).toBe(0);
    return text;
  };

  it('VRRPv3 at 0.2 s, a tracked interface, connection sync by default; lvs_sync false drops it', { timeout: 60_000 }, async () => {
    const text = await render({ vrrp_version: 3, vrrp_advert_int: 0.2, vrrp_auth_pass: '', vrrp_track_interfaces: [{ interface: 'eth1', weight: -60 }] });
    expect(text).toMatch(/global_defs \{\n {4}router_id lvs1\n {4}vrrp_version 3\n {4}lvs_sync_daemon eth0 VI_1\n\}/);
    expect(text).toContain('    advert_int 0.2\n');
    expect(text).toContain('    track_interface {\n        eth1 weight -60\n    }');
    expect(text).not.toContain('authentication');
    expect(await render({ lvs_sync: false, vrrp_auth_pass: 'x' })).not.toContain('lvs_sync_daemon');
  });

  it('a fractional vrrp_advert_int under VRRPv2 stops the render, naming the var and the fix', { timeout: 60_000 }, async () => {
    const out = new Writable({ write: (_c, _e, cb) => cb() });
    await expect(renderCommand(['playbooks/site.ts', '-i', 'prod', '--limit', 'lvs1', '-e', 'vrrp_advert_int=0.5'], out)).rejects.toThrow(/vrrp_advert_int[\s\S]*set vrrp_version: 3/);
  });
});

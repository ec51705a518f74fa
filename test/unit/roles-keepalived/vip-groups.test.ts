/**
 * Several VIPs, active/active: one VRRP instance per VIP group (its own virtual_router_id and
 * master), vrrp_sync_groups, a service on a VIP group as a virtual_server_group; the checks of
 * the site before any host is touched. keepalived -t on these: test/integration/roles-keepalived/site-groups.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { directorConfigs, type DirectorSite } from '../../../roles/keepalived/site.js';
import { renderKeepalivedConf } from '../../../roles/keepalived/render.js';
import { rankIn } from '../../../roles/keepalived/vip-groups.js';
import { validateKeepalived } from '../../../roles/keepalived/validate.js';
import { expectedStates } from '../../../roles/keepalived/plays.js';

const directors = {
  lvs1: { state: 'MASTER' as const, priority: 150, address: '10.77.0.14' },
  lvs2: { state: 'BACKUP' as const, priority: 100, address: '10.77.0.15' },
};
const rs = [{ address: '10.77.0.16' }, { address: '10.77.0.17' }];
const site: DirectorSite = {
  vips: ['10.77.0.10', '10.77.0.11'],
  interface: 'eth0',
  virtualRouterId: 51,
  authPass: 'pw',
  vipGroups: [
    { name: 'VI_web', vips: ['10.77.0.10'], virtualRouterId: 51 },
    { name: 'VI_api', vips: ['10.77.0.11'], master: 'lvs2', virtualRouterId: 52 },
  ],
  services: [
    { port: 80, vip: '10.77.0.10', realServers: rs },
    { port: 80, vip: '10.77.0.11', realServers: rs },
  ],
};

describe('VIP groups: one VRRP instance per group', () => {
  it('connection sync follows the first group\'s instance (keepalived starts one sync role per director)', () => {
    const c = directorConfigs({ ...site, lvsSync: {} }, directors);
    expect(c['lvs1']!.globalDefs.lvsSyncDaemon?.instance).toBe('VI_web');
    expect(renderKeepalivedConf(c['lvs2']!)).toContain('lvs_sync_daemon eth0 VI_web');
  });

  it('each director is MASTER of its group with the top priority, BACKUP of the other', () => {
    const c = directorConfigs(site, directors);
    const view = (h: string) => c[h]!.vrrpInstances.map((i) => [i.name, i.virtualRouterId, i.state, i.priority, i.virtualIpAddresses.join()]);
    expect(view('lvs1')).toEqual([['VI_web', 51, 'MASTER', 150, '10.77.0.10/32 dev eth0'], ['VI_api', 52, 'BACKUP', 100, '10.77.0.11/32 dev eth0']]);
    expect(view('lvs2')).toEqual([['VI_web', 51, 'BACKUP', 100, '10.77.0.10/32 dev eth0'], ['VI_api', 52, 'MASTER', 150, '10.77.0.11/32 dev eth0']]);
    // the rollout's last play waits for exactly these states
    expect(expectedStates(c, 'lvs2')).toEqual({ VI_web: 'BACKUP', VI_api: 'MASTER' });
    const text = renderKeepalivedConf(c.lvs2!);
    expect(text).toContain('vrrp_instance VI_api {\n    state MASTER\n    interface eth0\n    virtual_router_id 52\n    priority 150\n');
    expect(text.match(/auth_pass pw/g)).toHaveLength(2);
  });

  it('three directors: the group master takes the top priority, the others keep their order', () => {
    const three = { a: { state: 'MASTER' as const, priority: 150 }, b: { state: 'BACKUP' as const, priority: 100 }, c: { state: 'BACKUP' as const, priority: 90 } };
    const g = { name: 'G', vips: ['10.77.0.11'], master: 'c', virtualRouterId: 52 };
    expect(['a', 'b', 'c'].map((h) => rankIn(g, h, three))).toEqual([{ state: 'BACKUP', priority: 100 }, { state: 'BACKUP', priority: 90 }, { state: 'MASTER', priority: 150 }]);
  });

  it('a sync group and a virtual_server_group render as keepalived blocks', () => {
    const s: DirectorSite = {
      ...site,
      vipGroups: [{ name: 'VI_web', vips: ['10.77.0.10', '10.77.0.12'], virtualRouterId: 51 }, { name: 'VI_db', vips: ['10.77.0.11'], virtualRouterId: 52 }],
      syncGroups: { VG_1: ['VI_web', 'VI_db'] },
      services: [{ port: 80, vipGroup: 'VI_web', realServers: rs }],
    };
    const text = renderKeepalivedConf(directorConfigs(s, directors).lvs1!);
    expect(text).toContain('vrrp_sync_group VG_1 {\n    group {\n        VI_web\n        VI_db\n    }\n}\n');
    expect(text).toContain('virtual_server_group VI_web_80 {\n    10.77.0.10 80\n    10.77.0.12 80\n}\n');
    expect(text).toContain('virtual_server group VI_web_80 {\n');
    expect(text).not.toMatch(/virtual_server 10\.77/);
  });

  it('refuses, before any host: a master that is no director, a VIP in two groups, a sync group with two masters, an unknown group', () => {
    const bad: DirectorSite = {
      ...site,
      vipGroups: [
        { name: 'VI_web', vips: ['10.77.0.10'], master: 'lvs3', virtualRouterId: 51 },
        { name: 'VI_api', vips: ['10.77.0.10', '10.77.0.11'], master: 'lvs2', virtualRouterId: 52 },
        { name: 'VI_db', vips: ['10.77.0.12'], virtualRouterId: 53 },
      ],
      syncGroups: { VG_1: ['VI_api', 'VI_db'], VG_2: ['VI_nope', 'VI_db'] },
      services: [{ port: 80, vipGroup: 'VI_x', realServers: rs }],
    };
    let msg = '';
    try {
      directorConfigs(bad, directors, { file: 'hosts.yml' });
    } catch (e) {
      msg = String((e as Error).message);
    }
    expect(msg).toMatch(/vip_groups\[0\]\.master: VIP group VI_web: lvs3 is not a director/);
    expect(msg).toMatch(/the VIP 10\.77\.0\.10 is in VIP groups VI_web and VI_api/);
    expect(msg).toMatch(/sync group VG_1 joins VIP groups with different masters \(lvs1, lvs2\)/);
    expect(msg).toMatch(/sync group VG_2 names no VIP group VI_nope/);
    expect(msg).toMatch(/service 80 names no VIP group VI_x/);
  });

  it('the model refuses a sync group of unknown or single instances and a virtual_server naming no group', () => {
    const cfg = directorConfigs(site, directors).lvs1!;
    expect(() => validateKeepalived({ ...cfg, vrrpSyncGroups: [{ name: 'VG', instances: ['VI_web'] }, { name: 'VG2', instances: ['VI_web', 'VI_x'] }] }, { field: 'k' })).toThrow(
      /k\.vrrpSyncGroups\[0\]\.instances: a vrrp_sync_group needs two or more instances[\s\S]*k\.vrrpSyncGroups\[1\]\.instances\[1\]: vrrp_sync_group names no vrrp_instance/,
    );
    expect(() => validateKeepalived({ ...cfg, virtualServers: [{ ...cfg.virtualServers[0]!, vip: undefined, port: undefined, group: 'G' }] }, { field: 'k' })).toThrow(/k\.virtualServers\[0\]\.group: virtual_server names no virtual_server_group/);
  });

  it('without vipGroups the site is the one-instance site (no sync or server groups)', () => {
    const { vipGroups: _g, ...one } = site;
    const c = directorConfigs({ ...one, services: [{ port: 80, realServers: rs }] }, directors).lvs1!;
    expect(c.vrrpInstances.map((i) => [i.name, i.virtualIpAddresses])).toEqual([['VI_1', ['10.77.0.10/32 dev eth0', '10.77.0.11/32 dev eth0']]]);
    expect(c).not.toHaveProperty('vrrpSyncGroups');
    expect(c).not.toHaveProperty('virtualServerGroups');
  });
});

import { describe, expect, it } from 'vitest';
import { directorsPlays, expectedStates } from '../../../roles/keepalived/plays.js';
import { directorConfigs, type DirectorSite } from '../../../roles/keepalived/site.js';

const site: DirectorSite = {
  vips: ['10.77.0.10'],
  interface: 'eth0',
  virtualRouterId: 51,
  services: [{ port: 80, lbAlgo: 'wrr', delayLoop: 6, realServers: [{ address: '10.77.0.16' }] }],
};

describe('keepalived VIP: the state each director must settle in', () => {
  it('the highest priority is MASTER, the others BACKUP', () => {
    const c = directorConfigs(site, { lvs1: { state: 'MASTER', priority: 150 }, lvs2: { state: 'BACKUP', priority: 100 } });
    expect(expectedStates(c, 'lvs1')).toEqual({ VI_1: 'MASTER' });
    expect(expectedStates(c, 'lvs2')).toEqual({ VI_1: 'BACKUP' });
  });

  it('nopreempt: no expectation (either director may keep the VIP)', () => {
    const c = directorConfigs(site, { lvs1: { state: 'MASTER', priority: 150 }, lvs2: { state: 'BACKUP', priority: 100 } });
    for (const h of ['lvs1', 'lvs2']) c[h]!.vrrpInstances[0]!.nopreempt = true;
    expect(expectedStates(c, 'lvs1')).toEqual({});
  });

  it('directorsPlays ends with the "keepalived VIP" play, after the serial rollout', () => {
    const plays = directorsPlays({ site, build: { version: '2.2.7', install: 'package' } });
    expect(plays.map((p) => p.name)).toEqual(['keepalived build', 'keepalived rollout', 'keepalived VIP']);
    expect(plays[2]!.options.serial).toBeUndefined();
  });
});

/**
 * Sub-second failover (issue 22, point 3): the lab directors on VRRPv3 with advert_int 0.2 (the
 * site's vrrp_version 3, vrrp_advert_int 0.2); the MASTER's keepalived SIGKILLed (a crash: no
 * priority-0 advert) → the VIP on the BACKUP in under 1 s (master-down interval 3 × 0.2 s + skew).
 * Prints `failover: VIP gap G ms (advert_int 0.2, VRRPv3)`. Puts the directors' own config back
 * afterwards. (netns lab: VRRP only, no IPVS.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureKeepalivedTarball } from '../../src/lab/sources.js';
import type { DirectorSite } from '../../roles/keepalived/site.js';
import { VIP, holders, labPlaybook, snapshotDirectors, untilHolders } from './keepalived-support.js';
import { ensureLab, failures, onHost, runOnLab } from './support.js';

const ADVERT_INT = 0.2;

const site: DirectorSite = {
  vips: [`${VIP}/32 dev eth0 label eth0:0`],
  interface: 'eth0',
  virtualRouterId: 51,
  // VRRPv3 has no authentication
  vrrpVersion: 3,
  advertInt: ADVERT_INT,
  services: [{ port: 80, lbAlgo: 'wrr', delayLoop: 6, realServers: [{ address: '10.77.0.16', weight: 3 }, { address: '10.77.0.17', weight: 1 }] }],
};

describe('sub-second VRRP failover (VRRPv3, advert_int 0.2)', () => {
  let restore: () => Promise<void> = async () => {};

  beforeAll(async () => {
    await ensureLab();
    restore = await snapshotDirectors(onHost);
    const r = await runOnLab(labPlaybook('keepalived v3 lab', await ensureKeepalivedTarball(), site));
    expect(failures(r)).toBe('');
    await untilHolders('VIP on lvs1 only', (l) => l.join() === 'lvs1', 15_000, performance.now(), 100);
  });

  afterAll(async () => {
    await restore();
  });

  it('SIGKILL of the MASTER\'s keepalived: the VIP is on lvs2 in under 1 s', async () => {
    const conf = await onHost('lvs1', 'cat /etc/keepalived/keepalived.conf');
    expect(conf).toMatch(/^\s+vrrp_version 3$/m);
    expect(conf).toMatch(/^\s+advert_int 0\.2$/m);
    // let a few adverts go by, so lvs2 is a settled BACKUP
    await new Promise((r) => setTimeout(r, 1500));
    expect(await holders()).toEqual(['lvs1']);
    // every keepalived process of lvs1 at once, by pid (parent and VRRP child): a crash
    const pids = (await onHost('lvs1', 'cat /run/keepalived.pid /run/vrrp.pid 2>/dev/null; :')).split(/\s+/).filter((p) => /^\d+$/.test(p));
    expect(pids.length).toBe(2);
    const t0 = performance.now();
    await onHost('lvs1', `kill -KILL ${pids.join(' ')}`);
    const gap = await untilHolders('VIP on lvs2', (l) => l.includes('lvs2'), 5000, t0, 10);
    console.log(`failover: VIP gap ${gap.toFixed(0)} ms (advert_int ${ADVERT_INT}, VRRPv3)`);
    expect(gap).toBeLessThan(1000);
  });
});

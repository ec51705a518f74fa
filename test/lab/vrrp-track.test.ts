/**
 * The director's own health in VRRP (issue 22, point 5): track_interface and track_script with
 * weights (the site's vrrp_track_interfaces / vrrp_track_scripts). On the lab directors: a veth
 * pair trk0/trk1 to track (its loss cuts nothing else), and a script that fails while a flag file
 * is missing. lvs1 (priority 150) loses 60 when either fails → 90, below lvs2's 100: lvs2 takes
 * the VIP; when it recovers, lvs1 takes it back (preempt). Puts the directors back afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureKeepalivedTarball } from '../../src/lab/sources.js';
import type { DirectorSite } from '../../roles/keepalived/site.js';
import { VIP, labPlaybook, snapshotDirectors, untilHolders } from './keepalived-support.js';
import { ensureLab, failures, onHost, runOnLab } from './support.js';

const FLAG = '/run/lvs-play-trk-ok';
const DIRECTORS = ['lvs1', 'lvs2'];

const site: DirectorSite = {
  vips: [`${VIP}/32 dev eth0 label eth0:0`],
  interface: 'eth0',
  virtualRouterId: 51,
  authPass: 'lvs-lab',
  advertInt: 1,
  trackInterfaces: [{ name: 'trk0', weight: -60 }],
  trackScripts: [{ name: 'chk_flag', script: { path: '/usr/bin/test', args: ['-e', FLAG] }, interval: 1, fall: 1, rise: 1, weight: -60 }],
  services: [{ port: 80, lbAlgo: 'wrr', delayLoop: 6, realServers: [{ address: '10.77.0.16', weight: 3 }, { address: '10.77.0.17', weight: 1 }] }],
};

describe('track_interface and track_script on the lab directors', () => {
  let restore: () => Promise<void> = async () => {};

  beforeAll(async () => {
    await ensureLab();
    restore = await snapshotDirectors(onHost);
    // keepalived -t refuses a tracked interface that does not exist: both directors get the pair
    for (const h of DIRECTORS) await onHost(h, `ip link add trk0 type veth peer name trk1 2>/dev/null; ip link set trk0 up && ip link set trk1 up && touch ${FLAG}`);
    const r = await runOnLab(labPlaybook('keepalived track lab', await ensureKeepalivedTarball(), site));
    expect(failures(r)).toBe('');
    await untilHolders('VIP on lvs1 only', (l) => l.join() === 'lvs1', 15_000, performance.now(), 100);
  }, 180_000);

  afterAll(async () => {
    await restore();
    for (const h of DIRECTORS) await onHost(h, `ip link del trk0 2>/dev/null; rm -f ${FLAG}; :`);
  });

  it('renders the tracked interface and script with their weights', async () => {
    const conf = await onHost('lvs1', 'cat /etc/keepalived/keepalived.conf');
    expect(conf).toContain('    track_interface {\n        trk0 weight -60\n    }');
    expect(conf).toContain('    track_script {\n        chk_flag weight -60\n    }');
    expect(conf).toContain(`script "/usr/bin/test -e ${FLAG}"`);
  });

  it('lvs1\'s tracked interface goes down: lvs2 takes the VIP; up again: lvs1 takes it back', async () => {
    const t0 = performance.now();
    await onHost('lvs1', 'ip link set trk0 down');
    const gone = await untilHolders('VIP on lvs2 only', (l) => l.join() === 'lvs2', 10_000, t0, 50);
    console.log(`track_interface: VIP on lvs2 ${gone.toFixed(0)} ms after "ip link set trk0 down" on lvs1`);
    const t1 = performance.now();
    await onHost('lvs1', 'ip link set trk0 up');
    const back = await untilHolders('VIP back on lvs1 only', (l) => l.join() === 'lvs1', 10_000, t1, 50);
    console.log(`track_interface: VIP back on lvs1 ${back.toFixed(0)} ms after "ip link set trk0 up"`);
  });

  it('lvs1\'s tracked script fails: lvs2 takes the VIP; passes again: lvs1 takes it back', async () => {
    const t0 = performance.now();
    await onHost('lvs1', `rm -f ${FLAG}`);
    const gone = await untilHolders('VIP on lvs2 only', (l) => l.join() === 'lvs2', 10_000, t0, 50);
    console.log(`track_script: VIP on lvs2 ${gone.toFixed(0)} ms after the check started failing on lvs1`);
    const t1 = performance.now();
    await onHost('lvs1', `touch ${FLAG}`);
    const back = await untilHolders('VIP back on lvs1 only', (l) => l.join() === 'lvs1', 10_000, t1, 50);
    console.log(`track_script: VIP back on lvs1 ${back.toFixed(0)} ms after it passed again`);
    expect(back).toBeGreaterThan(0);
  });
});

/**
 * Real VRRP failover between the lab directors (keepalived built and configured by the role):
 * stopping the MASTER moves the VIP to the BACKUP within 3 × advert_int + 1 s; starting it again
 * brings the VIP back (preempt); a config change rolled out by the playbook (serial 1, BACKUP
 * first, reload — never restart) leaves no moment without a VIP holder, probed every 100 ms from
 * the host side. (The lab has no IPVS: keepalived runs with --vrrp; see keepalived.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureKeepalivedTarball } from '../../src/lab/sources.js';
import type { DirectorSite } from '../../roles/keepalived/site.js';
import { VIP, holders, labPlaybook, untilHolders as until } from './keepalived-support.js';
import { ensureLab, failures, onHost, runOnLab, totals } from './support.js';

const ADVERT_INT = 1;

function labSite(weight = 3): DirectorSite {
  return {
    vips: [`${VIP}/32 dev eth0 label eth0:0`],
    interface: 'eth0',
    virtualRouterId: 51,
    authPass: 'Lab-2011',
    advertInt: ADVERT_INT,
    services: [{ port: 80, lbAlgo: 'wrr', delayLoop: 6, persistenceTimeout: 300, realServers: [{ address: '10.77.0.16', weight }, { address: '10.77.0.17', weight: 1 }] }],
  };
}



describe('VRRP failover between the lab directors', () => {
  let tarball = '';

  beforeAll(async () => {
    await ensureLab();
    tarball = await ensureKeepalivedTarball();
    const r = await runOnLab(labPlaybook('keepalived failover lab', tarball, labSite()));
    expect(failures(r)).toBe('');
    await until('VIP on lvs1 only', (l) => l.join() === 'lvs1', 15_000, performance.now(), 100);
  });

  afterAll(async () => {
    // back to the lab's standard config, then stopped: a VIP-holding keepalived would disturb
    // other tests sharing the lab (the next run of the playbook starts it again in ~1 s)
    await runOnLab(labPlaybook('keepalived failover lab', tarball, labSite()));
    for (const h of ['lvs1', 'lvs2']) await onHost(h, '/etc/init.d/keepalived stop');
  });

  it(`stopping the MASTER moves the VIP to lvs2 within 3 × advert_int + 1 s; starting it brings it back (preempt)`, async () => {
    const t0 = performance.now();
    await onHost('lvs1', '/etc/init.d/keepalived stop');
    const took = await until('VIP on lvs2', (l) => l.includes('lvs2'), 3 * ADVERT_INT * 1000 + 1000, t0);
    console.log(`failover: VIP on lvs2 ${took.toFixed(0)} ms after "keepalived stop" on lvs1 (limit ${3 * ADVERT_INT * 1000 + 1000} ms)`);
    expect(await holders()).toEqual(['lvs2']);

    const t1 = performance.now();
    await onHost('lvs1', '/etc/init.d/keepalived start');
    const back = await until('VIP back on lvs1 only', (l) => l.join() === 'lvs1', 15_000, t1);
    console.log(`preempt: VIP back on lvs1 (and gone from lvs2) ${back.toFixed(0)} ms after "keepalived start"`);
    expect(await onHost('lvs2', '/etc/init.d/keepalived status')).toContain('is running');
  });

  it('a config change rolled out by the playbook (serial 1, BACKUP first, reload) never leaves the VIP without a holder', async () => {
    const samples: { t: number; holders: string[] }[] = [];
    let probing = true;
    const t0 = performance.now();
    const probe = (async () => {
      while (probing) {
        const started = performance.now();
        samples.push({ t: started - t0, holders: await holders() });
        await new Promise((r) => setTimeout(r, Math.max(0, 100 - (performance.now() - started))));
      }
    })();
    const r = await runOnLab(labPlaybook('keepalived failover lab', tarball, labSite(5)));
    await new Promise((res) => setTimeout(res, 2000)); // keep probing a little after the last reload
    probing = false;
    await probe;

    expect(failures(r)).toBe('');
    const idx = (host: string, pred: (res: string) => boolean) => r.results.findIndex((x) => x.host === host && pred(x.resource));
    const cfg = (res: string) => res.startsWith('keepalived config');
    for (const h of ['lvs1', 'lvs2']) {
      expect(r.results[idx(h, cfg)]?.status).toBe('changed');
      expect(r.results[idx(h, (x) => x === 'reload keepalived')]?.status).toBe('changed');
      expect(r.results.filter((x) => x.host === h && x.resource === 'keepalived health').every((x) => x.status === 'ok')).toBe(true);
    }
    // BACKUP (lvs2) reloaded and healthy before the MASTER's config is touched
    expect(idx('lvs2', (x) => x === 'reload keepalived')).toBeLessThan(idx('lvs1', cfg));
    expect(r.results.some((x) => /restart/.test(x.resource))).toBe(false);
    expect(totals(r).changed).toBeGreaterThanOrEqual(4);

    const gaps = samples.filter((s) => s.holders.length === 0);
    const span = samples.length ? samples[samples.length - 1]!.t : 0;
    console.log(`rollout probe: ${samples.length} samples over ${(span / 1000).toFixed(1)} s, holders: ${[...new Set(samples.map((s) => s.holders.join('+') || 'none'))].join(', ')}; gaps: ${gaps.length}`);
    expect(samples.length).toBeGreaterThan(10);
    expect(gaps).toEqual([]);
    expect(samples.every((s) => s.holders.join() === 'lvs1')).toBe(true);
  });
});

/**
 * keepalived on the netns lab: both directors build 2.2.7 from the offline tarball (uploaded from
 * the control node's cache, built in parallel), get the init service (LSB script: the lab has no
 * systemd) and start; the MASTER holds the VIP; a second run changes nothing and skips the build;
 * a config keepalived rejects never goes live and keepalived keeps running.
 * The lab's kernel has no IPVS, so keepalived runs with --vrrp (its checker would exit FATAL and
 * take the daemon down with it): VRRP is what this lab proves.
 * LVS_LAB_KEEPALIVED_FRESH=1 removes the installed keepalived first (a full rebuild, ~1–2 min).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { play, playbook } from '../../src/dsl/play.js';
import { ensureKeepalivedTarball, KEEPALIVED_SHA256 } from '../../src/lab/sources.js';
import { keepalived } from '../../roles/keepalived/index.js';
import type { DirectorSite } from '../../roles/keepalived/site.js';
import type { RunReport } from '../../src/types.js';
import { VIP, holders, labPlaybook } from './keepalived-support.js';
import { ensureLab, failures, onHost, runOnLab, totals } from './support.js';

const PASS = 'Lab-2011';

function labSite(weight = 3, raw?: string): DirectorSite {
  return {
    vips: [`${VIP}/32 dev eth0 label eth0:0`],
    interface: 'eth0',
    virtualRouterId: 51,
    authPass: PASS,
    advertInt: 1,
    services: [{ port: 80, lbAlgo: 'wrr', delayLoop: 6, persistenceTimeout: 300, realServers: [{ address: '10.77.0.16', weight }, { address: '10.77.0.17', weight: 1 }] }],
    ...(raw !== undefined ? { raw } : {}),
  };
}



async function waitFor<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await fn();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 100));
    v = await fn();
  }
  return v;
}

function rows(r: RunReport, kind: string) {
  return r.results.filter((x) => x.kind === kind);
}

const RESET = `
[ -x /etc/init.d/keepalived ] && /etc/init.d/keepalived stop >/dev/null 2>&1
p=$(cat /run/keepalived.pid 2>/dev/null) && kill "$p" 2>/dev/null && sleep 0.5
rm -f /etc/keepalived/keepalived.conf /etc/init.d/keepalived /etc/default/keepalived /usr/sbin/keepalived /etc/rc?.d/[SK]??keepalived
${process.env.LVS_LAB_KEEPALIVED_FRESH === '1' ? 'rm -rf /usr/local/keepalived /usr/local/src/keepalived-2.2.7*' : ''}
[ -x /usr/local/keepalived/sbin/keepalived ] && echo installed || echo absent`;

describe('keepalived role on the lab directors', () => {
  let tarball = '';
  let preinstalled: Record<string, boolean> = {};

  beforeAll(async () => {
    await ensureLab();
    tarball = await ensureKeepalivedTarball();
    for (const h of ['lvs1', 'lvs2']) preinstalled[h] = (await onHost(h, RESET)).trim() === 'installed';
  });

  afterAll(async () => {
    // stopped (installed and configured): a VIP-holding keepalived would disturb other lab tests
    for (const h of ['lvs1', 'lvs2']) await onHost(h, '[ ! -x /etc/init.d/keepalived ] || /etc/init.d/keepalived stop');
  });

  it('builds 2.2.7 from the tarball on both directors, links and starts it; the MASTER holds the VIP', async () => {
    const t0 = Date.now();
    const r = await runOnLab(labPlaybook('keepalived lab', tarball, labSite()));
    console.log(`first run: ${((Date.now() - t0) / 1000).toFixed(1)} s, preinstalled: ${JSON.stringify(preinstalled)}`);
    expect(failures(r)).toBe('');
    for (const row of rows(r, 'keepalived-build')) expect(row.status).toBe(preinstalled[row.host] ? 'ok' : 'changed');
    expect(rows(r, 'keepalived-build').map((x) => x.host).sort()).toEqual(['lvs1', 'lvs2']);
    // rollout order: the BACKUP first
    const firstConfig = r.results.find((x) => x.resource.startsWith('keepalived config'));
    expect(firstConfig?.host).toBe('lvs2');
    for (const h of ['lvs1', 'lvs2']) {
      const out = await onHost(h, `/usr/local/keepalived/sbin/keepalived --version 2>&1 | head -n1; readlink /usr/sbin/keepalived; ls /etc/rc2.d | grep keepalived; /etc/init.d/keepalived status; stat -c '%a %U' /etc/keepalived/keepalived.conf`);
      expect(out).toContain('Keepalived v2.2.7');
      expect(out).toContain('/usr/local/keepalived/sbin/keepalived');
      expect(out).toMatch(/S\d\dkeepalived/);
      expect(out).toContain('keepalived is running');
      expect(out).toContain('640 root');
    }
    expect(await waitFor('the VIP on lvs1 only', holders, (l) => l.join() === 'lvs1')).toEqual(['lvs1']);
    expect(await onHost('lvs1', 'ip -o addr show eth0')).toContain(`${VIP}/32`);
    // the auth_pass never shows: not in diffs, messages or errors
    expect(JSON.stringify(r)).not.toContain(PASS);
    const diff = r.results.find((x) => x.resource.startsWith('keepalived config') && x.diff)?.diff;
    expect(diff?.after).toContain('auth_pass ********');
  });

  it('second run: nothing changes and the build is skipped (ok)', async () => {
    const t0 = Date.now();
    const r = await runOnLab(labPlaybook('keepalived lab', tarball, labSite()));
    const secs = (Date.now() - t0) / 1000;
    console.log(`second run: ${secs.toFixed(1)} s`);
    expect(failures(r)).toBe('');
    expect(totals(r).changed).toBe(0);
    const builds = rows(r, 'keepalived-build');
    expect(builds).toHaveLength(2);
    for (const b of builds) expect(b.status).toBe('ok');
    expect(secs).toBeLessThan(15);
  });

  it('check mode on the converged directors: nothing would change', async () => {
    const r = await runOnLab(labPlaybook('keepalived lab', tarball, labSite()), { check: true });
    expect(failures(r)).toBe('');
    expect(totals(r).changed).toBe(0);
  });

  it('a failed build reports the last lines of its log, keeps the log on the host and installs nothing', async () => {
    const prefix = '/opt/lvs-play-broken-keepalived';
    const log = '/var/log/lvs-play/keepalived-build-broken.log';
    await onHost('lvs2', `rm -rf ${prefix} ${log}`);
    const pb = playbook('broken build', [
      play('build', { hosts: 'lvs2' }, () => [
        keepalived.build({ version: '2.2.7', tarball, sha256: KEEPALIVED_SHA256, prefix, configureArgs: ['--disable-vrrp', '--enable-snmp-vrrp'], logFile: log, srcDir: '/usr/local/src/lvs-play-broken' }),
      ]),
    ]);
    const r = await runOnLab(pb);
    const failed = r.results.filter((x) => x.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.kind).toBe('keepalived-build');
    expect(failed[0]?.error).toContain('build failed');
    expect(failed[0]?.error).toContain('at "configure"');
    expect(failed[0]?.error).toContain('enable-snmp-vrrp requires vrrp');
    expect(failed[0]?.error).toContain(log);
    expect(await onHost('lvs2', `grep -c . ${log}`)).not.toBe('0\n');
    expect(await onHost('lvs2', `[ -e ${prefix} ] && echo present || echo absent`)).toBe('absent\n');
    // the real install is untouched
    expect(await onHost('lvs2', '/etc/init.d/keepalived status')).toContain('is running');
    await onHost('lvs2', `rm -rf ${prefix} /usr/local/src/lvs-play-broken ${log}`);
  });

  it('a config keepalived rejects is caught by keepalived -t on the host: live file unchanged, keepalived still runs', async () => {
    const hash = 'sha256sum /etc/keepalived/keepalived.conf | cut -d" " -f1';
    const before = { lvs1: await onHost('lvs1', hash), lvs2: await onHost('lvs2', hash) };
    const r = await runOnLab(labPlaybook('keepalived lab', tarball, labSite(3, 'bogus_keyword_from_test 1')));
    const failed = r.results.filter((x) => x.status === 'failed');
    // serial rollout, BACKUP first: lvs2 fails and the MASTER is never touched
    expect(failed.map((x) => x.host)).toEqual(['lvs2']);
    expect(failed[0]?.resource).toMatch(/^keepalived config/);
    expect(failed[0]?.error).toContain("Unknown keyword 'bogus_keyword_from_test'");
    expect(failed[0]?.error).toContain('left unchanged');
    expect(r.results.some((x) => x.host === 'lvs1' && x.resource.startsWith('keepalived config'))).toBe(false);
    expect(r.stopped).toBeTruthy();
    expect(JSON.stringify(r)).not.toContain(PASS);
    for (const h of ['lvs1', 'lvs2'] as const) {
      expect(await onHost(h, hash)).toBe(before[h]);
      expect(await onHost(h, '/etc/init.d/keepalived status')).toContain('is running');
      expect(await onHost(h, 'ls -a /etc/keepalived')).not.toContain('.lvs-');
    }
    expect(await holders()).toEqual(['lvs1']);
  });
});

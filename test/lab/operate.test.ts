/**
 * Operating the cluster on the netns lab (no IPVS there): `lvs-play status` names the MASTER and
 * the BACKUP, says IPVS is not available instead of failing, changes nothing on any host (checked
 * on the hosts), and after lvs1's keepalived is killed names lvs2 MASTER and exits non-zero.
 * `lvs-play drain` / `undrain` on the keepalived.conf and drained-record side: weight 0 on both
 * directors (keepalived reloaded, not restarted), a site run keeps it at 0 and says so, undrain
 * restores the inventory weight; both idempotent, --check changes nothing.
 * (Live IPVS weights and connection counts: test/e2e/operate.test.ts on the VM lab.)
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../src/status/model.js';
import type { RunReport } from '../../src/types.js';
import { holders } from './keepalived-support.js';
import { cli, ensureLab, onHost } from './support.js';

const E = ['-e', '{"realserver_groups":["linux_realservers"]}'];
const SITE = ['playbooks/site.ts', '-i', 'lab', ...E];
const json = (name: string) => join(tmpdir(), `lvs-operate-${process.pid}-${name}.json`);
const readJson = <T>(f: string) => JSON.parse(readFileSync(f, 'utf8')) as T;
const DIRECTORS = ['lvs1', 'lvs2'];
const HOSTS = [...DIRECTORS, 'rs1', 'rs2'];
const CONF = '/etc/keepalived/keepalived.conf';

function status(name: string): { code: number | null; stdout: string; report: StatusReport } {
  const r = cli(['status', '-i', 'lab', ...E, '--json', json(name)]);
  // every non-zero exit closes with one line on stderr (docs/reliability.md); nothing else is there
  expect(r.stderr).toBe(r.code === 2 ? 'lvs-play: exit 2: problems found (see the report above)\n' : '');
  return { code: r.code, stdout: r.stdout, report: readJson<StatusReport>(json(name)) };
}

const stateOf = (r: StatusReport) => Object.fromEntries(r.directors.map((d) => [d.name, d.instances[0]?.state]));

async function vipOn(who: string, ms = 15_000): Promise<void> {
  const t0 = Date.now();
  while ((await holders()).join() !== who) {
    if (Date.now() - t0 > ms) throw new Error(`VIP not on ${who} alone within ${ms} ms (holders: ${(await holders()).join(', ') || 'none'})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The real-server block of `address` in a keepalived.conf: its weight line. */
const weightIn = (conf: string, address: string) => new RegExp(`real_server ${address.replace(/\./g, '\\.')} 80 \\{\\n\\s+weight (\\d+)`).exec(conf)?.[1];
const changed = (r: RunReport) => Object.values(r.summary).reduce((a, s) => a + s.changed, 0);

describe('lvs-play status and drain on the netns lab', () => {
  beforeAll(async () => {
    await ensureLab();
    const r = cli([...SITE, '-l', 'directors:linux_realservers']);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    await vipOn('lvs1');
  });

  afterAll(async () => {
    cli(['undrain', 'rs1', '-i', 'lab', ...E]);
    // the lab as the other tests expect it: keepalived stopped, no VIP held
    for (const h of DIRECTORS) await onHost(h, '/etc/init.d/keepalived stop >/dev/null 2>&1; :');
  });

  it('names lvs1 MASTER and lvs2 BACKUP, says IPVS is not available, exit 0 when healthy', () => {
    const { code, stdout, report } = status('healthy');
    expect(code, stdout).toBe(0);
    expect(stateOf(report)).toEqual({ lvs1: 'MASTER', lvs2: 'BACKUP' });
    expect(report.vips).toEqual([{ address: '10.77.0.10', holders: ['lvs1'] }]);
    expect(report.directors.map((d) => [d.keepalived?.running, d.keepalived?.version, d.ipvs.available, d.ipvs.reason])).toEqual([
      [true, '2.2.7', false, 'no IPVS in this kernel (ip_vs is not loaded)'],
      [true, '2.2.7', false, 'no IPVS in this kernel (ip_vs is not loaded)'],
    ]);
    expect(report.realServers.map((r) => [r.name, r.vipOnLoopback, r.arp, r.listening, r.configuredWeight])).toEqual([
      ['rs1', true, { interface: 'eth0', ignore: 1, announce: 2 }, true, { lvs1: 3, lvs2: 3 }],
      ['rs2', true, { interface: 'eth0', ignore: 1, announce: 2 }, true, { lvs1: 1, lvs2: 1 }],
    ]);
    expect(report.problems).toEqual([]);
    expect(stdout).toMatch(/lvs1\s+10\.77\.0\.14\s+v2\.2\.7 pid \d+\s+MASTER prio 150/);
    expect(stdout).toMatch(/lvs2\s+10\.77\.0\.15\s+v2\.2\.7 pid \d+\s+BACKUP prio 100/);
    expect(stdout).toContain('IPVS: not available on the directors');
    expect(stdout).not.toContain('\u001b['); // no colors outside a terminal
    console.log(stdout);
  });

  it('changes nothing: on every host no file but the ssh login\'s own is written, addresses/sysctls/keepalived unchanged', async () => {
    const snap = `ip -o addr show; cat /proc/sys/net/ipv4/conf/*/arp_ignore /proc/sys/net/ipv4/conf/*/arp_announce; cat /run/keepalived.pid 2>/dev/null; sha256sum ${CONF} 2>/dev/null; ls /var/lib/lvs-play 2>/dev/null; :`;
    const before: Record<string, string> = {};
    for (const h of HOSTS) before[h] = await onHost(h, `touch /tmp/.status-mark; ${snap}`);
    await new Promise((r) => setTimeout(r, 1100));
    expect(status('readonly').code).toBe(0);
    // what an ssh login itself writes (sshd's log, pam_motd): allowed; anything else is a write by status
    const login = new Set(['/run', '/run/motd.dynamic', '/var/log/sshd.log', '/var/log/wtmp', '/var/log/lastlog', '/var/log/btmp', '/run/utmp']);
    for (const h of HOSTS) {
      const written = (await onHost(h, `{ find / -xdev -newer /tmp/.status-mark 2>/dev/null; find /run /tmp /dev/shm -newer /tmp/.status-mark 2>/dev/null; } | sort -u; rm -f /tmp/.status-mark`)).split('\n').filter(Boolean);
      expect({ h, written: written.filter((f) => !login.has(f)) }).toEqual({ h, written: [] });
      expect(await onHost(h, snap)).toBe(before[h]);
    }
  });

  it('after lvs1\'s keepalived is killed: lvs2 MASTER, lvs1 STOPPED, exit non-zero with the fix', async () => {
    // a crash: every keepalived process SIGKILLed at once (no priority-0 advert, the VIP may stay behind)
    await onHost('lvs1', 'pkill -KILL -x keepalived; :');
    const t0 = Date.now();
    while (!(await holders()).includes('lvs2') && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 200));
    try {
      const { code, stdout, report } = status('failover');
      console.log(stdout);
      expect(code).toBe(2);
      expect(stateOf(report)).toEqual({ lvs1: 'STOPPED', lvs2: 'MASTER' });
      const ids = report.problems.map((p) => `${p.id}@${p.host}`);
      // lvs1's kernel may keep the VIP a crashed keepalived held: status calls that out too
      expect(ids).toEqual(report.vips[0]!.holders.includes('lvs1') ? ['keepalived-down@lvs1', 'vip-on-two-hosts@null'] : ['keepalived-down@lvs1']);
      expect(stdout).toMatch(/lvs2\s+10\.77\.0\.15\s+v2\.2\.7 pid \d+\s+MASTER prio 100/);
      expect(stdout).toMatch(/keepalived is not running on lvs1.*\n\s+fix: start it on lvs1/);
    } finally {
      await onHost('lvs1', 'rm -f /run/keepalived.pid; /etc/init.d/keepalived start >/dev/null');
      await vipOn('lvs1');
    }
  });

  it('drain rs1: weight 0 in keepalived.conf on both directors (reloaded, not restarted), recorded; again = no change', async () => {
    const pids = await Promise.all(DIRECTORS.map((h) => onHost(h, 'cat /run/keepalived.pid')));
    const check = cli(['drain', 'rs1', '-i', 'lab', ...E, '--check', '--json', json('drain-check')]);
    expect(check.code, check.stdout).toBe(0);
    expect(changed(readJson<RunReport>(json('drain-check')))).toBe(4); // record + conf, on each director
    for (const h of DIRECTORS) expect(weightIn(await onHost(h, `cat ${CONF}`), '10.77.0.16')).toBe('3');

    const r = cli(['drain', 'rs1', '-i', 'lab', ...E, '--wait', '5s', '--json', json('drain')]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/ok: \[lvs1\] drain \| IPVS weight 10\.77\.0\.16 \(rs1\) = 0 — no IPVS on this host/);
    expect(r.stdout).toMatch(/ok: \[lvs1\] drain wait \| active connections to 10\.77\.0\.16 .* — no IPVS on this host: no connections to wait for/);
    expect(changed(readJson<RunReport>(json('drain')))).toBe(4);
    for (const [i, h] of DIRECTORS.entries()) {
      const conf = await onHost(h, `cat ${CONF}`);
      expect([h, weightIn(conf, '10.77.0.16'), weightIn(conf, '10.77.0.17')]).toEqual([h, '0', '1']);
      expect(await onHost(h, 'cat /var/lib/lvs-play/drained/10.77.0.16')).toBe('host=rs1\n');
      expect(await onHost(h, 'cat /run/keepalived.pid')).toBe(pids[i]); // reloaded, never restarted
    }
    expect(await holders()).toEqual(['lvs1']);

    const again = cli(['drain', 'rs1', '-i', 'lab', ...E, '--wait', '1s', '--json', json('drain-again')]);
    expect(again.code).toBe(0);
    expect(changed(readJson<RunReport>(json('drain-again')))).toBe(0);

    const { report } = status('drained');
    expect(report.directors.map((d) => d.drained)).toEqual([['10.77.0.16'], ['10.77.0.16']]);
    expect(report.realServers.find((x) => x.name === 'rs1')).toMatchObject({ drained: true, configuredWeight: { lvs1: 0, lvs2: 0 } });
  });

  it('a site run keeps the drained rs1 at weight 0 and says so', async () => {
    const r = cli([...SITE, '-l', 'directors']);
    expect(r.code, r.stdout.slice(-3000)).toBe(0);
    expect(r.stdout).toMatch(/ok: \[lvs1\] .*keepalived config \/etc\/keepalived\/keepalived\.conf — as wanted; 10\.77\.0\.16 kept at weight 0: drained \(lvs-play undrain restores it/);
    for (const h of DIRECTORS) expect(weightIn(await onHost(h, `cat ${CONF}`), '10.77.0.16')).toBe('0');
  });

  it('undrain rs1: the inventory weight (3) back, the record gone; again = no change', async () => {
    const r = cli(['undrain', 'rs1', '-i', 'lab', ...E, '--json', json('undrain')]);
    expect(r.code, r.stdout).toBe(0);
    expect(changed(readJson<RunReport>(json('undrain')))).toBe(4);
    for (const h of DIRECTORS) {
      expect(weightIn(await onHost(h, `cat ${CONF}`), '10.77.0.16')).toBe('3');
      expect(await onHost(h, 'ls /var/lib/lvs-play/drained/')).toBe('');
    }
    const check = cli(['undrain', 'rs1', '-i', 'lab', ...E, '--check', '--json', json('undrain-check')]);
    expect(check.code).toBe(0);
    expect(changed(readJson<RunReport>(json('undrain-check')))).toBe(0);
    const site = cli([...SITE, '-l', 'directors', '--json', json('site-after')]);
    expect(site.code).toBe(0);
    expect(changed(readJson<RunReport>(json('site-after')))).toBe(0); // the site and undrain agree
  });
});

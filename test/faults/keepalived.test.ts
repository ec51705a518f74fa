/**
 * keepalived faults on the lab directors (VRRP only: the netns lab has no IPVS). "The VIP is
 * served" is checked from the client namespace: a tiny TCP responder (python3 http.server on
 * port 80, allowed to the VIP by the site's firewall) runs on both directors, so a connection to
 * 10.77.0.10:80 succeeds only while some director holds the VIP; the client connects every 100 ms
 * during the run. The holders (who has 10.77.0.10 on eth0) are sampled every 100 ms alongside.
 *
 * Faults: the run must not end with the VIP unheld (keepalived stopped on both, then the site);
 * the HA rollout with the BACKUP unreachable or its config rejected (the MASTER never touched);
 * a config that fails `keepalived -t` on the MASTER; a full disk where the config is written;
 * a build that fails (a corrupt tarball, no compiler, a wrong checksum). Each time: nothing
 * linked or replaced, keepalived keeps running (same pid) and the VIP stays served.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hostExec, stopSshd } from '../../src/lab/index.js';
import { ensureKeepalivedTarball, KEEPALIVED_SHA256 } from '../../src/lab/sources.js';
import type { RunReport } from '../../src/types.js';
import { holders } from '../lab/keepalived-support.js';
import { ensureLab } from '../lab/support.js';
import { recordFault } from './record.js';
import { badRow, onHost, onHostRaw, procs, readReport, reportPath, runCli, standardLab } from './support.js';

const DIRECTORS = ['lvs1', 'lvs2'] as const;
const BIN = '/usr/local/keepalived/sbin/keepalived';
const CONF = '/etc/keepalived/keepalived.conf';
const site = (inv = 'lab') => ['playbooks/site.ts', '-i', inv, '--limit', 'directors', '--tags', 'keepalived'];
const SITE = site();
const FAULT_INV = 'test/faults/fixtures/lab-faults.ts';

interface KaState { pid: string; running: boolean; conf: string; bin: string }

async function kaState(h: string): Promise<KaState> {
  const out = await onHost(h, `pid=$(cat /run/keepalived.pid 2>/dev/null); echo "pid=$pid"; if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo running=1; else echo running=0; fi
echo "conf=$(sha256sum < ${CONF} | cut -c1-16)"; echo "bin=$(sha256sum < ${BIN} | cut -c1-16) $(stat -c %Y ${BIN})"`);
  const kv = Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { pid: kv.pid ?? '', running: kv.running === '1', conf: kv.conf ?? '', bin: kv.bin ?? '' };
}

const states = async () => Object.fromEntries(await Promise.all(DIRECTORS.map(async (h) => [h, await kaState(h)] as const))) as Record<string, KaState>;

const PROBE = `import os, socket, sys, time
ok = fail = 0; fails = []
while not os.path.exists('/tmp/lvs-fault-probe.stop'):
    t = time.time()
    try:
        socket.create_connection(('10.77.0.10', 80), timeout=0.5).close(); ok += 1
    except Exception as e:
        fail += 1; fails.append('%.1f %s' % (t, e))
    time.sleep(max(0, 0.1 - (time.time() - t)))
print('ok=%d fail=%d' % (ok, fail)); print('\\n'.join(fails[:5]))`;

/** Requests to the VIP from the client every 100 ms, and the holders every 100 ms, until stopped. */
function watchVip() {
  const samples: string[][] = [];
  let on = true;
  const sampler = (async () => {
    while (on) {
      const t = Date.now();
      samples.push(await holders());
      await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - t))));
    }
  })();
  const probe = (async () => {
    await onHostRaw('client', 'rm -f /tmp/lvs-fault-probe.stop');
    return hostExec('client', ['python3', '-c', PROBE]);
  })();
  return {
    async stop() {
      on = false;
      await sampler;
      await onHost('client', 'touch /tmp/lvs-fault-probe.stop');
      const r = await probe;
      const m = /ok=(\d+) fail=(\d+)/.exec(r.stdout);
      const unheld = samples.filter((s) => s.length === 0).length;
      const notLvs1 = samples.filter((s) => s.join() !== 'lvs1').length;
      return { ok: Number(m?.[1] ?? 0), fail: m ? Number(m[2]) : -1, detail: r.stdout.trim().split('\n').slice(1).join('; '), samples: samples.length, unheld, notLvs1 };
    },
  };
}

async function responders(on: boolean): Promise<void> {
  for (const h of DIRECTORS) {
    for (const p of await procs(h, 'python3', 'http.server')) process.kill(p, 'SIGTERM');
    if (on) await onHost(h, 'cd /tmp && setsid python3 -m http.server 80 --bind 0.0.0.0 >/dev/null 2>&1 </dev/null &');
  }
  if (on) await new Promise((r) => setTimeout(r, 700));
}

/** The standard rollout (site.ts, the directors' keepalived plays): VIP on lvs1. */
async function standardRollout(): Promise<void> {
  const r = await runCli(SITE, 180_000);
  if (r.code !== 0) throw new Error(`standard rollout failed (exit ${r.code}):\n${r.stdout.slice(-2000)}\n${r.stderr}`);
}

/**
 * One fault run: the standard rollout, the directors' state, the fault injected, the VIP watched
 * while the CLI runs, then the state again.
 */
async function watchedRun(args: string[], boundMs: number, o: { env?: NodeJS.ProcessEnv; inject?: () => Promise<void> } = {}) {
  await standardRollout();
  const before = await states();
  await o.inject?.();
  const watch = watchVip();
  const res = await runCli(args, boundMs, o.env);
  const vip = await watch.stop();
  const after = await states();
  return { before, after, vip, res };
}

const changedOn = (r: RunReport, h: string) => r.results.filter((x) => x.host === h && x.status === 'changed').map((x) => x.resource);

describe('keepalived faults', () => {
  let tarball = '';

  beforeAll(async () => {
    await ensureLab();
    await standardLab();
    tarball = await ensureKeepalivedTarball();
    await responders(true);
  });

  afterEach(async () => {
    await standardLab();
  });

  afterAll(async () => {
    for (const h of DIRECTORS) await onHostRaw(h, `umount ${'/etc/keepalived'} 2>/dev/null; umount /usr/bin/x86_64-linux-gnu-gcc-12 2>/dev/null; rm -rf /usr/local/src/keepalived-2.2.8* /usr/local/src/keepalived_2.2.8*; true`);
    await standardLab();
    await responders(false);
    // the lab's standard keepalived config, then stopped (as the lab tests leave it)
    await standardRollout().catch(() => undefined);
    for (const h of DIRECTORS) await onHostRaw(h, '/etc/init.d/keepalived stop');
  });

  it('keepalived stopped on both directors, then the site: the run returns with the VIP held by the MASTER (and keeps it)', async () => {
    for (const h of DIRECTORS) await onHost(h, '/etc/init.d/keepalived stop >/dev/null 2>&1; true');
    expect(await holders()).toEqual([]);
    const json = reportPath('vip-unheld');
    const res = await runCli([...SITE, '--json', json], 180_000);
    const after: string[][] = [];
    for (let i = 0; i < 40; i++) {
      after.push(await holders());
      await new Promise((r) => setTimeout(r, 100));
    }
    const report = readReport(json);
    const bad = after.filter((s) => s.join() !== 'lvs1').length;
    const vipRows = report.results.filter((x) => x.play === 'keepalived VIP').map((x) => `${x.host}:${x.status}`);
    const ok = res.code === 0 && bad === 0 && vipRows.length === 2;
    recordFault('run ends with the VIP unheld (keepalived stopped on both)', `exit ${res.code}; holders in the 4 s after return: ${after.length - bad}/${after.length} samples lvs1 only (first: ${after[0]?.join() || 'none'}); ${vipRows.join(' ')}`, ok);
    expect(res.code, res.stdout.slice(-3000)).toBe(0);
    expect(vipRows.sort()).toEqual(['lvs1:ok', 'lvs2:ok']);
    expect(after.filter((s) => s.join() !== 'lvs1')).toEqual([]);
  });

  it('HA rollout, the BACKUP unreachable: the MASTER is never touched, the VIP served throughout, exit 3', async () => {
    const json = reportPath('ha-unreachable');
    const { before, after, vip, res } = await watchedRun([...SITE, '--json', json, '-e', 'weight=7'], 120_000, { inject: () => stopSshd('lvs2') });
    const report = readReport(json);
    const row = badRow(report, 'lvs2');
    const rolloutOnLvs1 = report.results.filter((x) => x.host === 'lvs1' && (x.play === 'keepalived rollout' || x.play === 'keepalived VIP'));
    const ok = res.code === 3 && row?.status === 'unreachable' && rolloutOnLvs1.length === 0 && JSON.stringify(after.lvs1) === JSON.stringify(before.lvs1) && vip.fail === 0 && vip.unheld === 0;
    recordFault('HA rollout: BACKUP unreachable', `exit ${res.code}; lvs2 ${row?.status} at ${row?.resource}; lvs1 rollout rows ${rolloutOnLvs1.length}, pid/config/binary ${JSON.stringify(after.lvs1) === JSON.stringify(before.lvs1) ? 'unchanged' : 'CHANGED'}; client requests ${vip.ok} ok, ${vip.fail} failed; ${vip.samples} holder samples, ${vip.unheld} unheld`, ok);
    expect(res.code, res.stdout.slice(-2000)).toBe(3);
    expect(row).toMatchObject({ status: 'unreachable' });
    expect(report.stopped).toMatch(/serial batch/);
    expect(rolloutOnLvs1).toEqual([]);
    expect(after.lvs1).toEqual(before.lvs1);
    expect(vip).toMatchObject({ fail: 0, unheld: 0, notLvs1: 0 });
  });

  it('HA rollout, the BACKUP rejects its config (keepalived -t): the MASTER is never touched, the VIP served throughout, exit 2', async () => {
    const json = reportPath('ha-rejected');
    const { before, after, vip, res } = await watchedRun([...site(FAULT_INV), '--json', json, '-e', 'weight=7'], 120_000, {
      env: { LVS_FAULT_HOST_VARS: JSON.stringify({ lvs2: { vrrp_interface: 'nosuch0' } }) },
    });
    const report = readReport(json);
    const row = badRow(report, 'lvs2');
    const lvs1Rows = report.results.filter((x) => x.host === 'lvs1' && x.play !== 'keepalived build');
    const ok = res.code === 2 && /keepalived config|keepalived\.conf/.test(row?.resource ?? '') && lvs1Rows.length === 0 && JSON.stringify(after) === JSON.stringify(before) && vip.fail === 0 && vip.unheld === 0;
    recordFault('HA rollout: BACKUP config rejected (keepalived -t)', `exit ${res.code}; lvs2 ${row?.status} at ${row?.resource}; lvs1 rows after the build ${lvs1Rows.length}; both directors' pid/config/binary ${JSON.stringify(after) === JSON.stringify(before) ? 'unchanged' : 'CHANGED'}; client requests ${vip.ok} ok, ${vip.fail} failed; ${vip.unheld} unheld samples`, ok);
    expect(res.code, res.stdout.slice(-2000)).toBe(2);
    expect(row?.status).toBe('failed');
    expect(row?.error).toMatch(/nosuch0|Non-existent interface|validate failed/);
    expect(lvs1Rows).toEqual([]);
    expect(after).toEqual(before);
    expect(vip).toMatchObject({ fail: 0, unheld: 0, notLvs1: 0 });
  });

  it('the MASTER gets a config keepalived -t rejects: nothing replaced, keepalived keeps running and keeps the VIP, exit 2', async () => {
    const json = reportPath('master-rejected');
    const { before, after, vip, res } = await watchedRun(['playbooks/site.ts', '-i', FAULT_INV, '--limit', 'lvs1', '--tags', 'keepalived', '--json', json, '-e', 'weight=7'], 120_000, {
      env: { LVS_FAULT_HOST_VARS: JSON.stringify({ lvs1: { vrrp_interface: 'nosuch0' } }) },
    });
    const row = badRow(readReport(json), 'lvs1');
    const ok = res.code === 2 && row?.status === 'failed' && JSON.stringify(after) === JSON.stringify(before) && vip.fail === 0 && vip.notLvs1 === 0;
    recordFault('config fails keepalived -t (MASTER)', `exit ${res.code}; lvs1 ${row?.status} at ${row?.resource}; pid/config ${JSON.stringify(after) === JSON.stringify(before) ? 'unchanged' : 'CHANGED'}; client requests ${vip.ok} ok, ${vip.fail} failed; VIP on lvs1 in ${vip.samples - vip.notLvs1}/${vip.samples} samples`, ok);
    expect(res.code, res.stdout.slice(-2000)).toBe(2);
    expect(row?.error).toMatch(/nosuch0|Non-existent interface|validate failed/);
    expect(after).toEqual(before);
    expect(vip).toMatchObject({ fail: 0, notLvs1: 0 });
  });

  it('a full disk where the config is written (64 kB tmpfs on /etc/keepalived of lvs2): a clear error, the old file intact, keepalived still running', async () => {
    await standardRollout();
    const before = await states();
    const old = await onHost('lvs2', `cat ${CONF}`);
    try {
      await onHost('lvs2', `set -e; cp -a ${CONF} /tmp/lvs-fault-ka.conf; mount -t tmpfs -o size=64k tmpfs /etc/keepalived; cp -a /tmp/lvs-fault-ka.conf ${CONF}; dd if=/dev/zero of=/etc/keepalived/.fill bs=4k 2>/dev/null || true`);
      const json = reportPath('full-disk');
      const res = await runCli(['playbooks/site.ts', '-i', 'lab', '--limit', 'lvs2', '--tags', 'keepalived', '--json', json, '-e', 'weight=7'], 120_000);
      const row = badRow(readReport(json), 'lvs2');
      const now = await onHost('lvs2', `cat ${CONF}`);
      const temps = await onHost('lvs2', 'ls -A /etc/keepalived | grep -c lvs- || true');
      const after = await kaState('lvs2');
      const ok = res.code === 2 && /No space left on device/.test(row?.error ?? '') && now === old && temps.trim() === '0' && after.running && after.pid === before.lvs2!.pid;
      recordFault('full disk where keepalived.conf is written', `exit ${res.code}; lvs2 ${row?.status} at ${row?.resource}: ${/No space left on device/.test(row?.error ?? '') ? '"No space left on device"' : row?.error}; old file ${now === old ? 'intact' : 'CHANGED'}; temps left ${temps.trim()}; keepalived ${after.running ? `running (pid ${after.pid})` : 'NOT running'}`, ok);
      expect(res.code, res.stdout.slice(-2000)).toBe(2);
      expect(row?.error).toMatch(/No space left on device/);
      expect(now).toBe(old);
      expect(temps.trim()).toBe('0');
      expect(after).toMatchObject({ running: true, pid: before.lvs2!.pid });
    } finally {
      await onHostRaw('lvs2', 'umount /etc/keepalived; rm -f /tmp/lvs-fault-ka.conf');
    }
  });

  /** A build "upgrade" to 2.2.8 with this tarball/sha256; the live 2.2.7 must stay. */
  async function failedBuild(name: string, o: { tarball: string; sha256: string; code: number; error: RegExp }, inject?: () => Promise<void>) {
    const json = reportPath(name);
    const { before, after, vip, res } = await watchedRun(['test/faults/fixtures/build.ts', '-i', 'lab', '--json', json, '-e', `fault_tarball=${o.tarball}`, '-e', `fault_sha256=${o.sha256}`], 300_000, inject ? { inject } : {});
    const report = o.code === 4 ? null : readReport(json);
    const rows = report ? DIRECTORS.map((h) => badRow(report, h)) : [];
    const installed = await onHost('lvs1', `${BIN} --version 2>&1 | head -n 1`);
    const text = report ? rows.map((r) => r?.error ?? '').join('\n') : res.stderr;
    const ok = res.code === o.code && o.error.test(text) && JSON.stringify(after) === JSON.stringify(before) && vip.fail === 0 && vip.notLvs1 === 0 && /v2\.2\.7/.test(installed);
    recordFault(name, `exit ${res.code}; ${report ? rows.map((r) => `${r?.host} ${r?.status}`).join(', ') : 'refused before any host'}: ${(o.error.exec(text)?.[0] ?? text.split('\n')[0])}; binary/pid/config ${JSON.stringify(after) === JSON.stringify(before) ? 'unchanged' : 'CHANGED'} (${installed.trim().slice(0, 16)}); client requests ${vip.ok} ok, ${vip.fail} failed`, ok);
    expect(res.code, res.stdout.slice(-2000) + res.stderr).toBe(o.code);
    expect(text).toMatch(o.error);
    expect(after).toEqual(before);
    expect(installed).toMatch(/v2\.2\.7/);
    expect(vip).toMatchObject({ fail: 0, notLvs1: 0 });
  }

  it('a keepalived build from a corrupt tarball (its sha256 matches, its content is cut): nothing installed, keepalived keeps running and the VIP', async () => {
    const corrupt = '/tmp/lvs-fault-keepalived-2.2.8-corrupt.tar.gz';
    writeFileSync(corrupt, readFileSync(tarball).subarray(0, 300_000));
    const sha = createHash('sha256').update(readFileSync(corrupt)).digest('hex');
    await failedBuild('keepalived build: corrupt tarball', { tarball: corrupt, sha256: sha, code: 2, error: /build failed[^\n]*nothing was installed or linked/ });
  });

  it('a keepalived build without a compiler: nothing installed, keepalived keeps running and the VIP', async () => {
    try {
      await failedBuild('keepalived build: no compiler', { tarball, sha256: KEEPALIVED_SHA256, code: 2, error: /build failed[^\n]*nothing was installed or linked/ }, async () => {
        for (const h of DIRECTORS) await onHost(h, 'mount --bind /dev/null /usr/bin/x86_64-linux-gnu-gcc-12');
      });
    } finally {
      for (const h of DIRECTORS) await onHostRaw(h, 'umount /usr/bin/x86_64-linux-gnu-gcc-12');
    }
  });

  it('a keepalived tarball with the wrong checksum: refused before any host is contacted (exit 4), nothing changed', async () => {
    await failedBuild('keepalived build: wrong checksum', { tarball, sha256: '0'.repeat(64), code: 4, error: /sha256/ });
  });
});

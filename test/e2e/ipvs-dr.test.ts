// End to end: the reference procedure's acceptance on REAL IPVS. Directors lvs1 (MASTER) and lvs2
// (BACKUP) are qemu VMs with Debian's kernel (`lab up --directors vm`), real servers rs1/rs2 and the
// client are netns hosts on the same bridge. The project's site playbook (playbooks/site.ts) runs
// through the CLI over ssh (test/e2e/site.ts says which -e the VM variant needs); then, from the
// client (10.77.0.20):
// wrr 3:1 over DR, the exact IPVS table, a dead real server dropped and back, the MASTER's
// keepalived killed and the MASTER VM killed (BACKUP takes the VIP), and a second run changes nothing.
// Needs root, qemu and /dev/net/tun; otherwise it is SKIPPED with the reason in its name.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDir, labHosts, labUp, loadTopology, reserveLab, vmVariantUnavailable, type LabReservation } from '../../src/lab/index.js';
import { macFor } from '../../src/lab/vm/qemu.js';
import { readPid } from '../../src/lab/vm/vm.js';
import { sh } from '../../src/shell/quote.js';
import type { RunReport } from '../../src/types.js';
import { PORT, SITE, checkTiming, okReport, runSite, type CheckTiming } from './site.js';
import {
  type Answer, captureVrrp, failed, giveLabBack, onNetns, onVm, requests, requestsFor, sleep, startHttp, stopHttp, tally, takeover, waitFor,
} from './support.js';

const reason = await vmVariantUnavailable();
if (reason) console.warn(`e2e (real IPVS) SKIPPED: ${reason}`);

const topology = loadTopology();
const hosts = labHosts(topology);
const BRIDGE = topology.network.bridge;
const VIP = topology.network.vip ?? '10.77.0.10';
/** The site's advert_int (playbooks/site.ts). */
const ADVERT_INT = 1;
const addr = (name: string): string => {
  const h = hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no lab host ${name} in lab/topology.json`);
  return h.address;
};
const LVS1 = addr('lvs1');
const LVS2 = addr('lvs2');
const RS = ['rs1', 'rs2'] as const;
/** The lab inventory's `weight` vars (rs1 = 3, rs2 = 1). */
const WEIGHT: Record<string, number> = Object.fromEntries(hosts.filter((h) => h.groups.includes('linux_realservers')).map((h) => [h.name, Number(h.vars.weight)]));
const URL = `http://${VIP}:${PORT}/`;
/** What keepalived got (read from lvs1's keepalived.conf after the first run). */
let timing: CheckTiming = { delayLoop: 2, connectTimeout: 3, retry: 1, delayBeforeRetry: 1 };
/** The promise of the test: a dead real server is out of IPVS within delay_loop + connect_timeout (+1 s). */
const dropBoundMs = (): number => (timing.delayLoop + timing.connectTimeout + 1) * 1000;

const log = (line: string): void => {
  process.stdout.write(`[e2e] ${line}\n`);
};
const timings: Record<string, number> = {};
const measured: Record<string, unknown> = {};
async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    timings[name] = Math.round((Date.now() - t0) / 100) / 10;
    log(`${name}: ${timings[name]} s`);
  }
}

const ipvsTable = async (address: string): Promise<string[]> =>
  (await onVm(address, 'ipvsadm -S -n')).trim().split('\n').filter(Boolean);
const hasVip = async (address: string): Promise<boolean> =>
  (await onVm(address, 'ip -o -4 addr show dev eth0')).includes(` ${VIP}/32 `);
const changedByHost = (r: RunReport): Record<string, number> =>
  Object.fromEntries(Object.entries(r.summary).map(([h, s]) => [h, s.changed]));

const ADD_LINE = `-A -t ${VIP}:${PORT} -s wrr`;
const rsLine = (name: string): string => `-a -t ${VIP}:${PORT} -r ${addr(name)}:${PORT} -g -w ${WEIGHT[name]}`;

/** Gap of an outage seen by the client: first failed request → first answered one after it. */
function outage(answers: readonly Answer[], from: number): { failedRequests: number; gapMs: number; firstFailedAt: number | null } {
  const after = answers.filter((a) => a.at >= from);
  const firstFail = after.find(failed);
  if (!firstFail) return { failedRequests: 0, gapMs: 0, firstFailedAt: null };
  const back = after.find((a) => a.at > firstFail.at && !failed(a));
  return {
    failedRequests: after.filter(failed).length,
    gapMs: (back?.at ?? Number.POSITIVE_INFINITY) - firstFail.at,
    firstFailedAt: firstFail.at,
  };
}

describe.skipIf(reason !== null)(`LVS-DR on real IPVS (VM directors)${reason ? ` — SKIPPED: ${reason}` : ''}`, () => {
  // The lab lock is held for the whole file: another process's `lab up` (the lab tests' ensureLab)
  // waits instead of putting the netns directors back under this test.
  let reservation: LabReservation | undefined;

  beforeAll(async () => {
    reservation = await reserveLab({ progress: log });
    await timed('lab up --directors vm (netns lab + 2 VMs booting at once, TCG)', () => labUp({ directors: 'vm', progress: log, reservation }));
    await timed('http servers started on rs1, rs2', () => Promise.all(RS.map((h) => startHttp(h, PORT))));
    const first = okReport(await timed(`${SITE}, first run (CLI)`, () => runSite()));
    measured.firstRunChanged = changedByHost(first);
    timing = checkTiming(await onVm(LVS1, 'cat /etc/keepalived/keepalived.conf'));
    measured.checkTiming = timing;
    // keepalived is up on both; wait (bounded) until the VIP answers the client
    await timed('VIP answers after the first run', () =>
      waitFor('the VIP to answer the client', 30_000, async () => {
        const [a] = await requests(1, { url: URL, timeoutS: 1 });
        return a !== undefined && !failed(a);
      }, 500));
    // steady state: the MASTER holds the VIP, the BACKUP does not (lvs1, rolled out last, preempts)
    await waitFor('lvs1 alone to hold the VIP', 20_000, async () => (await hasVip(LVS1)) && !(await hasVip(LVS2)), 500);
  });

  afterAll(async () => {
    log(`timings (s): ${JSON.stringify(timings)}`);
    log(`measured: ${JSON.stringify(measured)}`);
    // Give the lab back as the other tests expect it: netns directors (the VMs are stopped), no HTTP
    // servers, real servers without the VIP.
    await giveLabBack({ realServers: RS, vip: VIP, port: PORT, reservation, log });
  });

  it('the VMs run the real kernel IPVS and the lab known_hosts carries their keys (node-ssh verified them)', async () => {
    for (const a of [LVS1, LVS2]) {
      expect(await onVm(a, 'test -d /proc/sys/net/ipv4/vs && grep -c "^ip_vs " /proc/modules')).toBe('1\n');
      const pub = (await readFile(join(labDir(), 'vm', a === LVS1 ? 'lvs1' : 'lvs2', 'ssh_host_ed25519_key.pub'), 'utf8')).trim().split(/\s+/);
      const kh = await readFile(join(labDir(), 'known_hosts'), 'utf8');
      expect(kh.split('\n').filter((l) => l.startsWith(`${a} `))).toEqual([`${a} ${pub[0]} ${pub[1]}`]);
    }
  });

  it(`${200} requests to the VIP are all answered, by both real servers, in the wrr ratio ${WEIGHT.rs1}:${WEIGHT.rs2}`, async () => {
    const answers = await timed('200 requests', () => requests(200, { url: URL, timeoutS: 2 }));
    const t = tally(answers);
    measured.distribution = t;
    log(`distribution over 200 requests: ${JSON.stringify(t)}`);
    expect(answers.filter(failed)).toEqual([]);
    expect(Object.keys(t).sort()).toEqual(['rs1', 'rs2']);
    const w1 = WEIGHT.rs1 ?? 0;
    const w2 = WEIGHT.rs2 ?? 0;
    const share = (t.rs1 ?? 0) / answers.length;
    measured.rs1Share = share;
    expect(Math.abs(share - w1 / (w1 + w2))).toBeLessThanOrEqual(0.05);
  });

  it('ipvsadm -S -n on the MASTER (and the BACKUP) is exactly what the config implies; only the MASTER holds the VIP', async () => {
    expect(await hasVip(LVS1)).toBe(true);
    expect(await hasVip(LVS2)).toBe(false);
    const expected = [ADD_LINE, rsLine('rs1'), rsLine('rs2')];
    for (const a of [LVS1, LVS2]) {
      const lines = await ipvsTable(a);
      log(`ipvsadm -S -n on ${a}:\n  ${lines.join('\n  ')}`);
      expect(lines[0]).toBe(ADD_LINE);
      expect([...lines].sort()).toEqual([...expected].sort());
    }
  });

  it('a dead real server is dropped within delay_loop + connect_timeout + 1 s and comes back', async () => {
    const DROP_BOUND_MS = dropBoundMs();
    log(`health checks: ${JSON.stringify(timing)} → bound ${DROP_BOUND_MS} ms`);
    // 2 s per request: a TCG VM that stalls for a moment must not count as a wrong answer (two runs of
    // eight saw 0.5 s timeouts 8–9 s after the stop, long after keepalived had removed rs2)
    const client = requestsFor(16, { url: URL, timeoutS: 2, pauseS: 0.05 });
    await sleep(2000);
    const t0 = Date.now();
    await stopHttp('rs2', PORT);
    try {
      const answers = await client;
      const after = answers.filter((a) => a.at >= t0);
      // What the dead real server causes: answers from it, or connections refused by it. A timeout is
      // not its doing (a stopped rs2 refuses at once): that is the emulated director stalling, counted apart.
      const fromDead = (a: { body: string }) => a.body === 'rs2' || a.body.includes('ConnectionRefused');
      const stalls = after.filter((a) => a.body.includes('Timeout'));
      const lastNotRs1 = Math.max(t0, ...after.filter(fromDead).map((a) => a.at));
      measured.realServerDrop = { lastWrongAnswerMs: lastNotRs1 - t0, failedRequests: after.filter(failed).length, timeouts: stalls.length, requests: after.length };
      log(`rs2 stopped: last answer from the dead server ${lastNotRs1 - t0} ms after, ${after.filter(failed).length} failed of ${after.length} (${stalls.length} timeouts)`);
      const odd = after.filter((a) => a.body !== 'rs1').map((a) => `${a.body}@+${a.at - t0}ms`);
      const journal = await onVm(LVS1, sh`journalctl -u keepalived -o short-precise --no-pager | grep -F ${addr('rs2')} | tail -n 2; ipvsadm -L -n -c | grep -cF ${`${addr('rs2')}:`}; :`);
      log(`  stopped at ${new Date(t0).toISOString()}; not from rs1: ${odd.join(', ')}\n  keepalived on lvs1 (and IPVS connection entries to rs2):\n  ${journal.trim().split('\n').join('\n  ')}`);
      expect(lastNotRs1 - t0).toBeLessThanOrEqual(DROP_BOUND_MS);
      expect(stalls.length).toBeLessThanOrEqual(2);
      const late = after.filter((a) => a.at > t0 + DROP_BOUND_MS && !a.body.includes('Timeout'));
      expect(late.length).toBeGreaterThan(20);
      expect(new Set(late.map((a) => a.body))).toEqual(new Set(['rs1']));
      for (const a of [LVS1, LVS2]) expect(await ipvsTable(a)).toEqual([ADD_LINE, rsLine('rs1')]);
    } finally {
      // later tests need rs2 serving, whatever happened above
      const t1 = Date.now();
      await startHttp('rs2', PORT);
      await waitFor('rs2 back in IPVS on the MASTER', DROP_BOUND_MS + 10_000, async () => (await ipvsTable(LVS1)).includes(rsLine('rs2')), 200);
      measured.realServerBackMs = Date.now() - t1;
      log(`rs2 restarted: back in the MASTER's IPVS table after ${Date.now() - t1} ms (incl. ssh round trips)`);
    }
    const again = tally(await requests(40, { url: URL, timeoutS: 2 }));
    expect(again.rs2 ?? 0).toBeGreaterThan(0);
    expect(Object.keys(again).sort()).toEqual(['rs1', 'rs2']);
  });

  it('a second run of the playbook changes nothing on any host', async () => {
    const r = okReport(await timed(`${SITE}, second run (CLI)`, () => runSite()));
    const changed = changedByHost(r);
    measured.secondRunChanged = changed;
    const rows = r.results.filter((x) => x.status === 'changed').map((x) => `${x.host} ${x.resource}`);
    expect(rows).toEqual([]);
    expect(Object.keys(changed).sort()).toEqual(['lvs1', 'lvs2', 'rs1', 'rs2']);
    expect(Object.values(changed).every((n) => n === 0)).toBe(true);
  });

  // The walkthrough's locality-based scheduler and current IPVS's Maglev hashing, end to end: the
  // site's lb_algo, each director's module check (ip_vs_NAME loadable in Debian's kernel), keepalived
  // reloaded with the new scheduler, the kernel's table showing it, the VIP answering through it.
  for (const algo of ['lblcr', 'mh'] as const) {
    it(`lb_algo ${algo}: the directors have ip_vs_${algo}, IPVS schedules with it, the VIP answers`, async () => {
      const r = okReport(await timed(`${SITE} with lb_algo=${algo}`, () => runSite(20 * 60_000, { lb_algo: algo })));
      const checks = r.results.filter((x) => x.resource === `ipvs scheduler ${algo} (ip_vs_${algo})`);
      expect(checks.map((x) => `${x.host} ${x.status}`).sort()).toEqual(['lvs1 ok', 'lvs2 ok']);
      for (const a of [LVS1, LVS2]) {
        await waitFor(`${a}'s IPVS table to schedule with ${algo}`, 20_000, async () => (await ipvsTable(a))[0] === `-A -t ${VIP}:${PORT} -s ${algo}`, 300);
        expect(await onVm(a, `grep -c '^ip_vs_${algo} ' /proc/modules`)).toBe('1\n');
      }
      const answers = await requests(40, { url: URL, timeoutS: 2 });
      measured[`${algo}Distribution`] = tally(answers);
      expect(answers.filter(failed)).toEqual([]);
    });
  }

  it('back to wrr (the site\'s default) for the tests below', async () => {
    okReport(await timed(`${SITE} back to wrr`, () => runSite()));
    await waitFor("lvs1's IPVS table back on wrr", 20_000, async () => (await ipvsTable(LVS1))[0] === ADD_LINE, 300);
  });

  it("the MASTER's keepalived crashes (SIGKILL, frozen first so it cannot say goodbye): the BACKUP takes the VIP, requests keep being answered", async () => {
    const wire = await captureVrrp(BRIDGE, 18);
    const client = requestsFor(16, { url: URL, timeoutS: 0.5, pauseS: 0.05 });
    await sleep(2000);
    const t0 = Date.now();
    // A plain SIGKILL of the unit lets keepalived's VRRP child (parent-death signal SIGTERM) send a
    // priority-0 advert first — a clean handover (seen: takeover 0.6 s). SIGSTOP first = a real crash.
    const killed = await onVm(LVS1, 'systemctl kill --signal=SIGSTOP keepalived && systemctl kill --signal=SIGKILL keepalived; sleep 0.2; pgrep -c keepalived || true');
    await waitFor('lvs2 to hold the VIP', 15_000, () => hasVip(LVS2), 200);
    const answers = await client;
    const o = outage(answers, t0);
    const w = takeover(await wire.done, LVS1, LVS2, t0 - 1000);
    const neigh = await onNetns('client', sh`ip neigh show ${VIP}`);
    const staleVip = await hasVip(LVS1);
    measured.keepalivedKill = { ...o, requests: answers.filter((a) => a.at >= t0).length, vrrp: w, keepalivedLeftOnLvs1: killed.trim(), vipLeftOnLvs1: staleVip, clientArp: neigh.trim() };
    log(`keepalived crashed on lvs1 (processes left: ${killed.trim()}, its VIP left behind: ${staleVip}): VRRP on the wire: lvs2's first advert ${w.takeoverMs} ms after lvs1's last, lvs1 sent priority 0: ${w.oldSentPriority0}; client: ${o.failedRequests} failed requests, gap ${o.gapMs} ms; ${neigh.trim()}`);
    expect(killed.trim()).toBe('0');
    expect(w.oldSentPriority0).toBe(false);
    // the BACKUP declares the master down after 3 × advert_int + skew ((256 - 100) / 256 s): 3.6 s
    expect(w.takeoverMs ?? 0).toBeGreaterThanOrEqual(3 * ADVERT_INT * 1000);
    expect(w.takeoverMs ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(3 * ADVERT_INT * 1000 + 2000);
    expect(neigh).toContain(macFor(LVS2));
    const tail = answers.filter((a) => a.at > t0 + 8000);
    expect(tail.length).toBeGreaterThan(20);
    expect(tail.filter(failed)).toEqual([]);
    expect(o.gapMs).toBeLessThanOrEqual(8000);
    expect(await ipvsTable(LVS2)).toContain(rsLine('rs1'));

    // keepalived back on lvs1: it preempts (priority 150 > 100) and takes the VIP back
    const wire2 = await captureVrrp(BRIDGE, 14);
    const client2 = requestsFor(12, { url: URL, timeoutS: 0.5, pauseS: 0.05 });
    await sleep(1000);
    const t1 = Date.now();
    await onVm(LVS1, 'systemctl start keepalived');
    await waitFor('lvs1 to take the VIP back', 20_000, async () => (await hasVip(LVS1)) && !(await hasVip(LVS2)), 300);
    const back = outage(await client2, t1);
    const ads = await wire2.done;
    const lvs1First = ads.find((a) => a.src === LVS1 && a.at >= t1 && a.priority > 0);
    const lvs2Last = ads.filter((a) => a.src === LVS2 && a.at >= t1).at(-1);
    measured.preemptBack = { lvs1FirstAdvertAfterStartMs: lvs1First ? lvs1First.at - t1 : null, lvs2LastAdvertAfterStartMs: lvs2Last ? lvs2Last.at - t1 : null, ...back };
    log(`keepalived restarted on lvs1 (incl. the ssh command): its first advert ${lvs1First ? lvs1First.at - t1 : '?'} ms later, lvs2's last ${lvs2Last ? lvs2Last.at - t1 : '?'} ms; client: ${back.failedRequests} failed, gap ${back.gapMs} ms`);
    expect(back.gapMs).toBeLessThanOrEqual(8000);
    const [last] = (await requests(1, { url: URL, timeoutS: 2 })).filter((a) => !failed(a));
    expect(last).toBeDefined();
  });

  it('the MASTER VM itself dies (qemu killed): the BACKUP takes over; measured gap and failed requests', async () => {
    const pid = await readPid(join(labDir(), 'vm', 'lvs1'));
    expect(pid).not.toBeNull();
    const wire = await captureVrrp(BRIDGE, 22);
    const client = requestsFor(20, { url: URL, timeoutS: 0.5, pauseS: 0.05 });
    await sleep(2000);
    const t0 = Date.now();
    process.kill(pid ?? -1, 'SIGKILL'); // the qemu this test's lab up started, by its pid
    const answers = await client;
    const o = outage(answers, t0);
    const w = takeover(await wire.done, LVS1, LVS2, t0 - 1000);
    const neigh = await onNetns('client', sh`ip neigh show ${VIP}`);
    measured.masterVmKilled = {
      ...o, requests: answers.filter((a) => a.at >= t0).length, advertIntS: ADVERT_INT, vrrp: w,
      firstNewAdvertAfterKillMs: w.firstNewAdvertAt === null ? null : w.firstNewAdvertAt - t0, clientArp: neigh.trim(),
    };
    log(`lvs1 VM killed: lvs2's first VRRP advert ${w.firstNewAdvertAt === null ? '?' : w.firstNewAdvertAt - t0} ms after the kill (${w.takeoverMs} ms after lvs1's last); client: ${o.failedRequests} failed requests, gap ${o.gapMs} ms (first failed → first answered); ${neigh.trim()}`);
    expect(w.oldSentPriority0).toBe(false);
    // VRRP: the BACKUP declares the master down after 3 × advert_int + skew ((256 - priority) / 256 s), 3.6 s here
    expect(w.takeoverMs ?? Number.POSITIVE_INFINITY).toBeGreaterThanOrEqual(3 * ADVERT_INT * 1000);
    expect(await hasVip(LVS2)).toBe(true);
    expect(neigh).toContain(macFor(LVS2));
    // VRRP: master down after 3 × advert_int + skew (~3.6 s), then gratuitous ARP; bound generously
    expect(o.gapMs).toBeLessThanOrEqual(10_000);
    const tail = answers.filter((a) => a.at > t0 + 12_000);
    expect(tail.length).toBeGreaterThan(20);
    expect(tail.filter(failed)).toEqual([]);
    expect(new Set(tail.map((a) => a.body))).toEqual(new Set(['rs1', 'rs2']));
  });
});

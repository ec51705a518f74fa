// End to end (issue 22, point 2): a director failover that users do not notice, on REAL IPVS. The
// directors are qemu VMs (`lab up --directors vm`), the site (playbooks/site.ts, through the CLI)
// balances port 80 (the lab's web servers) and ECHO_PORT (a line echo server on rs1/rs2). The client
// holds N long-lived connections through the VIP — a line on each every 100 ms, every echo checked —
// and makes a fresh request every 50 ms, while: (a) the MASTER's keepalived is SIGKILLed, (c) the site
// is rolled out again with a changed setting (BACKUP first), (b) the MASTER VM is killed (last: lvs1
// is gone after it). First the same (a) with connection sync off shows what is lost.
// Each case prints `failover: connections kept K/N, VIP gap G ms` (docs/e2e.md).
// Needs root, qemu and /dev/net/tun; otherwise it is SKIPPED with the reason in its name.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDir, labHosts, labUp, loadTopology, reserveLab, vmVariantUnavailable, type LabReservation } from '../../src/lab/index.js';
import { macFor } from '../../src/lab/vm/qemu.js';
import { vmSsh } from '../../src/lab/vm/index.js';
import { readPid } from '../../src/lab/vm/vm.js';
import { failWeb } from '../../src/lab/web.js';
import { sh } from '../../src/shell/quote.js';
import { SITE, checkTiming, okReport, runSite } from './site.js';
import { failoverLine, figures, holdStreams, startEcho, stopEcho, stopStreams, type FailoverFigures } from './streams.js';
import { captureVrrp, failed, giveLabBack, onNetns, onVm, requests, sleep, startHttp, takeover, vmHasVip, waitFor } from './support.js';

const reason = await vmVariantUnavailable();
if (reason) console.warn(`e2e failover (real IPVS) SKIPPED: ${reason}`);

const topology = loadTopology();
const hosts = labHosts(topology);
const BRIDGE = topology.network.bridge;
const VIP = topology.network.vip ?? '10.77.0.10';
const addr = (name: string): string => hosts.find((x) => x.name === name)!.address;
const LVS1 = addr('lvs1');
const LVS2 = addr('lvs2');
const RS = ['rs1', 'rs2'] as const;
const WEB_PORT = 80;
/** The long-lived connections' service: a second port of the site, on every VIP. */
const ECHO_PORT = 9000;
const URL = `http://${VIP}:${WEB_PORT}/`;
/** How many connections the client holds through each failover. */
const N = 20;
const PORTS = { ports: [WEB_PORT, ECHO_PORT] };
/** Case (c)'s change: the web port's check becomes HTTP_GET of /health (site var health_checks). */
const HTTP_CHECK = { [WEB_PORT]: { type: 'http', path: '/health', status: 200 } } as const;
/** The site with IPVS connection sync off (site var `lvs_sync`, default on with two directors). */
const SYNC_OFF = { lvs_sync: false };

const log = (line: string): void => void process.stdout.write(`[e2e failover] ${line}\n`);
const measured: Record<string, unknown> = {};
const hasVip = (a: string): Promise<boolean> => vmHasVip(a, VIP);

/** ESTABLISHED IPVS connection entries to VIP:ECHO_PORT on a director (synced ones included). */
async function heldEntries(address: string): Promise<number> {
  const out = await onVm(address, sh`ipvsadm -L -n -c | grep -F ${` ${VIP}:${ECHO_PORT} `} | grep -c ESTABLISHED; :`);
  return Number(out.trim() || '0');
}

async function steadyState(): Promise<void> {
  await waitFor('lvs1 alone to hold the VIP', 30_000, async () => (await hasVip(LVS1)) && !(await hasVip(LVS2)), 500);
  const four = async (a: string) => (await onVm(a, 'ipvsadm -S -n')).split('\n').filter((l) => l.startsWith('-a ')).length === 4;
  await waitFor('both real servers on both ports in IPVS on both directors', 30_000, async () => (await four(LVS1)) && (await four(LVS2)), 500);
  await waitFor('the VIP to answer the client', 30_000, async () => {
    const [a] = await requests(1, { url: URL, timeoutS: 1 });
    return a !== undefined && !failed(a);
  }, 500);
}

interface Case {
  name: string;
  /** Makes the failover happen; resolves when it has happened (or the change is done). */
  trigger: () => Promise<void>;
  /** The streams go on until the client's ARP entry for the VIP names this director (the traffic moved)… */
  follows?: string;
  /** …and then this long. */
  afterS: number;
}

/** Holds N streams through `c.trigger()`; prints and returns the figures. */
async function failover(c: Case): Promise<FailoverFigures & { backupHeld: number; takeoverMs: number | null; clientFollowedMs: number | null }> {
  const wire = await captureVrrp(BRIDGE, 240);
  const run = holdStreams({ vip: VIP, port: ECHO_PORT, connections: N, seconds: 200, url: URL });
  run.catch(() => undefined);
  // connected, and (with sync) the entries sent to the BACKUP: the master's sync buffer goes out within 2 s
  await sleep(5000);
  const backupHeld = await heldEntries(LVS2);
  const t0 = Date.now();
  await c.trigger();
  let movedMs: number | null = null;
  if (c.follows) {
    const mac = macFor(c.follows);
    await waitFor(`the client's ARP entry for the VIP to name ${c.follows} (${mac})`, 30_000, async () => (await onNetns('client', sh`ip neigh show ${VIP}`)).includes(mac), 100);
    movedMs = Date.now() - t0;
  }
  await sleep(c.afterS * 1000);
  await stopStreams();
  const f = figures(await run, t0);
  const w = takeover(await wire.stop().catch(() => []), LVS1, LVS2, t0 - 1000);
  const out = { ...f, backupHeld, takeoverMs: w.takeoverMs, clientFollowedMs: movedMs };
  measured[c.name] = out;
  log(`${c.name}: ${failoverLine(f)}`);
  log(`  ${c.name}: the BACKUP held ${backupHeld} entries before; VRRP takeover on the wire ${w.takeoverMs ?? '-'} ms; the client's ARP moved ${movedMs ?? '-'} ms after the trigger; connections per real server ${JSON.stringify(f.servers)}; fresh requests ${f.requests}, failed ${f.failedRequests.length}${f.failedRequests.length ? `: ${f.failedRequests.join(', ')}` : ''}${f.lost.length ? `; lost: ${f.lost.join('; ')}` : ''}`);
  return out;
}

/** SIGKILL of lvs1's keepalived, frozen first so its VRRP child cannot send a priority-0 advert (docs/e2e.md). */
const crashKeepalived: Case['trigger'] = async () => {
  await onVm(LVS1, 'systemctl kill --signal=SIGSTOP keepalived && systemctl kill --signal=SIGKILL keepalived');
  await waitFor('lvs2 to hold the VIP', 15_000, () => hasVip(LVS2), 200);
};

/** keepalived back on lvs1: it preempts (priority 150) and takes the VIP back. */
async function restartKeepalived(): Promise<void> {
  await onVm(LVS1, 'systemctl start keepalived');
  await steadyState();
}

describe.skipIf(reason !== null)(`director failover with long-lived connections on real IPVS${reason ? ` — SKIPPED: ${reason}` : ''}`, () => {
  let reservation: LabReservation | undefined;

  beforeAll(async () => {
    reservation = await reserveLab({ progress: log });
    await labUp({ directors: 'vm', progress: log, reservation });
    await Promise.all(RS.flatMap((h) => [startHttp(h, WEB_PORT), startEcho(h, ECHO_PORT)]));
    okReport(await runSite(20 * 60_000, { ...PORTS, ...SYNC_OFF }));
    await steadyState();
  });

  afterAll(async () => {
    log(`measured: ${JSON.stringify(measured)}`);
    await Promise.all(RS.map((h) => stopEcho(h, ECHO_PORT).catch((e: Error) => log(`stop echo on ${h}: ${e.message}`))));
    await giveLabBack({ realServers: RS, vip: VIP, port: WEB_PORT, reservation, log });
  });

  it(`sync OFF: the MASTER's keepalived crashes — the connections through it are lost (what sync prevents)`, async () => {
    const f = await failover({ name: 'sync off, keepalived SIGKILL', trigger: crashKeepalived, follows: LVS2, afterS: 4 });
    try {
      expect(f.backupHeld).toBe(0);
      expect(f.kept).toBeLessThan(f.n);
    } finally {
      await restartKeepalived();
    }
  });

  it('the site with connection sync (its default with two directors): lvs1 runs the master sync daemon, lvs2 the backup one', async () => {
    const r = okReport(await runSite(20 * 60_000, PORTS));
    measured.syncRunChanged = Object.fromEntries(Object.entries(r.summary).map(([h, x]) => [h, x.changed]));
    await steadyState();
    const daemons: Record<string, string> = {};
    for (const [name, a] of [['lvs1', LVS1], ['lvs2', LVS2]] as const) {
      daemons[name] = await waitFor(`${name}'s sync daemon`, 20_000, async () => (await onVm(a, 'ipvsadm -L -n --daemon')).trim() || null, 500);
      const sysctls = await onVm(a, 'cd /proc/sys/net/ipv4/vs && for k in conntrack expire_nodest_conn sloppy_tcp sync_version sync_threshold sync_refresh_period sync_qlen_max; do printf "%s=%s " $k "$(cat $k | tr "\t" " ")"; done');
      log(`${name}: ipvsadm -L --daemon: ${daemons[name]}; ${sysctls}`);
    }
    expect(daemons.lvs1).toMatch(/^master sync daemon \(mcast=eth0, syncid=\d+[,)]/);
    expect(daemons.lvs2).toMatch(/^backup sync daemon \(mcast=eth0, syncid=\d+[,)]/);
  });

  it(`sync ON, (a) the MASTER's keepalived crashes: all ${N} connections are kept`, async () => {
    const f = await failover({ name: '(a) keepalived SIGKILL', trigger: crashKeepalived, follows: LVS2, afterS: 4 });
    try {
      expect(f.backupHeld).toBeGreaterThanOrEqual(N);
      expect(f.kept, f.lost.join('; ')).toBe(f.n);
      // lvs1's kernel forwards until the client follows lvs2: no gap to speak of (measured 70 ms)
      expect(f.vipGapMs).toBeLessThanOrEqual(8000);
    } finally {
      await restartKeepalived();
    }
  });

  it(`sync ON, (c) a rolling config change of both directors (the site again, port ${WEB_PORT}'s check now HTTP_GET; BACKUP first): all ${N} connections are kept`, async () => {
    let changed: string[] = [];
    const f = await failover({
      name: '(c) rolling config change',
      trigger: async () => {
        const r = okReport(await runSite(20 * 60_000, { ...PORTS, health_checks: HTTP_CHECK }));
        changed = r.results.filter((x) => x.status === 'changed').map((x) => `${x.host} ${x.resource}`);
      },
      afterS: 3,
    });
    log(`(c) ${SITE} with health_checks ${JSON.stringify(HTTP_CHECK)} changed: ${changed.join('; ')}`);
    expect(changed.some((x) => x.startsWith('lvs1 '))).toBe(true);
    expect(changed.some((x) => x.startsWith('lvs2 '))).toBe(true);
    for (const a of [LVS1, LVS2]) expect(await onVm(a, 'cat /etc/keepalived/keepalived.conf')).toMatch(/HTTP_GET/);
    expect(f.kept, f.lost.join('; ')).toBe(f.n);
    expect(f.vipGapMs).toBeLessThanOrEqual(8000);
  });

  it(`an HTTP real server answering 500 to its check (HTTP_GET ${HTTP_CHECK[WEB_PORT].path}) leaves IPVS on both directors within delay_loop + connect_timeout + 1 s, and comes back`, async () => {
    const t = checkTiming(await onVm(LVS1, 'cat /etc/keepalived/keepalived.conf'));
    const bound = (t.delayLoop + t.connectTimeout + 1) * 1000;
    const line = (p: number) => `-a -t ${VIP}:${p} -r ${addr('rs2')}:${p} `;
    const listed = async (a: string, p: number) => (await onVm(a, 'ipvsadm -S -n')).includes(line(p));
    // one ssh session per director that polls IPVS on the director itself (every 50 ms) and ends when
    // rs2's line is gone: the time is the session's end seen here, not an ssh handshake per poll
    // (0.5-1 s each under TCG); `seen` > 0 proves it was watching before the line went
    const watch = (a: string) => vmSsh(a, sh`n=0; while ipvsadm -S -n | grep -qF -- ${line(WEB_PORT)}; do n=$((n+1)); sleep 0.05; done; echo $n`, bound + 60_000)
      .then((r) => ({ at: Date.now(), seen: Number(r.stdout.trim() || '0'), code: r.code }));
    const watches = [LVS1, LVS2].map(watch);
    await sleep(6000);
    const t0 = Date.now();
    await failWeb('rs2', true);
    try {
      const ends = await Promise.all(watches);
      const gone = ends.map((e) => e.at - t0);
      for (const e of ends) expect([e.code, e.seen > 0]).toEqual([0, true]);
      measured.http500 = { timing: t, boundMs: bound, goneMs: { lvs1: gone[0], lvs2: gone[1] } };
      log(`rs2's web server answers 500: out of IPVS on lvs1 after ${gone[0]} ms, on lvs2 after ${gone[1]} ms (polled on each director; bound ${bound} ms = delay_loop ${t.delayLoop} + connect_timeout ${t.connectTimeout} + 1 s)`);
      for (const ms of gone) expect(ms).toBeLessThanOrEqual(bound);
      // the port whose check is TCP_CHECK keeps it (rs2's port 9000 still accepts); port 80's requests all go to rs1
      for (const a of [LVS1, LVS2]) expect(await listed(a, ECHO_PORT)).toBe(true);
      expect((await requests(8, { url: URL, timeoutS: 2 })).map((x) => x.body)).toEqual(Array(8).fill('rs1'));
    } finally {
      await failWeb('rs2', false);
      await waitFor('rs2 back in IPVS on both directors', bound + 15_000, async () => (await listed(LVS1, WEB_PORT)) && (await listed(LVS2, WEB_PORT)), 300);
    }
  });

  it(`sync ON, (b) the MASTER VM dies (its qemu SIGKILLed): all ${N} connections are kept`, async () => {
    const pid = await readPid(join(labDir(), 'vm', 'lvs1'));
    expect(pid).not.toBeNull();
    const f = await failover({
      name: '(b) MASTER VM killed',
      trigger: async () => {
        process.kill(pid ?? -1, 'SIGKILL'); // the qemu this file's lab up started, by its pid
        await waitFor('lvs2 to hold the VIP', 20_000, () => hasVip(LVS2), 200);
      },
      follows: LVS2,
      afterS: 6,
    });
    expect(f.backupHeld).toBeGreaterThanOrEqual(N);
    expect(f.kept, f.lost.join('; ')).toBe(f.n);
    // 3 × advert_int + skew (3.6 s) after lvs1's last advert, then lvs2's gratuitous ARP (ipvs-dr.test.ts's bound)
    expect(f.vipGapMs).toBeLessThanOrEqual(10_000);
  });
});

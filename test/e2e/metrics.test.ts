// End to end (issue 23, point 2, the VM part): `lvs-play exporter` on REAL IPVS, scraped by Debian's
// prometheus, queried through prometheus's HTTP API: after 100 requests through the VIP the
// connection counters (lvs_ipvs_connections_total) rose by 100 across the real servers, in their
// weight ratio (wrr 3:1). `promtool check metrics` passes on the VM lab's output (IPVS series there).
// Last (issue 22, point 6, the real-IPVS part): the site with two VIP groups (VI_a 10.77.0.10 on
// lvs1, VI_b 10.77.0.11 on lvs2), both VIPs served by the real servers; lvs2's keepalived crashes →
// both VIPs on lvs1, both still served; then the standard site (one VIP) again.
// Needs root, qemu and /dev/net/tun; otherwise it is SKIPPED with the reason in its name.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labHosts, labUp, loadTopology, reserveLab, vmVariantUnavailable, type LabReservation } from '../../src/lab/index.js';
import { startExporter, startPrometheus } from '../lab/observe-support.js';
import { PORT, okReport, runSite } from './site.js';
import { sh } from '../../src/shell/quote.js';
import { failed, giveLabBack, onNetns, onVm, requests, sleep, startHttp, tally, vmHasVip, waitFor, type Answer } from './support.js';

const reason = await vmVariantUnavailable();
if (reason) console.warn(`e2e metrics (real IPVS) SKIPPED: ${reason}`);

const topology = loadTopology();
const hosts = labHosts(topology);
const VIP = topology.network.vip ?? '10.77.0.10';
const addr = (name: string): string => hosts.find((x) => x.name === name)!.address;
const RS = ['rs1', 'rs2'] as const;
const WEIGHT: Record<string, number> = Object.fromEntries(hosts.filter((h) => h.groups.includes('linux_realservers')).map((h) => [h.name, Number(h.vars.weight)]));
const VIP_URL = `http://${VIP}:${PORT}/`;
/** The exporter's interval (its read timeout too): a director VM under TCG on a busy machine needs more than 5 s for a read. */
const INTERVAL_S = 10;
const log = (line: string): void => void process.stdout.write(`[e2e metrics] ${line}\n`);

describe.skipIf(reason !== null)(`the exporter on real IPVS, scraped by prometheus${reason ? ` — SKIPPED: ${reason}` : ''}`, () => {
  let reservation: LabReservation | undefined;
  let exporter: Awaited<ReturnType<typeof startExporter>> | undefined;
  let prom: Awaited<ReturnType<typeof startPrometheus>> | undefined;

  /** One instant query's vector as `label value → number` (labels joined by `/`). */
  async function vector(q: string, by: readonly string[]): Promise<Record<string, number>> {
    const r = await prom!.query(q);
    expect(r.status, `${q}: ${r.error}`).toBe('success');
    return Object.fromEntries((r.data?.result ?? []).map((x) => [by.map((l) => x.metric[l]).join('/'), Number(x.value[1])]));
  }

  /** Waits until prometheus holds a sample of a read round that started after `t` (epoch ms). */
  async function scrapedAfter(t: number): Promise<void> {
    await waitFor(`prometheus to scrape a read started after ${new Date(t).toISOString()}`, 8 * INTERVAL_S * 1000, async () => {
      const v = await vector('lvs_last_read_timestamp_seconds', []);
      return (v[''] ?? 0) * 1000 > t;
    }, 250);
  }

  beforeAll(async () => {
    reservation = await reserveLab({ progress: log });
    await labUp({ directors: 'vm', progress: log, reservation });
    await Promise.all(RS.map((h) => startHttp(h, PORT)));
    okReport(await runSite());
    await waitFor('lvs1 alone to hold the VIP', 30_000, async () => (await vmHasVip(addr('lvs1'), VIP)) && !(await vmHasVip(addr('lvs2'), VIP)), 500);
    await waitFor('the VIP to answer the client', 30_000, async () => {
      const [a] = await requests(1, { url: VIP_URL, timeoutS: 1 });
      return a !== undefined && !failed(a);
    }, 500);
    exporter = await startExporter(INTERVAL_S);
    prom = await startPrometheus(new URL(exporter.url).host, 1);
    // a round in which both director VMs answered
    await waitFor('the exporter to read both directors', 6 * INTERVAL_S * 1000, async () => {
      const text = await (await fetch(exporter!.url)).text();
      return ['lvs1', 'lvs2'].every((d) => text.includes(`lvs_host_up{host="${d}",role="director"} 1`));
    }, 1000);
  });

  afterAll(async () => {
    await prom?.stop();
    const code = await exporter?.stop();
    if (code !== 0) log(`exporter ended with ${code}:\n${exporter?.output().slice(-3000)}`);
    await giveLabBack({ realServers: RS, vip: VIP, port: PORT, reservation, log });
  });

  it('promtool check metrics passes on /metrics with the IPVS series of both directors', async () => {
    const text = await (await fetch(exporter!.url)).text();
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
    for (const d of ['lvs1', 'lvs2']) expect(text).toContain(`lvs_ipvs_available{director="${d}"} 1`);
    log(text.split('\n').filter((l) => /^lvs_(ipvs_connections_total|real_server_weight|vip_holder|sync_daemon|read_duration)/.test(l)).join('\n'));
  });

  it('connection sync (the site\'s default with two directors): prometheus shows lvs_sync_daemon_up master on lvs1, backup on lvs2', async () => {
    const up = await waitFor('lvs_sync_daemon_up in prometheus for both directors', 30_000, async () => {
      const v = await vector('lvs_sync_daemon_up', ['director', 'role']);
      return Object.keys(v).length === 4 ? v : null;
    }, 500);
    log(`lvs_sync_daemon_up: ${JSON.stringify(up)}`);
    expect(up).toEqual({ 'lvs1/master': 1, 'lvs1/backup': 0, 'lvs2/master': 0, 'lvs2/backup': 1 });
  });

  it('after 100 requests through the VIP, prometheus shows lvs_ipvs_connections_total risen by 100 across the real servers, in their weight ratio', async () => {
    // per director (each has its own table and counters); the cluster's figure is the sum over them
    const q = `lvs_ipvs_connections_total{vip="${VIP}",port="${PORT}"}`;
    await scrapedAfter(Date.now());
    const before = await vector(q, ['director', 'real_server']);
    const answers = await requests(100, { url: VIP_URL, timeoutS: 2 });
    expect(answers.filter(failed)).toEqual([]);
    await sleep(200);
    await scrapedAfter(Date.now());
    const after = await vector(q, ['director', 'real_server']);
    const rose = Object.fromEntries(RS.map((h) => [h, Object.keys(after).filter((k) => k.endsWith(`/${h}`)).reduce((n, k) => n + (after[k] ?? 0) - (before[k] ?? 0), 0)]));
    const w1 = WEIGHT.rs1 ?? 0;
    const w2 = WEIGHT.rs2 ?? 0;
    log(`100 requests (${JSON.stringify(tally(answers))}): prometheus ${q}: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}; rose by ${JSON.stringify(rose)} (weights ${w1}:${w2})`);
    expect((rose.rs1 ?? 0) + (rose.rs2 ?? 0)).toBe(100);
    // wrr over 100 new connections: 75/25 give or take the cycle's starting point
    expect(Math.abs((rose.rs1 ?? 0) - (100 * w1) / (w1 + w2))).toBeLessThanOrEqual(2);
    // the counters agree with who answered
    expect(tally(answers)).toEqual({ rs1: rose.rs1, rs2: rose.rs2 });
  });

  it('two VIP groups (VI_a 10.77.0.10 on lvs1, VI_b 10.77.0.11 on lvs2): both served; lvs2\'s keepalived crashes → both on lvs1, both still served', async () => {
    const B = '10.77.0.11';
    const GROUPS = { vip_groups: [{ name: 'VI_a', vips: [VIP], master: 'lvs1' }, { name: 'VI_b', vips: [B], master: 'lvs2' }] };
    const [lvs1, lvs2] = [addr('lvs1'), addr('lvs2')];
    const holders = async (v: string): Promise<string> => (await Promise.all([lvs1, lvs2].map((a) => vmHasVip(a, v)))).map((x, i) => (x ? `lvs${i + 1}` : '')).filter(Boolean).join('+') || 'none';
    const held = async (): Promise<string> => `${VIP}=${await holders(VIP)} ${B}=${await holders(B)}`;
    const both = async (): Promise<Record<string, Answer[]>> =>
      Object.fromEntries(await Promise.all([VIP, B].map(async (v) => [v, await requests(20, { url: `http://${v}:${PORT}/`, timeoutS: 2 })] as const)));
    const summary = (a: Record<string, Answer[]>): string => Object.entries(a).map(([v, x]) => `${v} ${JSON.stringify(tally(x))}`).join(', ');
    const expectServed = (a: Record<string, Answer[]>): void => {
      for (const x of Object.values(a)) {
        expect(x.filter(failed)).toEqual([]);
        expect(Object.keys(tally(x)).sort()).toEqual(['rs1', 'rs2']);
      }
    };
    let back: Awaited<ReturnType<typeof runSite>> | undefined;
    try {
      const run = await runSite(20 * 60_000, GROUPS);
      okReport(run);
      const split = `${VIP}=lvs1 ${B}=lvs2`;
      await waitFor(split, 30_000, async () => (await held()) === split, 500);
      for (const h of RS) expect(await onNetns(h, 'ip -o -4 addr show dev lo')).toContain(` ${B}/32 `);
      const before = await both();
      log(`two VIPs: site run with vip_groups ${run.seconds} s; held ${split}; 20 requests each: ${summary(before)}`);
      expectServed(before);

      // a crash (frozen first, so its VRRP child cannot send a priority-0 advert), as failover.test.ts does
      const t0 = Date.now();
      await onVm(lvs2, 'systemctl kill --signal=SIGSTOP keepalived && systemctl kill --signal=SIGKILL keepalived');
      await waitFor('lvs1 to hold both VIPs', 15_000, async () => (await vmHasVip(lvs1, VIP)) && (await vmHasVip(lvs1, B)), 200);
      const tookMs = Date.now() - t0;
      await waitFor(`${B} to answer through lvs1`, 15_000, async () => {
        const [a] = await requests(1, { url: `http://${B}:${PORT}/`, timeoutS: 1 });
        return a !== undefined && !failed(a);
      }, 300);
      const after = await both();
      log(`two VIPs: lvs2's keepalived SIGKILLed → both VIPs on lvs1 after ${tookMs} ms (incl. the ssh command, limit 15000 ms; held now: ${await held()}); 20 requests each: ${summary(after)}`);
      expectServed(after);

      await onVm(lvs2, 'systemctl start keepalived');
      const t1 = Date.now();
      await waitFor(`${split} again`, 30_000, async () => (await held()) === split, 500);
      log(`two VIPs: lvs2's keepalived started → each VIP on its master after ${Date.now() - t1} ms`);
    } finally {
      // the standard site again (one VIP, one instance); 10.77.0.11 off the real servers' lo (the role does not prune it)
      back = await runSite();
      await Promise.all(RS.map((h) => onNetns(h, sh`ip addr del ${`${B}/32`} dev lo 2>/dev/null; :`)));
      for (const a of [lvs1, lvs2]) {
        if (!(await vmHasVip(a, B))) continue;
        log(`${B} still on ${a} after the standard site: removed`);
        await onVm(a, sh`ip addr del ${`${B}/32`} dev eth0`);
      }
    }
    okReport(back);
    await waitFor('lvs1 alone to hold the VIP again', 30_000, async () => (await held()) === `${VIP}=lvs1 ${B}=none`, 500);
    const [a] = await requests(1, { url: VIP_URL, timeoutS: 2 });
    expect(a && !failed(a), a?.body).toBe(true);
  });
});

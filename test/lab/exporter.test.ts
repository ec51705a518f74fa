/**
 * `lvs-play exporter` on the lab, checked by the real Prometheus tools: `promtool check metrics`
 * passes on its output; Debian's prometheus scrapes it and, after the MASTER's keepalived is
 * stopped, its query for the VIP holder names lvs2 within two exporter intervals of the VIP moving.
 * A real server whose ssh stops answering (its port dropped by nft in its netns) keeps its series
 * with lvs_host_up 0; the exporter reconnects once it answers again. Every query of the Grafana
 * dashboard (dashboards/lvs-play.json) runs in that prometheus. Leaves the lab as the
 * failover tests do: keepalived.conf rolled out, keepalived stopped, no VIP held.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashboardQueries, metricNames, promql } from '../../src/exporter/dashboard.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cli, ensureLab, onHost } from './support.js';
import { E, startExporter, startKeepalived, startPrometheus, stopKeepalived, vipOn } from './observe-support.js';

const INTERVAL_S = 2;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


const metric = (text: string, line: string) => text.split('\n').find((l) => l.startsWith(line));

describe('lvs-play exporter, scraped by prometheus, on the lab', () => {
  let exporter: Awaited<ReturnType<typeof startExporter>>;
  let prom: Awaited<ReturnType<typeof startPrometheus>>;

  beforeAll(async () => {
    await ensureLab();
    const r = cli(['playbooks/site.ts', '-i', 'lab', ...E, '-l', 'directors:linux_realservers']);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    await vipOn('lvs1');
    exporter = await startExporter(INTERVAL_S);
    prom = await startPrometheus(new URL(exporter.url).host, 1);
  });

  afterAll(async () => {
    await prom?.stop();
    const code = await exporter?.stop();
    expect(code, exporter?.output()).toBe(0); // SIGTERM: a clean end
    spawnSync('ip', ['netns', 'exec', 'lvs-rs2', 'nft', 'delete', 'table', 'inet', 'lvs_h23_test']);
    // the lab as the other tests expect it: keepalived stopped, no VIP held
    for (const h of ['lvs1', 'lvs2']) await onHost(h, '/etc/init.d/keepalived stop >/dev/null 2>&1; :');
  });

  it('promtool check metrics passes on /metrics; the cluster is there', async () => {
    const text = await (await fetch(exporter.url)).text();
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(metric(text, 'lvs_vip_holder{vip="10.77.0.10",host="lvs1"}')).toMatch(/ 1$/);
    expect(metric(text, 'lvs_vrrp_state{director="lvs2",instance="VI_1",state="BACKUP"}')).toMatch(/ 1$/);
    expect(metric(text, 'lvs_keepalived_up{director="lvs1"}')).toMatch(/ 1$/);
    expect(metric(text, 'lvs_real_server_configured_weight{director="lvs1",real_server="rs1"}')).toMatch(/ 3$/);
    expect(metric(text, 'lvs_ipvs_available{director="lvs1"}')).toMatch(/ 0$/); // the netns lab has no IPVS
    expect(text).not.toMatch(/Lab-2011|auth_pass/); // no secret anywhere
    console.log(text.split('\n').filter((l) => l.startsWith('lvs_')).join('\n'));
  });

  it('every query of the Grafana dashboard parses in prometheus and returns data (IPVS ones: only where IPVS is)', async () => {
    const model = JSON.parse(readFileSync(join(ROOT, 'dashboards/lvs-play.json'), 'utf8'));
    const ipvsOnly = new Set(['lvs_ipvs_connections', 'lvs_ipvs_connections_total', 'lvs_ipvs_bytes_total', 'lvs_ipvs_packets_total', 'lvs_real_server_weight', 'lvs_real_server_healthy']);
    // prometheus has scraped the exporter at least twice (its first scrape may be a second away)
    for (let t0 = Date.now(); Number((await prom.query('count_over_time(lvs_last_read_timestamp_seconds[1m])')).data?.result[0]?.value[1] ?? 0) < 2; await sleep(250)) {
      if (Date.now() - t0 > 15_000) throw new Error('prometheus did not scrape the exporter twice within 15 s');
    }
    const noIpvs = (await prom.query('max(lvs_ipvs_available)')).data?.result[0]?.value[1] === '0';
    const empty: string[] = [];
    for (const q of dashboardQueries(model)) {
      const r = await prom.query(promql(q.expr));
      expect(r.status, `${q.panel}: ${q.expr}: ${r.error}`).toBe('success');
      if (r.data!.result.length > 0) continue;
      // the netns lab has no IPVS: a query made only of IPVS metrics has no series there
      expect(noIpvs && metricNames(q.expr).every((n) => ipvsOnly.has(n)), `${q.panel}: ${q.expr} returned no data`).toBe(true);
      empty.push(q.panel);
    }
    console.log(`dashboard: ${dashboardQueries(model).length} queries parsed; without data on the netns lab (no IPVS): ${empty.join('; ') || 'none'}`);
  });

  it('after the MASTER\'s keepalived stops, prometheus names lvs2 as VIP holder within two intervals of the move', async () => {
    const holderNow = async () => (await prom.query('lvs_vip_holder{vip="10.77.0.10"} == 1')).data?.result.map((x) => x.metric.host).sort() ?? [];
    const t0 = Date.now();
    while ((await holderNow()).join() !== 'lvs1') {
      if (Date.now() - t0 > 20_000) throw new Error(`prometheus never named lvs1: ${JSON.stringify(await prom.query('lvs_vip_holder'))}`);
      await sleep(200);
    }
    try {
      const k = performance.now();
      await stopKeepalived('lvs1');
      await vipOn('lvs2', 10_000);
      const moved = performance.now();
      while ((await holderNow()).join() !== 'lvs2') {
        if (performance.now() - moved > 4 * INTERVAL_S * 1000) break;
        await sleep(100);
      }
      const seen = performance.now() - moved;
      console.log(`VIP moved ${(moved - k).toFixed(0)} ms after keepalived was stopped on lvs1; prometheus named lvs2 ${seen.toFixed(0)} ms after the move (limit ${2 * INTERVAL_S * 1000} ms: two exporter intervals)`);
      expect(await holderNow()).toEqual(['lvs2']);
      expect(seen).toBeLessThanOrEqual(2 * INTERVAL_S * 1000);
      const state = await prom.query('lvs_vrrp_state{state="MASTER"} == 1');
      expect(state.data?.result.map((x) => x.metric.director)).toEqual(['lvs2']);
    } finally {
      await startKeepalived('lvs1');
      await vipOn('lvs1');
    }
  });

  it('a real server that stops answering keeps its series with lvs_host_up 0; the exporter reconnects', async () => {
    const nft = (...a: string[]) => {
      const r = spawnSync('ip', ['netns', 'exec', 'lvs-rs2', 'nft', ...a], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    };
    const up = async () => metric(await (await fetch(exporter.url)).text(), 'lvs_host_up{host="rs2",role="real_server"}');
    nft('add', 'table', 'inet', 'lvs_h23_test');
    nft('add', 'chain', 'inet', 'lvs_h23_test', 'in', '{ type filter hook input priority -10 ; }');
    nft('add', 'rule', 'inet', 'lvs_h23_test', 'in', 'tcp', 'dport', '22', 'drop');
    let t0 = Date.now();
    while (!(await up())?.endsWith(' 0')) {
      if (Date.now() - t0 > 30_000) throw new Error(`rs2 still up: ${await up()}`);
      await sleep(250);
    }
    const text = await (await fetch(exporter.url)).text();
    expect(metric(text, 'lvs_real_server_listening{real_server="rs2"}')).toBe('lvs_real_server_listening{real_server="rs2"} NaN');
    expect(metric(text, 'lvs_host_up{host="rs1",role="real_server"}')).toMatch(/ 1$/);
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
    nft('delete', 'table', 'inet', 'lvs_h23_test');
    t0 = Date.now();
    while (!(await up())?.endsWith(' 1')) {
      if (Date.now() - t0 > 30_000) throw new Error(`rs2 not back: ${await up()}\n${exporter.output()}`);
      await sleep(250);
    }
    console.log(`rs2 back (reconnected) ${Date.now() - t0} ms after its ssh port answered again`);
    expect(metric(await (await fetch(exporter.url)).text(), 'lvs_real_server_listening{real_server="rs2"}')).toMatch(/ 1$/);
    expect(exporter.child.exitCode).toBeNull(); // never crashed
  });
});

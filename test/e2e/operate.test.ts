// Operating the cluster on REAL IPVS (the VM lab: `lab up --directors vm`, docs/e2e.md):
// `lvs-play status --json` names the MASTER and the BACKUP, lists both real servers with their
// weights and connection counts that grow with traffic, reports a stopped real server (exit 2) and
// the new VIP holder after the MASTER's keepalived is killed (exit 2); a rolling maintenance play
// (realServerMaintenance: drain on both directors, restart the web server, undrain) over rs1 and
// rs2 while the client sends a request every 50 ms: zero failed requests, and long (40 s) requests
// in flight when the drain starts complete. Needs root, qemu and /dev/net/tun; otherwise SKIPPED.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realServerMaintenance } from '../../roles/drain/index.js';
import { playbook } from '../../src/dsl/play.js';
import { labHosts, labUp, loadTopology, reserveLab, vmVariantUnavailable, type LabReservation } from '../../src/lab/index.js';
import { restartWebScript } from '../../src/lab/web.js';
import { command } from '../../src/resources/index.js';
import { sh } from '../../src/shell/quote.js';
import type { StatusReport } from '../../src/status/model.js';
import { failures, ROOT, runOnLab } from '../lab/support.js';
import { PORT, SITE_EXTRA_VARS, runSite } from './site.js';
import { type Answer, failed, giveLabBack, onNetns, onVm, requests, requestsFor, startHttp, stopHttp, tally, waitFor } from './support.js';

const reason = await vmVariantUnavailable();
if (reason) console.warn(`e2e operate (real IPVS) SKIPPED: ${reason}`);

const topology = loadTopology();
const hosts = labHosts(topology);
const VIP = topology.network.vip ?? '10.77.0.10';
const addr = (name: string): string => hosts.find((x) => x.name === name)!.address;
const LVS1 = addr('lvs1');
const LVS2 = addr('lvs2');
const RS = ['rs1', 'rs2'] as const;
const URL = `http://${VIP}:${PORT}/`;
const log = (line: string): void => void process.stdout.write(`[e2e operate] ${line}\n`);

/** `lvs-play status -i lab -e … --json FILE` from the sources (as test/e2e/site.ts runs the site). */
async function status(): Promise<{ code: number | null; report: StatusReport; text: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'lvs-e2e-status-'));
  const json = join(dir, 'status.json');
  try {
    const args = [join(ROOT, 'node_modules/jiti/lib/jiti-cli.mjs'), join(ROOT, 'src/cli/main.ts'), 'status', '-i', 'lab', '-e', JSON.stringify(SITE_EXTRA_VARS), '--json', json];
    const { code, text } = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (out += b.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve({ code: c, text: out });
      });
    });
    const report = JSON.parse(await readFile(json, 'utf8')) as StatusReport;
    return { code, report, text };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const stateOf = (r: StatusReport) => Object.fromEntries(r.directors.map((d) => [d.name, d.instances[0]?.state]));
const problemIds = (r: StatusReport) => r.problems.map((p) => `${p.id}@${p.host ?? '-'}`);
/** rs → "weight active/inactive conns" on one director, from the report. */
const listing = (r: StatusReport, director: string) =>
  Object.fromEntries(r.realServers.map((rs) => [rs.name, rs.ipvs.find((l) => l.director === director) ?? null]));
const hasVip = async (address: string): Promise<boolean> => (await onVm(address, 'ip -o -4 addr show dev eth0')).includes(` ${VIP}/32 `);

describe.skipIf(reason !== null)(`operating the cluster on real IPVS${reason ? ` — SKIPPED: ${reason}` : ''}`, () => {
  let reservation: LabReservation | undefined;

  beforeAll(async () => {
    reservation = await reserveLab({ progress: log });
    await labUp({ directors: 'vm', progress: log, reservation });
    await Promise.all(RS.map((h) => startHttp(h, PORT)));
    const first = await runSite();
    expect(first.report && failures(first.report), first.output.slice(-4000)).toBe('');
    expect(first.code, first.output.slice(-4000)).toBe(0);
    await waitFor('the VIP to answer the client', 30_000, async () => {
      const [a] = await requests(1, { url: URL, timeoutS: 1 });
      return a !== undefined && !failed(a);
    }, 500);
    await waitFor('lvs1 alone to hold the VIP', 20_000, async () => (await hasVip(LVS1)) && !(await hasVip(LVS2)), 500);
    const both = async (vm: string) => (await onVm(vm, 'ipvsadm -S -n')).split('\n').filter((l) => l.startsWith('-a ')).length === 2;
    await waitFor('both real servers in IPVS on both directors', 20_000, async () => (await both(LVS1)) && (await both(LVS2)), 500);
  });

  afterAll(async () => {
    await giveLabBack({ realServers: RS, vip: VIP, port: PORT, reservation, log });
  });

  it('status --json names lvs1 MASTER and lvs2 BACKUP, both real servers with weights, connection counts that grow with traffic', async () => {
    const before = await status();
    log(`status (healthy):\n${before.text}`);
    expect(before.code, before.text).toBe(0);
    expect(stateOf(before.report)).toEqual({ lvs1: 'MASTER', lvs2: 'BACKUP' });
    expect(before.report.vips).toEqual([{ address: VIP, holders: ['lvs1'] }]);
    for (const d of ['lvs1', 'lvs2']) {
      const l = listing(before.report, d);
      expect([d, l.rs1?.weight, l.rs2?.weight]).toEqual([d, 3, 1]);
    }
    const answers = await requests(100, { url: URL, timeoutS: 2 });
    expect(answers.filter(failed)).toEqual([]);
    const after = await status();
    log(`status (after 100 requests):\n${after.text}`);
    const b = listing(before.report, 'lvs1');
    const a = listing(after.report, 'lvs1');
    const grew = { rs1: (a.rs1!.conns ?? 0) - (b.rs1!.conns ?? 0), rs2: (a.rs2!.conns ?? 0) - (b.rs2!.conns ?? 0) };
    log(`100 requests (${JSON.stringify(tally(answers))}): IPVS conns on lvs1 grew by ${JSON.stringify(grew)}; now ${JSON.stringify(a)}`);
    expect(grew.rs1 + grew.rs2).toBeGreaterThanOrEqual(100);
    expect(grew.rs1).toBeGreaterThan(grew.rs2);
    expect(grew.rs2).toBeGreaterThan(0);
    expect(a.rs1!.inactiveConns + a.rs2!.inactiveConns).toBeGreaterThan(0);
    expect(after.text).toMatch(/10\.77\.0\.16:80\s+Route\s+3\s+\d+\s+\d+\s+\d+/);
  });

  it('a rolling maintenance of rs1 and rs2 (drain, restart the web server, undrain) under a request every 50 ms: zero failed requests; long requests started before a drain complete', async () => {
    const pids = Object.fromEntries(await Promise.all(RS.map(async (h) => [h, (await onNetns(h, 'cat /run/lvs-lab-web.pid')).trim()] as const)));
    const pb = playbook('rolling web maintenance', [
      realServerMaintenance({ hosts: 'linux_realservers', waitSeconds: 60, tasks: (host) => [command({ cmd: restartWebScript(host.name, PORT) })] }),
    ]);
    const client = requestsFor(150, { url: URL, timeoutS: 2, pauseS: 0.05 });
    await new Promise((r) => setTimeout(r, 1000));
    // long requests (40 s) established before the play starts: rs1's (wrr 3:1, most of them) are
    // in flight when rs1 is drained; the drain must wait for them before its web server restarts
    const t0 = Date.now();
    const long = Promise.all(Array.from({ length: 6 }, () => requests(1, { url: `${URL}slow/40000`, timeoutS: 60 }).then(([x]) => ({ ...x!, tookMs: Date.now() - t0 }))));
    await new Promise((r) => setTimeout(r, 1000));
    // lvs1's view of rs1 during the play: [weight, active connections], once a second
    const seen: [number, number][] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const row = await onVm(LVS1, sh`ipvsadm -L -n | awk ${`$2 == "${addr('rs1')}:${PORT}" { print $4, $5 }`}`).catch(() => '');
        const [w, act] = row.trim().split(/\s+/).map(Number);
        if (Number.isFinite(w) && Number.isFinite(act)) seen.push([w!, act!]);
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    const report = await runOnLab(pb, { extraVars: { ...SITE_EXTRA_VARS } });
    const playMs = Date.now() - t0;
    sampling = false;
    await sampler;
    const longAnswers = await long;
    const answers: Answer[] = await client;
    const rows = report.results.map((r) => `${r.status}: [${r.host}] ${r.role ?? ''} | ${r.resource}${r.message ? ` — ${r.message}` : ''}${r.error ? ` — ${r.error}` : ''}`);
    log(`maintenance play (${(playMs / 1000).toFixed(1)} s):\n  ${rows.join('\n  ')}`);
    log(`client: ${answers.length} requests, ${JSON.stringify(tally(answers))}; long requests: ${JSON.stringify(longAnswers.map((x) => `${x.body} ${x.tookMs} ms`))}`);
    expect(failures(report)).toBe('');
    expect(playMs).toBeLessThan(145_000); // the client's window (150 s) covered the whole play
    log(`lvs1's IPVS entry of rs1 during the play ([weight, active]): ${JSON.stringify(seen)}`);
    expect(seen.some(([w, act]) => w === 0 && act > 0)).toBe(true); // drained while requests were in flight on it
    expect(answers.length).toBeGreaterThan(300);
    expect(answers.filter(failed)).toEqual([]);
    expect(new Set(answers.map((x) => x.body))).toEqual(new Set(['rs1', 'rs2']));
    expect(longAnswers.filter(failed)).toEqual([]);
    expect(longAnswers.some((x) => x.body === 'rs1')).toBe(true); // in flight on rs1 when it was drained
    // each web server really restarted, during its own drain
    for (const h of RS) expect((await onNetns(h, 'cat /run/lvs-lab-web.pid')).trim()).not.toBe(pids[h]);
    const waits = report.results.filter((r) => r.kind === 'drain-wait' && r.host === 'rs1' && r.resource.includes('(on lvs1)')).map((r) => r.message ?? '');
    log(`rs1's drain on lvs1 waited: ${waits.join('; ')}`);
    // the drain really waited for the long requests in flight on rs1, and they all completed
    expect(Number(/^0 active connections \(after ([\d.]+) s\)$/.exec(waits[0] ?? '')?.[1] ?? 0)).toBeGreaterThan(1);
    for (const x of longAnswers.filter((y) => y.body === 'rs1')) expect(x.tookMs).toBeGreaterThanOrEqual(40_000);
    const after = await status();
    expect(after.code, after.text).toBe(0);
    expect(after.report.directors.map((d) => d.drained)).toEqual([[], []]);
    for (const d of ['lvs1', 'lvs2']) expect([d, listing(after.report, d).rs1?.weight, listing(after.report, d).rs2?.weight]).toEqual([d, 3, 1]);
  });

  it('a stopped real server: status reports it and exits 2', async () => {
    await stopHttp('rs2', PORT);
    try {
      // both directors' checkers (each on its own delay_loop clock) take it out
      const listed = async (vm: string) => (await onVm(vm, 'ipvsadm -S -n')).includes(`${addr('rs2')}:${PORT}`);
      await waitFor('keepalived on both directors to take rs2 out of IPVS', 20_000, async () => !(await listed(LVS1)) && !(await listed(LVS2)), 500);
      const s = await status();
      log(`status (rs2 stopped):\n${s.text}`);
      expect(s.code).toBe(2);
      expect(problemIds(s.report)).toEqual(['rs-down@rs2']);
      expect(s.report.realServers.find((r) => r.name === 'rs2')).toMatchObject({ listening: false, ipvs: [] });
    } finally {
      await startHttp('rs2', PORT);
      const listed = async (vm: string) => (await onVm(vm, 'ipvsadm -S -n')).includes(`${addr('rs2')}:${PORT}`);
      await waitFor('rs2 back in IPVS on both directors', 20_000, async () => (await listed(LVS1)) && (await listed(LVS2)), 500);
    }
  });

  it("after the MASTER's keepalived is killed: status names lvs2 MASTER and the new VIP holder, exits 2", async () => {
    await onVm(LVS1, 'systemctl kill --signal=SIGSTOP keepalived && systemctl kill --signal=SIGKILL keepalived; sleep 0.2; :');
    try {
      await waitFor('lvs2 to hold the VIP', 20_000, () => hasVip(LVS2), 250);
      const s = await status();
      log(`status (lvs1's keepalived killed):\n${s.text}`);
      expect(s.code).toBe(2);
      expect(stateOf(s.report)).toEqual({ lvs1: 'STOPPED', lvs2: 'MASTER' });
      expect(s.report.vips[0]!.holders).toContain('lvs2');
      expect(problemIds(s.report)).toContain('keepalived-down@lvs1');
      expect(s.report.directors[1]!.ipvs.services[0]!.realServers.map((r) => r.weight)).toEqual([3, 1]);
    } finally {
      await onVm(LVS1, 'systemctl start keepalived');
      await waitFor('the VIP back on lvs1 alone', 30_000, async () => (await hasVip(LVS1)) && !(await hasVip(LVS2)), 500);
    }
  });
});

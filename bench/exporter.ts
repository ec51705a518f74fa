// The exporter's cost (docs/operate.md "Prometheus exporter"), under the lab lock: `lab up
// --realservers N` (the N extra real servers in linux_realservers), `lvs-play exporter -i lab`
// reading the 2 directors and N + 2 real servers every INTERVAL seconds for DURATION seconds:
// reads per round per host (lvs_host_reads_total against the rounds seen), the exporter process's
// CPU (process_cpu_seconds_total) and peak resident memory, each round's slowest host read, and
// the latency of 200 scrapes; then the standard lab again. Writes bench/RESULTS-exporter.md.
//   flock /tmp/lvs-lab.lock node --import jiti/register bench/exporter.ts [N=100] [INTERVAL=5] [DURATION=60]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labUp } from '../src/lab/index.js';
import { ROOT } from './tools.js';

const [N = 100, INTERVAL = 5, DURATION = 60] = process.argv.slice(2).map(Number);
const PORT = 19479;
const URL_ = `http://127.0.0.1:${PORT}/metrics`;
const quiet = () => undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function values(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of text.split('\n')) {
    if (!l.startsWith(name)) continue;
    const m = /^(\S+?)(\{.*\})? (\S+)$/.exec(l);
    if (m && m[1] === name) out.set(m[2] ?? '', Number(m[3]));
  }
  return out;
}
const one = (text: string, name: string) => [...values(text, name).values()][0] ?? Number.NaN;
const scrape = async () => (await fetch(URL_)).text();
const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor((p / 100) * a.length))]!;

async function main(): Promise<void> {
  const t0 = Date.now();
  await labUp({ realservers: N, progress: quiet });
  const labUpS = (Date.now() - t0) / 1000;
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'exporter', '-i', 'lab', '-e', '{"realserver_groups":["linux_realservers"]}', '--listen', `127.0.0.1:${PORT}`, '--interval', `${INTERVAL}s`], { stdio: 'inherit' });
  try {
    for (let i = 0; i < 300; i++) {
      if (/^lvs_last_read_timestamp_seconds \d/m.test(await scrape().catch(() => ''))) break;
      await sleep(200);
    }
    const start = await scrape();
    const rounds = new Set<number>([one(start, 'lvs_last_read_timestamp_seconds')]);
    const slowest: number[] = [];
    let rss = 0;
    const end = Date.now() + DURATION * 1000;
    let last = start;
    while (Date.now() < end) {
      await sleep(500);
      last = await scrape();
      const ts = one(last, 'lvs_last_read_timestamp_seconds');
      if (!rounds.has(ts)) rounds.add(ts), slowest.push(Math.max(...values(last, 'lvs_read_duration_seconds').values()));
      rss = Math.max(rss, one(last, 'process_resident_memory_bytes'));
    }
    const latencies: number[] = [];
    for (let i = 0; i < 200; i++) {
      const s = performance.now();
      last = await scrape();
      latencies.push(performance.now() - s);
    }
    const r0 = values(start, 'lvs_host_reads_total');
    const r1 = values(last, 'lvs_host_reads_total');
    const newRounds = rounds.size - 1;
    const perHost = [...r1].map(([k, v]) => (v - (r0.get(k) ?? 0)) / newRounds);
    const up = [...values(last, 'lvs_host_up').values()];
    const cpu = (one(last, 'process_cpu_seconds_total') - one(start, 'process_cpu_seconds_total')) / ((Date.now() - (end - DURATION * 1000)) / 1000);
    const md = `# The exporter's cost (bench/exporter.ts)

Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on this machine (2 cores shared with the lab hosts and other work),
netns lab, no IPVS in its kernel: the directors' read has no IPVS table to list.

| | |
|---|---|
| hosts read | ${r1.size} (2 directors, ${r1.size - 2} Linux real servers: rs1, rs2 and ${N} extra of \`lab up --realservers ${N}\`) |
| hosts answering at the end | ${up.filter((x) => x === 1).length} of ${up.length} |
| interval, measured for | ${INTERVAL} s, ${DURATION} s: ${newRounds} rounds |
| reads per round per host | min ${Math.min(...perHost).toFixed(2)}, max ${Math.max(...perHost).toFixed(2)} (lvs_host_reads_total; 1 = one round trip) |
| slowest host read per round | median ${(pct(slowest, 50) * 1000).toFixed(0)} ms, max ${(Math.max(...slowest) * 1000).toFixed(0)} ms |
| exporter CPU | ${(cpu * 100).toFixed(1)} % of one core (process_cpu_seconds_total over the ${DURATION} s, scrapes every 0.5 s included) |
| exporter memory | ${(rss / 2 ** 20).toFixed(0)} MiB resident (peak of process_resident_memory_bytes) |
| scrape latency (200 sequential GET /metrics) | p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${pct(latencies, 95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms; ${(last.length / 1024).toFixed(0)} KiB |
| \`lab up --realservers ${N}\` | ${labUpS.toFixed(0)} s |
`;
    writeFileSync(join(ROOT, 'bench/RESULTS-exporter.md'), md);
    process.stdout.write(md);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
    await labUp({ progress: quiet }); // the standard lab again: extras removed
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

/**
 * The exporter (built CLI) and Debian's prometheus as real processes, for the lab tests of
 * docs/operate.md "Prometheus exporter" (exporter.test.ts, dashboard.test.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { holders } from './keepalived-support.js';
import { ROOT, onHost } from './support.js';

export const E = ['-e', '{"realserver_groups":["linux_realservers"]}'];

/** A free loopback port (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

export async function waitHttp(url: string, ok: (body: string) => boolean = () => true, ms = 20_000): Promise<string> {
  const t0 = Date.now();
  let last = '';
  while (Date.now() - t0 < ms) {
    try {
      const r = await fetch(url);
      last = await r.text();
      if (r.ok && ok(last)) return last;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url}: not ready within ${ms} ms (last: ${last.slice(0, 300)})`);
}

export interface Proc {
  child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

export function start(cmd: string, args: string[]): Proc {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b));
  child.stderr!.on('data', (b: Buffer) => (out += b));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** `lvs-play exporter -i lab` on a free loopback port. */
export async function startExporter(intervalS: number): Promise<Proc & { url: string }> {
  const port = await freePort();
  const p = start(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'exporter', '-i', 'lab', ...E, '--listen', `127.0.0.1:${port}`, '--interval', `${intervalS}s`]);
  const url = `http://127.0.0.1:${port}/metrics`;
  await waitHttp(url, (b) => b.includes('lvs_host_up{'));
  return { ...p, url };
}

/** Debian's prometheus scraping `target` every `scrapeS` seconds, storage in a temp dir. */
export async function startPrometheus(target: string, scrapeS: number): Promise<Proc & { api: string; query(q: string): Promise<PromResult> }> {
  const dir = mkdtempSync(join(tmpdir(), 'lvs-prom-'));
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: ${scrapeS}s\n  evaluation_interval: ${scrapeS}s\nscrape_configs:\n  - job_name: lvs-play\n    static_configs:\n      - targets: ['${target}']\n`);
  const p = start('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn']);
  const api = `http://127.0.0.1:${port}/api/v1`;
  await waitHttp(`http://127.0.0.1:${port}/-/ready`);
  const query = async (q: string): Promise<PromResult> => {
    const r = await fetch(`${api}/query?query=${encodeURIComponent(q)}`);
    return (await r.json()) as PromResult;
  };
  return { ...p, api, query, stop: async () => { const c = await p.stop(); rmSync(dir, { recursive: true, force: true }); return c; } };
}

export interface PromResult {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

/** Stops the MASTER's keepalived as an operator would (SIGTERM: it gives the VIP up at once). */
export async function stopKeepalived(host: string): Promise<void> {
  await onHost(host, 'pkill -TERM -x keepalived; :');
}

/** Starts keepalived again once the stopped one (and its children) have exited. */
export async function startKeepalived(host: string): Promise<void> {
  await onHost(host, 'i=0; while pgrep -x keepalived >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; rm -f /run/keepalived.pid; /etc/init.d/keepalived start >/dev/null');
}

/** Waits until `who` alone holds the lab VIP. */
export async function vipOn(who: string, ms = 15_000): Promise<void> {
  const t0 = Date.now();
  while ((await holders()).join() !== who) {
    if (Date.now() - t0 > ms) throw new Error(`VIP not on ${who} alone within ${ms} ms (holders: ${(await holders()).join(', ') || 'none'})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

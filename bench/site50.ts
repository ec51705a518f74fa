// The reference site with 50 real servers (47 extra + rs1, rs2 and win1), under the lab lock:
// first run and no-change run of playbooks/site.ts -i lab, keepalived.conf with 50 real_server
// blocks and `keepalived -t` on both directors; then the standard lab and the site on it again.
//   node --import jiti/register bench/site50.ts RESULTS_FILE BENCH_ID
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostExec, labUp } from '../src/lab/index.js';
import { measure } from './measure.js';
import { ROOT, runMain } from './tools.js';

const EXTRA = 47;
const quiet = () => undefined;
const site = () => ['node', join(ROOT, 'dist/src/cli/main.js'), join(ROOT, 'playbooks/site.ts'), '-i', 'lab'];

async function directorCheck(host: string): Promise<{ realServers: number; keepalivedT: number | null; out: string }> {
  const conf = await hostExec(host, ['cat', '/etc/keepalived/keepalived.conf']);
  const t = await hostExec(host, ['sh', '-c', 'for k in /usr/local/sbin/keepalived /usr/sbin/keepalived; do [ -x "$k" ] && exec "$k" -t -f /etc/keepalived/keepalived.conf; done; exit 127']);
  return { realServers: conf.stdout.match(/^\s*real_server\s/gm)?.length ?? 0, keepalivedT: t.code, out: (t.stdout + t.stderr).trim().split('\n').slice(-2).join(' | ') };
}

async function main(): Promise<void> {
  const [resultsFile, bench] = process.argv.slice(2) as [string, string];
  try {
    await labUp({ realservers: EXTRA, progress: quiet });
    const runs = [];
    for (const run of ['first', 'nochange'] as const) {
      const m = await measure(site(), { cwd: ROOT });
      const changed = /changed=(\d+)/g;
      let total = 0;
      for (const x of m.stdout.matchAll(changed)) total += Number(x[1]);
      runs.push({ run, wallMs: Math.round(m.wallMs), cpuMs: Math.round(m.cpuMs), peakRssMb: Math.round(m.peakRssMb), code: m.code, changed: total });
      process.stdout.write(`site ${run}: exit ${m.code}, ${Math.round(m.wallMs)} ms, changed ${total}\n`);
      if (m.code !== 0) process.stdout.write(`${m.stdout.slice(-3000)}\n${m.stderr.slice(-2000)}\n`);
    }
    const directors = { lvs1: await directorCheck('lvs1'), lvs2: await directorCheck('lvs2') };
    process.stdout.write(`directors: ${JSON.stringify(directors)}\n`);
    appendFileSync(resultsFile, `${JSON.stringify({ bench, kind: 'site50', realServers: EXTRA + 3, runs, directors, at: new Date().toISOString() })}\n`);
  } finally {
    await labUp({ progress: quiet });
    const back = await measure(site(), { cwd: ROOT }); // the directors' keepalived.conf back to the standard lab
    process.stdout.write(`standard lab, site again: exit ${back.code}\n`);
  }
}

runMain(main);

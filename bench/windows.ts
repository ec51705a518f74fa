// The Windows real server over WinRM against PowerShell over SSH, under the lab lock: no-change
// converge of win1 (`playbooks/site.ts -i lab --limit win1`), alternating the two transports
// (LVS_PLAY_LAB_WINDOWS=psrp-ssh makes `-i lab` reach win1 over SSH), RUNS samples each, after one
// converge. Needs win1 serving WinRM (`lab up` with lab/winrm). Target: WinRM within 2× of SSH.
//   node --import jiti/register bench/windows.ts RESULTS_FILE BENCH_ID [RUNS]
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { labDir } from '../src/lab/index.js';
import { measure } from './measure.js';
import { ROOT, runMain } from './tools.js';

export type WinTransport = 'winrm' | 'psrp-ssh';
export interface WindowsBench {
  kind: 'windows';
  runs: { transport: WinTransport; wallMs: number; cpuMs: number; code: number | null; changed: number }[];
}

const site = () => ['node', join(ROOT, 'dist/src/cli/main.js'), join(ROOT, 'playbooks/site.ts'), '-i', 'lab', '--limit', 'win1'];
const env = (t: WinTransport) => ({ ...process.env, CI: 'true', ...(t === 'psrp-ssh' ? { LVS_PLAY_LAB_WINDOWS: 'psrp-ssh' } : {}) });

async function main(): Promise<void> {
  const [resultsFile, bench, n = '3'] = process.argv.slice(2) as [string, string, string?];
  if (!existsSync(join(labDir(), 'win1-winrm.json'))) throw new Error('win1 serves no WinRM (lab up with lab/winrm): nothing to compare');
  const first = await measure(site(), { cwd: ROOT, env: env('winrm') });
  process.stdout.write(`win1 converge: exit ${first.code}\n`);
  const runs: WindowsBench['runs'] = [];
  for (let i = 0; i < Number(n); i++) {
    for (const transport of ['winrm', 'psrp-ssh'] as const) {
      const m = await measure(site(), { cwd: ROOT, env: env(transport) });
      const changed = [...m.stdout.matchAll(/changed=(\d+)/g)].reduce((a, x) => a + Number(x[1]), 0);
      runs.push({ transport, wallMs: Math.round(m.wallMs), cpuMs: Math.round(m.cpuMs), code: m.code, changed });
      process.stdout.write(`${transport}: exit ${m.code}, ${Math.round(m.wallMs)} ms, changed ${changed}\n`);
    }
  }
  appendFileSync(resultsFile, `${JSON.stringify({ bench, kind: 'windows', runs, at: new Date().toISOString() })}\n`);
}

if (process.argv[1]?.endsWith('windows.ts')) {
  runMain(main, { stack: false });
}

// One chunk of the bench, run under the lab lock by bench/run.ts (flock /tmp/lvs-lab.lock):
// brings the lab up with the size's extra real servers, takes samples of one tool and mode until
// done or its time budget is spent, appends them to the results file, and ALWAYS leaves the
// standard lab (extras removed) behind.
//   node --import jiti/register bench/chunk.ts SIZE:TOOL:MODE:COUNT,… RESULTS_FILE BENCH_ID [BUDGET_S]
// (the lab gets the largest size's extra hosts; a size of n uses the first n of them)
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostExec, labUp, type LabHost } from '../src/lab/index.js';
import { measure } from './measure.js';
import { countSince, markHosts, meanCounts } from './on-host.js';
import { ansibleEnv, floorArgv, iniInventory, resetScript, ROOT, runMain, toolArgv, type Mode, type Tool } from './tools.js';

export interface Sample {
  bench: string;
  size: number;
  tool: Tool;
  mode: Mode;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  peakCgroupMb: number;
  /** CPU of the whole machine during the run (/proc/stat, all cores): the tool, its hosts' sshd and commands, and anything else running */
  machineCpuMs?: number;
  ok: boolean;
  /** per-host means, counted on the hosts */
  perHost: { connections: number; sessions: number; execs: number; sftp: number; processes: number };
  at: string;
  /** 1-minute load average when the sample started (the machine is shared) */
  load1?: number;
  profile?: unknown;
}

const quiet = () => undefined;

/** CPU time of the whole machine so far (user, nice, system, irq, softirq of all cores), in ms. */
function machineCpuMs(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const tick = 10; // USER_HZ = 100
  return (f[0]! + f[1]! + f[2]! + f[5]! + f[6]!) * tick;
}

async function eachHost(hosts: readonly LabHost[], script: string): Promise<void> {
  for (let i = 0; i < hosts.length; i += 10) {
    const rs = await Promise.all(hosts.slice(i, i + 10).map((h) => hostExec(h.name, ['sh', '-c', script])));
    const bad = rs.findIndex((r) => r.code !== 0);
    if (bad >= 0) throw new Error(`bench: on ${hosts[i + bad]!.name}: ${rs[bad]!.stderr}`);
  }
}

async function main(): Promise<void> {
  const [itemsS, resultsFile, bench, budgetS] = process.argv.slice(2) as [string, string, string, string?];
  const items = itemsS.split(',').map((i) => i.split(':') as [string, Tool, Mode, string]);
  const largest = Math.max(...items.map((i) => Number(i[0])));
  const budgetMs = Number(budgetS ?? 540) * 1000;
  const t0 = Date.now();
  let spent = false;
  let last = 0;
  const work = mkdtempSync(join(tmpdir(), 'lvs-bench-'));
  try {
    const u0 = Date.now();
    await labUp({ realservers: largest, progress: quiet });
    const upMs = Date.now() - u0;
    process.stdout.write(`lab up --realservers ${largest}: ${upMs} ms\n`);
    appendFileSync(resultsFile, `${JSON.stringify({ bench, kind: 'labup', realservers: largest, ms: upMs, at: new Date().toISOString() })}\n`);
    const { extraHosts } = await import('../src/lab/index.js');
    const all = extraHosts();
    // keepalived.conf lists the size's hosts: converged for one size is not converged for another
    let convergedFor = 0;
    for (const [sizeS, tool, mode, countS] of items) {
    const size = Number(sizeS);
    const hosts = all.slice(0, size);
    const ini = join(work, `bench-${size}.ini`);
    writeFileSync(ini, iniInventory(hosts));
    const names = hosts.map((h) => h.name);
    const converge = async () => {
      const r = await measure(toolArgv('lvs-play', 'first', ini), { cwd: ROOT });
      if (r.code !== 0) throw new Error(`bench: converging the hosts failed:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
    };
    if (spent) break;
    last = 0;
    if (mode !== 'first' && convergedFor !== size) await converge();
    convergedFor = size;
    // beside every lvs-play no-change sample, one of the floor (same minute, same load)
    const tools: Tool[] = tool === 'lvs-play' && mode === 'nochange' ? ['lvs-play', 'floor'] : [tool];
    for (let i = 0; i < Number(countS); i++) {
      // the next sample must end within the budget: its tool's last sample, or a first guess
      const guess = tool === 'ansible' ? 5000 + 3000 * size : 2000 + 100 * size;
      if (Date.now() - t0 + Math.max(last, guess) > budgetMs) {
        spent = true;
        break;
      }
      const s0 = Date.now();
      for (const tool of tools) {
      if (mode === 'first') await eachHost(hosts, resetScript());
      const mark = await markHosts(names);
      let argv: string[];
      let env: NodeJS.ProcessEnv | undefined;
      const control = mkdtempSync(join(work, 'cp-'));
      if (tool === 'floor') argv = floorArgv(hosts);
      else argv = toolArgv(tool, mode, ini);
      if (tool === 'ansible') env = ansibleEnv(size, control);
      const profileFile = join(work, 'profile.json');
      if (tool === 'lvs-play') env = { ...process.env, LVS_PLAY_PROFILE: profileFile };
      const c0 = machineCpuMs();
      const load1 = Math.round(loadavg()[0]! * 100) / 100;
      const m = await measure(argv, { cwd: ROOT, ...(env ? { env } : {}) });
      const machineMs = Math.round(machineCpuMs() - c0);
      const counts = meanCounts(await countSince(names, mark));
      const ok = m.code === 0;
      if (mode === 'first' && !ok) convergedFor = 0;
      if (!ok) process.stderr.write(`bench: ${tool} ${mode} ${size} exited ${m.code}\n${m.stdout.slice(-3000)}\n${m.stderr.slice(-3000)}\n`);
      let profile: unknown;
      if (tool === 'lvs-play') {
        try {
          profile = JSON.parse((await import('node:fs')).readFileSync(profileFile, 'utf8'));
        } catch {
          /* no profile */
        }
      }
      const sample: Sample = {
        bench, size, tool, mode, ok,
        wallMs: Math.round(m.wallMs), cpuMs: Math.round(m.cpuMs), peakRssMb: Math.round(m.peakRssMb), peakCgroupMb: Math.round(m.peakCgroupMb), machineCpuMs: machineMs,
        perHost: counts, at: new Date().toISOString(), load1, ...(profile ? { profile } : {}),
      };
      mkdirSync(join(resultsFile, '..'), { recursive: true });
      appendFileSync(resultsFile, `${JSON.stringify(sample)}\n`);
      process.stdout.write(`${size} ${tool} ${mode}: ${sample.wallMs} ms, cpu ${sample.cpuMs} ms, machine cpu ${machineMs} ms, rss ${sample.peakRssMb} MB, per host ${counts.connections} conn ${counts.sessions} sessions ${counts.processes} procs${ok ? '' : ' FAILED'}\n`);
      rmSync(control, { recursive: true, force: true });
      }
      last = Date.now() - s0;
    }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    await labUp({ progress: quiet }); // the standard lab again: extras removed
  }
}

runMain(main);

// Speed through a bastion: the bench job's no-change converge on 50 extra real servers reached
// through `lab up --bastion` (ProxyJump, one shared connection to the bastion) against the same
// hosts reached directly, alternating in the same run (the hosts' SSH is opened to all for each
// direct sample and closed again). Also counts the bastion's TCP connections from the control
// node during each bastion run (max seen, polled). Ends with the standard lab.
//   node --import jiti/register bench/bastion50.ts RESULTS_FILE BENCH_ID [RUNS]
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bastionConnections, extraRealServers, labOpenSsh, labSshOnlyFrom, labUp, loadTopology, type LabHost } from '../src/lab/index.js';
import { measure } from './measure.js';
import type { Bastion50 } from './report.js';
import { iniInventory, ROOT, runMain, toolArgv } from './tools.js';

const SIZE = 50;
const CONTROL = '10.77.0.1';
const quiet = () => undefined;


/** The bench inventory with every host behind the bastion (Ansible's way: ProxyJump in ansible_ssh_common_args). */
function viaBastion(ini: string, bastion: string): string {
  return ini.replace(/^ansible_ssh_common_args='(.*)'$/m, `ansible_ssh_common_args='$1 -o ProxyJump=root@${bastion}'`);
}

async function timedRun(ini: string, count: boolean): Promise<{ ms: number; connections: number }> {
  let max = 0;
  let done = false;
  const poll = (async () => {
    while (count && !done) {
      max = Math.max(max, await bastionConnections(CONTROL));
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const m = await measure(toolArgv('lvs-play', 'nochange', ini), { cwd: ROOT });
  done = true;
  await poll;
  if (m.code !== 0) throw new Error(`bench: lvs-play exited ${m.code}\n${m.stdout.slice(-2000)}\n${m.stderr.slice(-1000)}`);
  return { ms: Math.round(m.wallMs), connections: max };
}

async function main(): Promise<void> {
  const [resultsFile, bench, runsArg] = process.argv.slice(2) as [string, string, string?];
  const runs = Number(runsArg ?? 5);
  const work = mkdtempSync(join(tmpdir(), 'lvs-bench-bastion-'));
  const hosts: LabHost[] = extraRealServers(loadTopology(), SIZE);
  const bastion = '10.77.0.30';
  try {
    await labUp({ realservers: SIZE, bastion: true, progress: quiet });
    const direct = join(work, 'direct.ini');
    const behind = join(work, 'bastion.ini');
    writeFileSync(direct, iniInventory(hosts));
    writeFileSync(behind, viaBastion(iniInventory(hosts), bastion));
    await timedRun(behind, false); // converge once (the hosts may be fresh)
    const row: Bastion50 = { kind: 'bastion50', hosts: SIZE, directMs: [], bastionMs: [], bastionConnections: [], at: new Date().toISOString() };
    for (let i = 0; i < runs; i++) {
      await Promise.all(hosts.map((h) => labOpenSsh(h.name)));
      row.directMs.push((await timedRun(direct, false)).ms);
      await Promise.all(hosts.map((h) => labSshOnlyFrom(h.name, bastion)));
      const b = await timedRun(behind, true);
      row.bastionMs.push(b.ms);
      row.bastionConnections.push(b.connections);
      process.stdout.write(`bastion50 run ${i + 1}: direct ${row.directMs.at(-1)} ms, via bastion ${b.ms} ms, bastion connections ${b.connections}\n`);
    }
    appendFileSync(resultsFile, `${JSON.stringify({ bench, ...row })}\n`);
  } finally {
    await labUp({ progress: quiet });
  }
}

runMain(main);

// `npm run bench` (root): lvs-play against ansible-playbook and the floor on 1, 10, 50 and 100
// hosts, in chunks of at most ~9 minutes under the lab lock (flock /tmp/lvs-lab.lock), each ending
// with the standard lab; then the reference site with 50 real servers; then bench/RESULTS.md.
//   npm run bench [-- --scale-only --no-scale --bench ID (add to that run) --site-only --sizes 1,10 --runs 5 --ansible-runs 50:3,100:1 --skip 100:ansible:first --no-site --no-windows --report-only BENCH_ID]
//   npm run bench -- --bastion-only [--runs 5]   (only the 50 hosts via a bastion vs direct section, replaced in RESULTS.md)
//   (--no-bastion: skip that section in a full run)
//   npm run bench -- --floor-only [--runs 7]   (only lvs-play no-change and --check on 1 and 50 hosts beside the floor; its section replaced)
//   npm run bench -- --lab-site-only [--runs 5]   (only the reference site on the standard lab against its floor, bench/lab-site.ts; its section replaced)
//   npm run bench -- --startup-only [--runs 10]   (only the CLI start-up on this Node and Node 24, bench/startup.ts; no lab)
//   npm run bench -- --windows-only   (only win1 over WinRM vs PowerShell over SSH, bench/windows.ts; replaced in RESULTS.md)
//   npm run bench -- --transfer-only [--transfer-cases 100x12,1024x12:lvs+scp]   (only large files to many hosts, bench/transfer.ts; replaced in RESULTS.md); --no-transfer: skip it in a full run
//   npm run bench -- --exporter-only   (only bench/exporter.ts: the exporter's cost, bench/RESULTS-exporter.md); --exporter: also in a full run
// (the floor is sampled beside every lvs-play no-change sample, in the same chunk)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FLOOR_ITEMS } from './floor-report.js';
import { updateBastionSection, updateFloorSection, updateLabSiteSection, updateStartupSection, updateTransferSection, updateWindowsSection, writeResults } from './report.js';
import { ROOT, type Mode, type Tool } from './tools.js';

const OUT = process.env.LVS_BENCH_OUT ?? '/var/lib/lvs-play/bench';
const LOCK = '/tmp/lvs-lab.lock';
const MODES: Mode[] = ['first', 'nochange', 'check'];

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,10,50,100' },
    runs: { type: 'string', default: '5' },
    'ansible-runs': { type: 'string', default: '' },
    skip: { type: 'string', default: '' },
    'no-site': { type: 'boolean', default: false },
    'no-windows': { type: 'boolean', default: false },
    'windows-only': { type: 'boolean', default: false },
    'site-only': { type: 'boolean', default: false },
    bench: { type: 'string' },
    'report-only': { type: 'string' },
    'no-bastion': { type: 'boolean', default: false },
    'bastion-only': { type: 'boolean', default: false },
    'scale-only': { type: 'boolean', default: false },
    'no-scale': { type: 'boolean', default: false },
    exporter: { type: 'boolean', default: false },
    'exporter-only': { type: 'boolean', default: false },
    'startup-only': { type: 'boolean', default: false },
    'floor-only': { type: 'boolean', default: false },
    'lab-site-only': { type: 'boolean', default: false },
    'no-lab-site': { type: 'boolean', default: false },
    'transfer-only': { type: 'boolean', default: false },
    'no-transfer': { type: 'boolean', default: false },
    'transfer-cases': { type: 'string' },
  },
});

function samplesOf(file: string, bench: string, size: number, tool: Tool, mode: Mode): number {
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { bench: string; size?: number; tool?: string; mode?: string })
    .filter((s) => s.bench === bench && s.size === size && s.tool === tool && s.mode === mode).length;
}

function locked(args: string[]): number {
  const r = spawnSync('flock', [LOCK, 'node', '--import', 'jiti/register', ...args], { cwd: ROOT, stdio: 'inherit' });
  return r.status ?? 1;
}

const pause = (s: number) => spawnSync('sleep', [String(s)]);

/** Takes the samples `want` asks for in chunks under the lab lock (each at most ~9 minutes), until none is missing. */
function runChunks(file: string, bench: string, want: readonly (readonly [number, Tool, Mode, number])[]): void {
  for (let tries = 0; tries < 6; tries++) {
    const items = want.map(([z, t, m, n]) => [z, t, m, n - samplesOf(file, bench, z, t, m)] as const).filter(([, , , n]) => n > 0);
    if (!items.length) break;
    const code = locked(['bench/chunk.ts', items.map((i) => i.join(':')).join(','), file, bench, '540']);
    if (code !== 0) process.stderr.write(`bench: chunk exited ${code}\n`);
    pause(15); // let others waiting for the lab lock take it
  }
}

async function main(): Promise<void> {
  // the control node alone (10 000 hosts, hostile inputs): no lab, no lock (bench/scale10k.ts → bench/SCALE.md)
  const onlyOne = ['windows-only', 'bastion-only', 'floor-only', 'startup-only', 'lab-site-only', 'transfer-only'] as const;
  if (!values['no-scale'] && !values['report-only'] && !onlyOne.some((k) => values[k])) spawnSync('node', ['--import', 'jiti/register', 'bench/scale10k.ts'], { cwd: ROOT, stdio: 'inherit' });
  if (values['scale-only']) return;
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, 'results.jsonl');
  const bench = values['report-only'] ?? values.bench ?? new Date().toISOString().replace(/[:.]/g, '-');
  // a section measured alone (--NAME-only): its measurement, then only its part of RESULTS.md replaced
  const transferArgs = ['bench/transfer.ts', file, bench, ...(values['transfer-cases'] ? [values['transfer-cases']] : [])];
  const alone: [keyof typeof values, () => unknown, (file: string, bench: string, out: string) => string][] = [
    // no lab: start-up only (at least 10 runs)
    ['startup-only', () => spawnSync('node', ['--import', 'jiti/register', 'bench/startup.ts', file, bench, String(Math.max(10, Number(values.runs)))], { cwd: ROOT, stdio: 'inherit' }), updateStartupSection],
    // lvs-play no-change and --check on 1 and 50 hosts, the floor beside every no-change sample
    ['floor-only', () => runChunks(file, bench, FLOOR_ITEMS.map(([n, t, m]) => [n, t, m, Number(values.runs)] as const)), updateFloorSection],
    // the reference site on the standard lab against its floor
    ['lab-site-only', () => locked(['bench/lab-site.ts', file, bench, values.runs]), updateLabSiteSection],
    // large files to many hosts: lvs-play, parallel scp, Ansible copy
    ['transfer-only', () => locked(transferArgs), updateTransferSection],
    ['windows-only', () => locked(['bench/windows.ts', file, bench]), updateWindowsSection],
    ['bastion-only', () => locked(['bench/bastion50.ts', file, bench, values.runs]), updateBastionSection],
  ];
  for (const [flag, measureIt, update] of alone) {
    if (!values[flag]) continue;
    if (!values['report-only']) measureIt();
    process.stdout.write(`bench: ${update(file, bench, join(ROOT, 'bench/RESULTS.md'))}\n`);
    return;
  }
  if (values['exporter-only']) {
    locked(['bench/exporter.ts']);
    return;
  }
  if (!values['report-only']) {
    const sizes = values['site-only'] ? [] : values.sizes.split(',').map(Number);
    const runs = Number(values.runs);
    const ansibleRuns = new Map(values['ansible-runs'].split(',').filter(Boolean).map((p) => p.split(':').map(Number) as [number, number]));
    const skip = new Set(values.skip.split(',').filter(Boolean));
    // chunks: lvs-play (with the floor) on every size; then Ansible (a chunk ends within its budget, the next takes the rest)
    const groups: [number, Tool, Mode, number][][] = [[], []];
    sizes.forEach((size) => {
      for (const tool of ['lvs-play', 'ansible'] as const) {
        for (const mode of MODES) {
          const n = tool === 'ansible' ? (ansibleRuns.get(size) ?? runs) : runs;
          if (skip.has(`${size}:${tool}:${mode}`) || skip.has(`${size}:${tool}`) || n <= 0) continue;
          groups[tool === 'lvs-play' ? 0 : 1]!.push([size, tool, mode, n]);
        }
      }
    });
    for (const want of groups) runChunks(file, bench, want);
    if (!values['no-site']) locked(['bench/site50.ts', file, bench]);
    if (!values['no-bastion']) locked(['bench/bastion50.ts', file, bench, values.runs]);
    if (!values['no-windows']) locked(['bench/windows.ts', file, bench]);
    if (!values['no-lab-site']) locked(['bench/lab-site.ts', file, bench, values.runs]);
    if (!values['no-transfer']) locked(transferArgs);
    if (values.exporter) locked(['bench/exporter.ts']);
    spawnSync('node', ['--import', 'jiti/register', 'bench/startup.ts', file, bench, String(Math.max(10, Number(values.runs)))], { cwd: ROOT, stdio: 'inherit' });
  }
  const md = writeResults(file, bench, join(ROOT, 'bench/RESULTS.md'));
  process.stdout.write(`bench: ${md}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});

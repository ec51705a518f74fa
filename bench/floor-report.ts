// The "small runs against the floor" section of RESULTS.md (bench/run.ts --floor-only, and a full run):
// lvs-play's no-change converge and --check on 1 and 50 hosts against the floor (the same reads,
// N parallel OpenSSH sessions, sampled beside each lvs-play no-change sample), with the profile of
// the median 1-host run. The issue's lines ("no-change converge, 1 host: lvs-play/floor = X") are
// written here, once.
import { readFileSync } from 'node:fs';
import type { Sample } from './chunk.js';
import type { Mode } from './tools.js';

/** The major version of the Node running lvs-play (the `node` on PATH, which runs the bench too). */
const NODE_MAJOR = process.versions.node.split('.')[0]!;
/** One section per Node major: a run on Node 24 leaves the Node 20 section as it was. */
export const FLOOR_BEGIN = `<!-- floor node${NODE_MAJOR} (bench/run.ts --floor-only) -->`;
export const FLOOR_END = `<!-- /floor node${NODE_MAJOR} -->`;
/** Where the floor sections start (floor lines above it, from older full runs, are dropped). */
export const FLOOR_ANY = '<!-- floor ';
export const FLOOR_SIZES = [1, 50] as const;
/** What a --floor-only run measures: lvs-play no-change (the floor beside it) and --check. */
export const FLOOR_ITEMS: [number, 'lvs-play', Mode][] = FLOOR_SIZES.flatMap((n) => [[n, 'lvs-play', 'nochange'], [n, 'lvs-play', 'check']] as [number, 'lvs-play', Mode][]);
/** The targets of issue 27 (lvs-play/floor, median wall). */
const TARGET: Record<number, number> = { 1: 1.8, 50: 1.2 };

interface Profile { marks: Record<string, number>; cpu?: Record<string, number>; hosts: Record<string, Record<string, number>> }

/** The median (NaN for none). */
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const s2 = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '–');
const range = (xs: number[]) => (xs.length ? `${s2(Math.min(...xs))}–${s2(Math.max(...xs))}` : '–');
const hostWord = (n: number) => `${n} host${n === 1 ? '' : 's'}`;

/** The samples of one bench run (results.jsonl lines without a `kind`). */
export function samplesOfRun(file: string, bench: string): Sample[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Sample & { kind?: string })
    .filter((r) => r.bench === bench && r.kind === undefined);
}

/** The marked section; empty when the run has no floor sample. */
export function floorSection(samples: readonly Sample[], bench: string): string[] {
  const of = (size: number, tool: string, mode: Mode) => samples.filter((s) => s.size === size && s.tool === tool && s.mode === mode && s.ok);
  const wall = (size: number, tool: string, mode: Mode) => median(of(size, tool, mode).map((s) => s.wallMs));
  const sizes = FLOOR_SIZES.filter((n) => of(n, 'floor', 'nochange').length > 0);
  if (!sizes.length) return [];
  const mine = samples.filter((s) => sizes.includes(s.size as 1 | 50) && (s.mode === 'nochange' || s.mode === 'check'));
  const loads = mine.map((s) => s.load1).filter((v): v is number => v !== undefined);
  const at = mine.map((s) => s.at.slice(0, 16)).sort();
  const L = [FLOOR_BEGIN, `## Small runs against the floor (Node ${NODE_MAJOR})`, '',
    `Run \`${bench}\`, ${at[0] ?? '?'}–${at.at(-1)?.slice(11) ?? '?'} UTC; median wall of the runs, each lvs-play no-change sample followed by one of the floor`,
    `(the job's reads as N parallel OpenSSH sessions: bench/tools.ts); --check is set against the same floor (it makes the same reads). lvs-play ran on Node ${process.version}`,
    '(the `node` on PATH: `PATH=$(dirname $(bash scripts/node24.sh)):$PATH npm run bench -- --floor-only` measures Node 24).',
    `Machine load (1-minute load average at each sample's start, 2 cores shared with other work): median ${loads.length ? median(loads).toFixed(1) : '?'}` +
      `${loads.length ? ` (${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)})` : ''}. Targets: 1 host ≤ 1.8, 50 hosts ≤ 1.2.`, '', '```'];
  for (const n of sizes) L.push(`no-change converge, ${hostWord(n)}: lvs-play/floor = ${f2(wall(n, 'lvs-play', 'nochange') / wall(n, 'floor', 'nochange'))}`);
  for (const n of sizes) L.push(`--check, ${hostWord(n)}: lvs-play/floor = ${f2(wall(n, 'lvs-play', 'check') / wall(n, 'floor', 'nochange'))}`);
  L.push('```', '', '| hosts | run | n | wall s | CPU s (control node) | ratio to the floor | target |', '|---|---|---|---|---|---|---|');
  for (const n of sizes) {
    const floor = wall(n, 'floor', 'nochange');
    for (const [tool, mode, name] of [['lvs-play', 'nochange', 'lvs-play no-change converge'], ['lvs-play', 'check', 'lvs-play --check'], ['floor', 'nochange', 'floor (OpenSSH ×N)']] as const) {
      const xs = of(n, tool, mode);
      if (!xs.length) continue;
      const w = xs.map((s) => s.wallMs);
      const r = median(w) / floor;
      L.push(`| ${n} | ${name} | ${xs.length} | ${s2(median(w))} (${range(w)}) | ${s2(median(xs.map((s) => s.cpuMs)))} | ${tool === 'floor' ? '1' : f2(r)} | ${tool === 'floor' ? '' : `≤ ${TARGET[n]}: ${r <= TARGET[n]! ? 'met' : 'missed'}`} |`);
    }
  }
  L.push('', ...profileOfMedian(of(1, 'lvs-play', 'nochange')), FLOOR_END, '');
  return L;
}

/** Where the median 1-host no-change run spends its time (LVS_PLAY_PROFILE marks and phases). */
function profileOfMedian(xs: readonly Sample[]): string[] {
  const withProfile = xs.filter((s) => s.profile);
  if (!withProfile.length) return [];
  const mid = [...withProfile].sort((a, b) => a.wallMs - b.wallMs)[withProfile.length >> 1]!;
  const { marks: m, cpu: c = {}, hosts } = mid.profile as Profile;
  const h = Object.values(hosts)[0] ?? {};
  const steps: [string, string, string | undefined][] = [['node + CLI modules', 'modules', undefined], ['playbook and inventory loaded', 'loaded', 'modules'],
    ['plan built', 'selected', 'loaded'], ['engine loaded (executor, ssh2, listr2)', 'engine', 'selected'], ['connect, handshake, reads, recap', 'executed', 'engine']];
  const d = (o: Record<string, number>, a: string, b?: string) => f0((o[a] ?? NaN) - (b ? (o[b] ?? NaN) : 0));
  return [`1 host, the median no-change run (${s2(mid.wallMs)} s wall), from \`LVS_PLAY_PROFILE\`: wall ms, and this process's CPU ms (what a step cost, whatever else ran):`, '',
    `| | ${steps.map(([n]) => n).join(' | ')} |`, `|---|${steps.map(() => '---|').join('')}`,
    `| wall | ${steps.map(([, a, b]) => d(m, a, b)).join(' | ')} |`,
    `| CPU | ${steps.map(([, a, b]) => d(c, a, b)).join(' | ')} |`, '',
    `Host phases (ms): TCP connect ${f0(h['connect'] ?? NaN)}, SSH handshake ${f0(h['handshake'] ?? NaN)}, reads ${f0(h['reads'] ?? NaN)} (${h['roundTrips'] ?? '?'} round trip), plan ${f0(h['plan'] ?? NaN)}.`, ''];
}

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');

// Start-up of the CLI (no lab): `lvs-play --version`, `--help` and a usage error against `node -e 0`,
// interleaved, on this machine's Node and on Node 24 (scripts/node24.sh, cached in .cache/node24).
//   node --import jiti/register bench/startup.ts RESULTS.jsonl BENCH_ID [RUNS]
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT } from './tools.js';

export interface StartupNode { node: string; version: string; ms: Record<string, number[]> }
export interface StartupBench { kind: 'startup'; bench: string; at: string; nodes: StartupNode[] }

const CLI = join(ROOT, 'dist/src/cli/main.js');
const COMMANDS: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'lvs-play --version': [CLI, '--version'],
  'lvs-play --help': [CLI, '--help'],
  'lvs-play (usage error)': [CLI, '--no-such-option'],
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function timeOnce(node: string, args: string[]): number {
  const t = performance.now();
  spawnSync(node, args, { cwd: ROOT, stdio: 'ignore' });
  return performance.now() - t;
}

/** `runs` rounds, each running every command once (interleaved), after one warm-up round. */
export function measureNode(node: string, runs: number): StartupNode {
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const ms: Record<string, number[]> = Object.fromEntries(Object.keys(COMMANDS).map((k) => [k, []]));
  for (let round = -1; round < runs; round++) {
    for (const [name, args] of Object.entries(COMMANDS)) {
      const t = timeOnce(node, args);
      if (round >= 0) ms[name]!.push(Math.round(t * 10) / 10);
    }
  }
  return { node, version, ms };
}

function node24(): string | undefined {
  const r = spawnSync('bash', [join(ROOT, 'scripts/node24.sh')], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export const STARTUP_BEGIN = '<!-- startup (bench/startup.ts) -->';
export const STARTUP_END = '<!-- /startup -->';

/** The start-up section of RESULTS.md; the first line per Node is the "start-up:" line. */
export function startupSection(b: StartupBench): string[] {
  const L = [STARTUP_BEGIN, '## Start-up', '',
    `Median of ${b.nodes[0]?.ms['node -e 0']?.length ?? 0} interleaved runs each (run \`${b.bench}\`, ${b.at.slice(0, 16)} UTC); target: within \`node -e 0\` + 50 ms.`, ''];
  for (const n of b.nodes) {
    const floor = median(n.ms['node -e 0']!);
    L.push(`Node ${n.version}:`, '', '```');
    for (const name of Object.keys(n.ms).filter((k) => k !== 'node -e 0')) L.push(`start-up: ${name} - node -e 0 = ${Math.round(median(n.ms[name]!) - floor)} ms`);
    L.push('```', '', `\`node -e 0\` ${floor.toFixed(0)} ms.`, '');
  }
  return [...L, STARTUP_END, ''];
}

if (process.argv[1]?.endsWith('startup.ts')) {
  const [file, bench, runs = '10'] = process.argv.slice(2);
  if (!file || !bench) throw new Error('usage: bench/startup.ts RESULTS.jsonl BENCH_ID [RUNS]');
  const nodes = [process.execPath, node24()].filter((n): n is string => Boolean(n));
  const row: StartupBench = { kind: 'startup', bench, at: new Date().toISOString(), nodes: nodes.map((n) => measureNode(n, Number(runs))) };
  appendFileSync(file, `${JSON.stringify(row)}\n`);
  for (const line of startupSection(row)) process.stdout.write(`${line}\n`);
}

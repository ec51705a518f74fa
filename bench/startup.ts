// Start-up of the CLI (no lab): `lvs-play --version`, `--help` and a usage error against `node -e 0`,
// `--list-hosts` of the reference site on inventory/prod, and when that listing reached "playbook and
// inventory loaded" (LVS_PLAY_PROFILE); interleaved, on this machine's Node and on Node 24
// (scripts/node24.sh, cached in .cache/node24). Each Node runs once before the rounds (warm caches).
//   node --import jiti/register bench/startup.ts RESULTS.jsonl BENCH_ID [RUNS]
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT } from './tools.js';

export interface StartupNode { node: string; version: string; ms: Record<string, number[]>; loaded?: number[] }
export interface StartupBench { kind: 'startup'; bench: string; at: string; nodes: StartupNode[] }

const CLI = join(ROOT, 'dist/src/cli/main.js');
const COMMANDS: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'lvs-play --version': [CLI, '--version'],
  'lvs-play --help': [CLI, '--help'],
  'lvs-play (usage error)': [CLI, '--no-such-option'],
  'lvs-play --list-hosts (site.ts, inventory/prod)': [CLI, 'playbooks/site.ts', '-i', 'prod', '--list-hosts'],
};
const LISTING = 'lvs-play --list-hosts (site.ts, inventory/prod)';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function timeOnce(node: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const t = performance.now();
  spawnSync(node, args, { cwd: ROOT, stdio: 'ignore', env });
  return performance.now() - t;
}

/** The listing's "loaded" mark (ms since its process started): a playbook run reaches it the same way. */
function loadedMark(node: string, dir: string): number {
  const file = join(dir, 'profile.json');
  timeOnce(node, COMMANDS[LISTING]!, { ...process.env, LVS_PLAY_PROFILE: file });
  return (JSON.parse(readFileSync(file, 'utf8')) as { marks: Record<string, number> }).marks['loaded'] ?? NaN;
}

/** `runs` rounds, each running every command once (interleaved), after one warm-up round. */
export function measureNode(node: string, runs: number): StartupNode {
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const ms: Record<string, number[]> = Object.fromEntries(Object.keys(COMMANDS).map((k) => [k, []]));
  const loaded: number[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'lvs-startup-'));
  try {
    for (let round = -1; round < runs; round++) {
      for (const [name, args] of Object.entries(COMMANDS)) {
        const t = timeOnce(node, args);
        if (round >= 0) ms[name]!.push(Math.round(t * 10) / 10);
      }
      const mark = loadedMark(node, dir);
      if (round >= 0) loaded.push(mark);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { node, version, ms, loaded };
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
    `Median of ${b.nodes[0]?.ms['node -e 0']?.length ?? 0} interleaved runs each (run \`${b.bench}\`, ${b.at.slice(0, 16)} UTC), warm: the bundle`,
    '(dist/bundle/) and jiti compiled once through the code cache (src/launch.ts), jiti\'s transform of the playbook cached.', ''];
  for (const n of b.nodes) {
    const floor = median(n.ms['node -e 0']!);
    L.push(`Node ${n.version}:`, '', '```');
    for (const name of Object.keys(n.ms).filter((k) => k !== 'node -e 0' && k !== LISTING)) L.push(`start-up: ${name} - node -e 0 = ${Math.round(median(n.ms[name]!) - floor)} ms`);
    if (n.ms[LISTING]) L.push(`start-up: ${LISTING} = ${Math.round(median(n.ms[LISTING]))} ms`);
    if (n.loaded?.length) L.push(`start-up: playbook and inventory loaded (the same listing, LVS_PLAY_PROFILE) = ${Math.round(median(n.loaded))} ms`);
    L.push('```', '', `\`node -e 0\` ${floor.toFixed(0)} ms. Targets: the first three within \`node -e 0\` + 50 ms, the listing within 250 ms, "loaded" within 150 ms.`, '');
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

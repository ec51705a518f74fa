// The reference site on the standard lab (lvs1, lvs2, rs1, rs2, win1), under the lab lock: the
// no-change converge of playbooks/site.ts and `status`, timed with their phases (LVS_PLAY_PROFILE),
// each beside a floor made of the same reads: the Linux hosts' commands through OpenSSH (one
// session per host, all hosts at once), win1's PowerShell through one WinRM command (pywinrm, NTLM
// with encryption, as lvs-play reaches it). The converge's reads are recorded once from a --check
// run of the same site (every command and PowerShell script the hosts were asked to run).
//   node --import jiti/register bench/lab-site.ts RESULTS_FILE BENCH_ID [RUNS]
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDir, labPaths } from '../src/lab/index.js';
import type { HostView, JsonValue, PsScript, RunResult, ShellCommand, Transport } from '../src/types.js';
import { median } from './floor-report.js';
import { measure } from './measure.js';
import { CLI, ROOT, runMain } from './tools.js';

export interface HostReads { posix: string[]; ps: { script: string; data: JsonValue }[] }
export interface LabSiteRun { what: 'converge' | 'status' | 'converge-floor' | 'status-floor'; wallMs: number; cpuMs: number; code: number | null; load1: number; changed?: number; profile?: unknown }
export interface LabSiteBench { kind: 'labsite'; bench: string; at: string; runs: LabSiteRun[]; reads: Record<string, { commands: number; scripts: number }> }

const HOSTS: Record<string, string> = { lvs1: '10.77.0.14', lvs2: '10.77.0.15', rs1: '10.77.0.16', rs2: '10.77.0.17', win1: '10.77.0.18' };
const site = (...more: string[]) => ['node', CLI, join(ROOT, 'playbooks/site.ts'), '-i', 'lab', ...more];
const env = (profile?: string) => ({ ...process.env, CI: 'true', ...(profile ? { LVS_PLAY_PROFILE: profile } : {}) });

/** Every command and script a --check run of the site sends to each host (the converge's reads, on a converged lab). */
async function recordReads(): Promise<Map<string, HostReads>> {
  const { runPlaybook } = await import('../src/cli/run.js');
  const reads = new Map<string, HostReads>();
  const record = (t: Transport): Transport => {
    const r: HostReads = reads.get(t.host) ?? { posix: [], ps: [] };
    reads.set(t.host, r);
    // the transport itself, with its reads noted on the way (every other property, e.g. its address, as it is)
    if (t.shell === 'powershell') {
      return Object.assign(Object.create(t) as Transport, { invoke: (script: PsScript, data: JsonValue) => (r.ps.push({ script: String(script), data }), t.invoke(script, data)) });
    }
    return Object.assign(Object.create(t) as Transport, {
      run: (cmd: ShellCommand, o?: { stdin?: string | Buffer }): Promise<RunResult> => (o?.stdin === undefined && r.posix.push(String(cmd)), t.run(cmd, o)),
      get: (path: string) => (r.posix.push(`cat -- '${path.replace(/'/g, "'\\''")}'`), t.get(path)),
    });
  };
  const sink = { write: () => true } as unknown as NodeJS.WritableStream;
  const o = { playbook: join(ROOT, 'playbooks/site.ts'), inventory: 'lab', check: true, diff: false, extraVars: [], forks: 10, listHosts: false, listTasks: false, verbose: 0, acceptNewHostKeys: false };
  const code = await runPlaybook(o as Parameters<typeof runPlaybook>[0], sink, {
    beforeExecute: async (ctx) => {
      const inner = ctx.connect; // the run's own connector (ctx.connect becomes the one returned here)
      return { connect: async (h: HostView) => record(await inner(h)) };
    },
  });
  if (code !== 0) throw new Error(`bench: recording the site's reads: --check exited ${code}`);
  return reads;
}

/** A Linux host's reads as one script for `sh -s` (each in its own subshell, output dropped). */
const posixScript = (cmds: readonly string[]): string => `${cmds.map((c) => `(\n${c}\n) >/dev/null 2>&1\n`).join('')}exit 0\n`;

/** win1's reads as one PowerShell script: each recorded script with its `$data`. */
function psScript(items: readonly { script: string; data: JsonValue }[]): string {
  return items.map(({ script, data }) => `& { param($data)\n${script}\n} (ConvertFrom-Json -InputObject @'\n${JSON.stringify(data ?? null)}\n'@) | Out-Null\n`).join('');
}

/** pywinrm, one run_ps (the file is not named winrm.py: it would import itself). */
const WINRM = `import json, sys, winrm
cfg = json.load(open(sys.argv[1]))
s = winrm.Session('http://%s:%d/wsman' % (cfg['address'], cfg['http_port']), auth=(cfg['user'], cfg['password']), transport='ntlm', message_encryption='auto')
r = s.run_ps(open(sys.argv[2]).read())
sys.exit(r.status_code)
`;

/** Debian 12's python3-ntlm-auth computes NT hashes with hashlib's MD4: OpenSSL 3 has it in its legacy provider only. */
const OPENSSL_LEGACY = 'openssl_conf = openssl_init\n[openssl_init]\nproviders = provider_sect\n[provider_sect]\ndefault = default_sect\nlegacy = legacy_sect\n[default_sect]\nactivate = 1\n[legacy_sect]\nactivate = 1\n';

/** The floor: every host's reads at once (OpenSSH per Linux host, one WinRM command for win1). */
function floorArgv(dir: string, reads: ReadonlyMap<string, HostReads>): string[] {
  mkdirSync(dir, { recursive: true });
  const ssh = `ssh -i ${labPaths.key()} -o UserKnownHostsFile=${labPaths.knownHosts()} -o StrictHostKeyChecking=yes -o BatchMode=yes -o ControlMaster=no -o ControlPath=none`;
  const jobs: string[] = [];
  for (const [host, r] of reads) {
    if (r.ps.length) {
      writeFileSync(join(dir, `${host}.ps1`), psScript(r.ps));
      writeFileSync(join(dir, 'winrm_floor.py'), WINRM);
      writeFileSync(join(dir, 'openssl.cnf'), OPENSSL_LEGACY);
      jobs.push(`OPENSSL_CONF=${join(dir, 'openssl.cnf')} /usr/bin/python3 ${join(dir, 'winrm_floor.py')} ${join(labDir(), `${host}-winrm.json`)} ${join(dir, `${host}.ps1`)} >/dev/null 2>&1 & pids="$pids $!"`);
    } else {
      writeFileSync(join(dir, `${host}.sh`), posixScript(r.posix));
      jobs.push(`${ssh} root@${HOSTS[host]} sh -s < ${join(dir, `${host}.sh`)} >/dev/null 2>&1 & pids="$pids $!"`);
    }
  }
  return ['sh', '-c', `pids=\n${jobs.join('\n')}\nfail=0; for j in $pids; do wait "$j" || fail=1; done; exit $fail`];
}

/** The reads `status` makes (src/status/scripts.ts), per host. */
async function statusReads(): Promise<Map<string, HostReads>> {
  const s = await import('../src/status/scripts.js');
  const m = new Map<string, HostReads>();
  for (const h of ['lvs1', 'lvs2']) m.set(h, { posix: [String(s.directorScript())], ps: [] });
  for (const h of ['rs1', 'rs2']) m.set(h, { posix: [String(s.linuxRealServerScript())], ps: [] });
  m.set('win1', { posix: [], ps: [{ script: String(s.windowsRealServerScript), data: { address: HOSTS['win1']! } }] });
  return m;
}

async function timedRun(what: LabSiteRun['what'], argv: string[], profile?: string): Promise<LabSiteRun> {
  const load1 = Math.round(loadavg()[0]! * 100) / 100;
  const m = await measure(argv, { cwd: ROOT, env: env(profile) });
  const changed = [...m.stdout.matchAll(/changed=(\d+)/g)].reduce((a, x) => a + Number(x[1]), 0);
  let prof: unknown;
  if (profile) {
    try {
      prof = JSON.parse(readFileSync(profile, 'utf8'));
    } catch {
      prof = undefined;
    }
  }
  if (m.code !== 0 && !(what === 'status' && m.code === 2)) process.stderr.write(`${what}: exit ${m.code}\n${m.stdout.slice(-1500)}\n${m.stderr.slice(-1500)}\n`);
  process.stdout.write(`${what}: exit ${m.code}, ${Math.round(m.wallMs)} ms, cpu ${Math.round(m.cpuMs)} ms, load ${load1}\n`);
  return { what, wallMs: Math.round(m.wallMs), cpuMs: Math.round(m.cpuMs), code: m.code, load1, ...(what === 'converge' ? { changed } : {}), ...(prof ? { profile: prof } : {}) };
}

async function main(): Promise<void> {
  const [resultsFile, bench, n = '5'] = process.argv.slice(2) as [string, string, string?];
  const dir = mkdtempSync(join(tmpdir(), 'lvs-labsite-'));
  try {
    const first = await measure(site(), { cwd: ROOT, env: env() });
    process.stdout.write(`site converge: exit ${first.code}\n`);
    if (first.code !== 0) throw new Error(`bench: the site did not converge on the lab:\n${first.stdout.slice(-2000)}`);
    const reads = await recordReads();
    const convergeFloor = floorArgv(join(dir, 'converge'), reads);
    const statusFloor = floorArgv(join(dir, 'status'), await statusReads());
    const runs: LabSiteRun[] = [];
    const profile = join(dir, 'profile.json');
    for (let i = 0; i < Number(n); i++) {
      runs.push(await timedRun('converge', site(), profile));
      runs.push(await timedRun('converge-floor', convergeFloor));
      runs.push(await timedRun('status', ['node', CLI, 'status', '-i', 'lab'], profile));
      runs.push(await timedRun('status-floor', statusFloor));
    }
    const counts = Object.fromEntries([...reads].map(([h, r]) => [h, { commands: r.posix.length, scripts: r.ps.length }]));
    const row: LabSiteBench = { kind: 'labsite', bench, at: new Date().toISOString(), runs, reads: counts };
    appendFileSync(resultsFile, `${JSON.stringify(row)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('lab-site.ts')) {
  runMain(main);
}

const LABSITE_BEGIN = '<!-- labsite (bench/lab-site.ts) -->';
const LABSITE_END = '<!-- /labsite -->';
export { LABSITE_BEGIN, LABSITE_END };

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const s2 = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '–');

/** The section of RESULTS.md for a labsite row. */
export function labSiteSection(b: LabSiteBench): string[] {
  const of = (w: LabSiteRun['what']) => b.runs.filter((r) => r.what === w && (r.code === 0 || (w === 'status' && r.code === 2)));
  const wall = (w: LabSiteRun['what']) => median(of(w).map((r) => r.wallMs));
  const loads = b.runs.map((r) => r.load1);
  const L = [LABSITE_BEGIN, '## The reference site on the lab: lvs-play against the floor', '',
    `\`playbooks/site.ts -i lab\` no-change converge and \`lvs-play status -i lab\` on lvs1, lvs2, rs1, rs2 (ssh) and win1 (WinRM, NTLM with encryption), ${of('converge').length} runs each`,
    'interleaved with their floors (bench/lab-site.ts): the same reads (the commands and PowerShell scripts a --check run of the site sends each host, recorded;',
    'status: its scripts) through OpenSSH, one session per Linux host, and one WinRM command for win1 (pywinrm), all hosts at once.',
    `Run \`${b.bench}\`, ${b.at.slice(0, 16)} UTC; 1-minute load average median ${median(loads).toFixed(1)} (${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}), 2 cores shared.`, '',
    '```',
    `reference site, no-change converge: lvs-play/floor = ${(wall('converge') / wall('converge-floor')).toFixed(2)}`,
    `reference site, status: lvs-play/floor = ${(wall('status') / wall('status-floor')).toFixed(2)}`,
    '```', '', '| run | n | wall s (median, min–max) | CPU s (control node) | changed |', '|---|---|---|---|---|'];
  for (const w of ['converge', 'converge-floor', 'status', 'status-floor'] as const) {
    const xs = of(w);
    const ws = xs.map((r) => r.wallMs);
    L.push(`| ${w} | ${xs.length} | ${s2(median(ws))} (${s2(Math.min(...ws))}–${s2(Math.max(...ws))}) | ${s2(median(xs.map((r) => r.cpuMs)))} | ${w === 'converge' ? xs.map((r) => r.changed).join(', ') : ''} |`);
  }
  const profiles = of('converge').map((r) => r.profile as { marks: Record<string, number>; hosts: Record<string, Record<string, number>> } | undefined).filter((p) => p !== undefined);
  if (profiles.length) {
    const mark = (k: string) => median(profiles.map((p) => p.marks[k] ?? NaN));
    L.push('', `Converge, median of the runs (LVS_PLAY_PROFILE, ms since the process started): modules ${f0(mark('modules'))}, playbook and inventory loaded ${f0(mark('loaded'))}, ` +
      `plan built ${f0(mark('selected'))}, engine loaded ${f0(mark('engine'))}, hosts done ${f0(mark('executed'))}.`, '',
      '| host | TCP connect | SSH handshake / WinRM auth + shell | local pwsh (NTLM helper) | first command (probe) | reads | round trips | plan |', '|---|---|---|---|---|---|---|---|');
    for (const h of Object.keys(b.reads)) {
      const ph = (k: string) => f0(median(profiles.map((p) => p.hosts[h]?.[k]).filter((v): v is number => v !== undefined)));
      L.push(`| ${h} | ${ph('connect')} | ${ph('handshake')} | ${ph('helper')} | ${ph('probe')} | ${ph('reads')} | ${ph('roundTrips')} | ${ph('plan')} |`);
    }
    L.push('', `Reads recorded per host (commands / PowerShell scripts): ${Object.entries(b.reads).map(([h, r]) => `${h} ${r.commands}/${r.scripts}`).join(', ')}.`);
  }
  return [...L, '', LABSITE_END, ''];
}

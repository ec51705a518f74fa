// `npm run bench -- --scale-only` (and part of every `npm run bench`): the control node alone with
// 10 000 hosts and hostile inputs — no host is contacted (the --check run is in a network namespace
// of its own, `unshare -n`, so every host is unreachable at once). Measures wall time and peak RSS
// (GNU time) of: --list-hosts, --list-tasks (every host's tasks built and validated: the planning
// a --check run does before it connects), --check up to the recap (and, from its LVS_PLAY_PROFILE
// marks, when its planning ended: every input checked, no host contacted yet), and the hostile inputs of issue
// 24 (a 100 000 000-host range, a YAML alias bomb, a 50 MB INI value, a nested-quantifier --limit).
// Writes bench/SCALE.md. Targets (docs/scaling.md): --list-hosts < 2 s, planning < 5 s, < 300 MB.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './tools.js';

const HOSTS = Number(process.env.LVS_BENCH_SCALE_HOSTS ?? 10_000);

/** The reference site's inventory with two directors and HOSTS-2 Linux real servers (INI). */
export function scaleInventory(hosts = HOSTS): string {
  const lines = ['[directors]', `lvs1 ansible_host=10.99.0.1 vrrp="{'state': 'MASTER', 'priority': 150}"`, `lvs2 ansible_host=10.99.0.2 vrrp="{'state': 'BACKUP', 'priority': 100}"`, '', '[linux_realservers]'];
  for (let i = 0; i < hosts - 2; i++) lines.push(`rs${String(i).padStart(5, '0')} ansible_host=10.${100 + Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${i % 256}`);
  lines.push('', '[windows]', '', '[all:vars]', 'vip=10.99.0.100', 'vrrp_auth_pass=bench', 'ansible_user=root', 'keepalived_install=package', 'ipvs_tuning=false', '');
  return lines.join('\n');
}

interface Sample { name: string; seconds: number; cpu: number; mb: number; exit: number | null; target?: string; marks?: Record<string, number>; cpuMarks?: Record<string, number> }

function measure(name: string, args: string[], cwd: string, target?: string, netns = false, env: NodeJS.ProcessEnv = {}): Sample {
  const cmd = [...(netns ? ['unshare', '-n'] : []), process.execPath, join(ROOT, 'dist/src/cli/main.js'), ...args];
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', ...cmd], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', ...env }, maxBuffer: 1 << 30, timeout: 300_000 });
  const [s, kb, user, sys] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return { name, seconds: s ?? NaN, cpu: (user ?? NaN) + (sys ?? NaN), mb: Math.round((kb ?? 0) / 1024), exit: r.status, ...(target ? { target } : {}) };
}

/** The --check run, with its profile (src/profile.ts): `marks.planned` is when planning ended, before the first connection. */
function measureCheck(name: string, args: string[], dir: string): Sample {
  const profile = join(dir, 'check-profile.json');
  const sample = measure(name, args, dir, '< 5 s to the first connection, < 300 MB', true, { LVS_PLAY_PROFILE: profile });
  try {
    const p = JSON.parse(readFileSync(profile, 'utf8')) as { marks: Record<string, number>; cpu?: Record<string, number> };
    return { ...sample, marks: p.marks, ...(p.cpu ? { cpuMarks: p.cpu } : {}) };
  } catch {
    return sample;
  }
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'lvs-bench-scale-'));
  writeFileSync(join(dir, 'inv.ini'), scaleInventory());
  writeFileSync(join(dir, 'range.ini'), '[web]\nweb[00000000:99999999]\n');
  writeFileSync(join(dir, 'big.ini'), `[web]\nweb1 ansible_host=10.0.0.1 blob=${'x'.repeat(50_000_000)}\n`);
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
  writeFileSync(join(dir, 'bomb.yml'), `all:\n  vars:\n${bomb.map((l) => `    ${l}`).join('\n')}\n  hosts:\n    h1:\n`);
  const site = join(ROOT, 'playbooks/site.ts');
  const samples = [
    measure(`--list-hosts, ${HOSTS} hosts`, [site, '-i', 'inv.ini', '--list-hosts'], dir, '< 2 s'),
    measure(`--list-tasks (planning), ${HOSTS} hosts`, [site, '-i', 'inv.ini', '--list-tasks'], dir, '< 5 s, < 300 MB'),
    measureCheck(`--check, ${HOSTS} hosts, all unreachable (unshare -n)`, [site, '-i', 'inv.ini', '--check'], dir),
    measure('web[00000000:99999999] (refused)', [site, '-i', 'range.ini', '--list-hosts'], dir),
    measure('YAML alias bomb (refused)', [site, '-i', 'bomb.yml', '--list-hosts'], dir),
    measure('50 MB INI value (refused: over 16 MiB)', [site, '-i', 'big.ini', '--list-hosts'], dir),
    measure('50 MB INI value, LVS_PLAY_MAX_INPUT_BYTES=100000000 (the tokenizer)', [site, '-i', 'big.ini', '--list-hosts'], dir, undefined, false, { LVS_PLAY_MAX_INPUT_BYTES: '100000000' }),
    measure("--limit '~(a+)+$' (refused)", [site, '-i', 'inv.ini', '--limit', '~(a+)+$', '--list-hosts'], dir),
  ];
  rmSync(join(dir, 'big.ini'), { force: true });
  const [listHosts, listTasks, check] = samples as [Sample, Sample, Sample];
  const planned = check.marks?.['planned'];
  const plannedCpu = check.cpuMarks?.['planned'];
  const k = HOSTS % 1000 === 0 ? `${HOSTS / 1000}k` : String(HOSTS);
  const md = [
    '# Control node at scale, and hostile inputs (bench/scale10k.ts)',
    '',
    `Measured ${new Date().toISOString()} on this machine (2 cores, shared: load average ${loadavg()[0]!.toFixed(1)}); no host contacted.`,
    'CPU s is user + system time of the process: on a busy shared machine it, not the wall time, is what the run costs.',
    '',
    `${k} hosts: --list-hosts ${listHosts.seconds.toFixed(2)} s, --check planning ${planned === undefined ? '?' : (planned / 1000).toFixed(2)} s (to the first connection${plannedCpu === undefined ? '' : `, ${(plannedCpu / 1000).toFixed(2)} s CPU`}; --list-tasks ${listTasks.seconds.toFixed(2)} s), peak RSS MB ${Math.max(listHosts.mb, listTasks.mb, check.mb)} (--list-tasks ${listTasks.mb}, the whole --check run ${check.mb})`,
    '',
    '| case | wall s | CPU s | peak RSS MB | exit | target |',
    '|---|---|---|---|---|---|',
    ...samples.map((s) => `| ${s.name} | ${s.seconds.toFixed(2)} | ${s.cpu.toFixed(2)} | ${s.mb} | ${s.exit} | ${s.target ?? ''} |`),
    '',
  ].join('\n');
  writeFileSync(join(ROOT, 'bench/SCALE.md'), md);
  process.stdout.write(`${md}\n`);
}

main();

// Large files to many hosts, under the lab lock: lvs-play (bench/transfer-job.ts: `upload` from a
// path, and `file({ content })` from a Buffer the playbook holds) against N parallel `scp` of the
// same file and Ansible's `copy` (bench/transfer.yml), on the extra real servers (`lab up
// --realservers N`; lvs-play with --forks N: every host at once, like the N scp and Ansible's forks
// = N). Per case: wall time and the control node's peak RSS (bench/measure.ts: the
// whole process tree), every host's copy checked by sha256, and lvs-play's second run (nothing sent:
// changed=0). Ends with the standard lab; the files on the hosts and the sources are removed.
//   node --import jiti/register bench/transfer.ts RESULTS_FILE BENCH_ID [CASES]
// CASES: comma-separated MBxHOSTS[:tools], tools among lvs,content,scp,ansible (default: all);
// default 100x12,1024x12:lvs+scp,100x2:lvs,100x50:lvs.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostExec, labPaths, labUp, type LabHost } from '../src/lab/index.js';
import { measure } from './measure.js';
import { ansibleEnv, iniInventory, ROOT, runMain } from './tools.js';

export type TransferTool = 'lvs' | 'lvs-second' | 'content' | 'scp' | 'ansible';
export interface TransferCase { mb: number; hosts: number; tool: TransferTool; wallMs: number; peakRssMb: number; ok: boolean; note?: string }
export interface TransferBench { kind: 'transfer'; bench: string; at: string; cases: TransferCase[] }

const DEST = '/var/tmp/lvs-bench-transfer.bin';
const DEFAULT_CASES = '100x12,1024x12:lvs+scp,100x2:lvs,100x50:lvs';
const quiet = () => undefined;

async function onHosts(hosts: readonly LabHost[], script: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < hosts.length; i += 10) {
    const rs = await Promise.all(hosts.slice(i, i + 10).map((h) => hostExec(h.name, ['sh', '-c', script])));
    out.push(...rs.map((r) => r.stdout.trim()));
  }
  return out;
}

/** Every host holds the file with this sha256. */
async function allHave(hosts: readonly LabHost[], sha: string): Promise<boolean> {
  const sums = await onHosts(hosts, `openssl dgst -sha256 -r ${DEST} 2>/dev/null | cut -d' ' -f1`);
  return sums.every((s) => s === sha);
}

const clean = (hosts: readonly LabHost[]) => onHosts(hosts, `rm -f ${DEST} /var/tmp/.lvs-bench-transfer.bin.lvs-*`);

function scpArgv(hosts: readonly LabHost[], src: string): string[] {
  const scp = `scp -q -i ${labPaths.key()} -o UserKnownHostsFile=${labPaths.knownHosts()} -o StrictHostKeyChecking=yes -o BatchMode=yes -o ControlMaster=no -o ControlPath=none`;
  const script = `src=$1; shift; fail=0; pids=; for a; do ${scp} "$src" root@"$a":${DEST} & pids="$pids $!"; done; for j in $pids; do wait "$j" || fail=1; done; exit $fail`;
  return ['sh', '-c', script, 'scp', src, ...hosts.map((h) => h.address)];
}

function ansibleYml(work: string, src: string): string {
  const yml = join(work, 'transfer.yml');
  writeFileSync(yml, `- hosts: bench\n  gather_facts: false\n  tasks:\n    - ansible.builtin.copy:\n        src: ${src}\n        dest: ${DEST}\n        mode: '0644'\n`);
  return yml;
}

interface Ctx { work: string; src: string; sha: string; ini: string; hosts: readonly LabHost[]; mb: number }

async function runTool(c: Ctx, tool: Exclude<TransferTool, 'lvs-second'>): Promise<TransferCase[]> {
  await clean(c.hosts);
  // every host at once, as the N scp and Ansible (forks = N) do
  const lvs = ['node', join(ROOT, 'dist/src/cli/main.js'), join(ROOT, 'bench/transfer-job.ts'), '-i', c.ini, '--forks', String(c.hosts.length)];
  const lvsEnv = (kind: string) => ({ ...process.env, LVS_BENCH_TRANSFER_SRC: c.src, LVS_BENCH_TRANSFER_KIND: kind });
  const argv = tool === 'scp' ? scpArgv(c.hosts, c.src) : tool === 'ansible' ? ['ansible-playbook', '-i', c.ini, ansibleYml(c.work, c.src)] : lvs;
  const env = tool === 'ansible' ? ansibleEnv(c.hosts.length, mkdtempSync(join(c.work, 'cp-'))) : tool === 'scp' ? process.env : lvsEnv(tool === 'content' ? 'content' : 'upload');
  const m = await measure(argv, { cwd: ROOT, env });
  const ok = m.code === 0 && (await allHave(c.hosts, c.sha));
  if (!ok) process.stderr.write(`bench transfer: ${tool} ${c.mb} MB x ${c.hosts.length} failed (exit ${m.code})\n${m.stdout.slice(-1500)}\n${m.stderr.slice(-1500)}\n`);
  const out: TransferCase[] = [{ mb: c.mb, hosts: c.hosts.length, tool, wallMs: Math.round(m.wallMs), peakRssMb: Math.round(m.peakRssMb), ok }];
  if (tool === 'lvs' && ok) {
    // the second run: the remote sha256 equals the local one, nothing is sent
    const s = await measure(lvs, { cwd: ROOT, env: lvsEnv('upload') });
    const changed = [...s.stdout.matchAll(/changed=(\d+)/g)].reduce((a, x) => a + Number(x[1]), 0);
    out.push({ mb: c.mb, hosts: c.hosts.length, tool: 'lvs-second', wallMs: Math.round(s.wallMs), peakRssMb: Math.round(s.peakRssMb), ok: s.code === 0 && changed === 0, note: `changed=${changed}` });
  }
  for (const r of out) process.stdout.write(`${r.mb} MB x ${r.hosts} ${r.tool}: ${r.wallMs} ms, rss ${r.peakRssMb} MB${r.ok ? '' : ' FAILED'}${r.note ? ` (${r.note})` : ''}\n`);
  return out;
}

/** A file of random bytes and its sha256 (made with the system's tools: no memory here). */
async function source(work: string, mb: number): Promise<{ src: string; sha: string }> {
  const src = join(work, `src-${mb}.bin`);
  const r = await measure(['sh', '-c', `head -c ${mb}M /dev/urandom > "$1" && openssl dgst -sha256 -r "$1" | cut -d' ' -f1`, 'src', src]);
  if (r.code !== 0) throw new Error(`bench transfer: cannot make ${src}: ${r.stderr}`);
  return { src, sha: r.stdout.trim() };
}

export function parseCases(spec: string): { mb: number; hosts: number; tools: Exclude<TransferTool, 'lvs-second'>[] }[] {
  return spec.split(',').filter(Boolean).map((c) => {
    const [size = '', tools = 'lvs+content+scp+ansible'] = c.split(':');
    const [mb, hosts] = size.split('x').map(Number);
    if (!mb || !hosts) throw new Error(`bench transfer: bad case ${c} (MBxHOSTS[:lvs+content+scp+ansible])`);
    return { mb, hosts, tools: tools.split('+') as Exclude<TransferTool, 'lvs-second'>[] };
  });
}

async function main(): Promise<void> {
  const [resultsFile, bench, spec = DEFAULT_CASES] = process.argv.slice(2) as [string, string, string?];
  const cases = parseCases(spec);
  const work = mkdtempSync(join('/var/tmp', 'lvs-bench-transfer-'));
  const row: TransferBench = { kind: 'transfer', bench, at: new Date().toISOString(), cases: [] };
  const most = Math.max(...cases.map((c) => c.hosts));
  let all: LabHost[] = [];
  try {
    await labUp({ realservers: most, progress: quiet });
    const { extraHosts } = await import('../src/lab/index.js');
    all = extraHosts();
    for (const mb of [...new Set(cases.map((c) => c.mb))]) {
      const { src, sha } = await source(work, mb);
      for (const c of cases.filter((x) => x.mb === mb)) {
        const hosts = all.slice(0, c.hosts);
        const ini = join(work, `transfer-${c.hosts}.ini`);
        writeFileSync(ini, iniInventory(hosts));
        for (const tool of c.tools) row.cases.push(...(await runTool({ work, src, sha, ini, hosts, mb }, tool)));
        await clean(hosts);
      }
      rmSync(src, { force: true });
    }
  } finally {
    await clean(all).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
    appendFileSync(resultsFile, `${JSON.stringify(row)}\n`);
    await labUp({ progress: quiet }); // the standard lab again: extras removed
  }
}

export const TRANSFER_BEGIN = '<!-- transfer (bench/transfer.ts) -->';
export const TRANSFER_END = '<!-- /transfer -->';

const pick = (b: TransferBench, mb: number, hosts: number, tool: TransferTool) => b.cases.find((c) => c.mb === mb && c.hosts === hosts && c.tool === tool && c.ok);
const label = (mb: number) => (mb >= 1024 ? `${mb / 1024} GB` : `${mb} MB`);

/** The transfer section of RESULTS.md; its first lines are the issue's "transfer …" lines. */
export function transferSection(b: TransferBench): string[] {
  const lines: string[] = [];
  const r100 = pick(b, 100, 12, 'lvs');
  const s100 = pick(b, 100, 12, 'scp');
  if (r100 && s100) lines.push(`transfer 100 MB x 12 hosts: lvs-play/scp = ${(r100.wallMs / s100.wallMs).toFixed(2)}`);
  if (r100) lines.push(`transfer 100 MB x 12 hosts: lvs-play peak RSS MB = ${r100.peakRssMb}`);
  const g1 = pick(b, 1024, 12, 'lvs');
  if (g1) lines.push(`transfer 1 GB x 12 hosts: lvs-play peak RSS MB = ${g1.peakRssMb}`);
  const g1s = pick(b, 1024, 12, 'scp');
  if (g1 && g1s) lines.push(`transfer 1 GB x 12 hosts: lvs-play/scp = ${(g1.wallMs / g1s.wallMs).toFixed(2)}`);
  const held = pick(b, 100, 12, 'content');
  if (held) lines.push(`transfer 100 MB x 12 hosts, file({ content }): lvs-play peak RSS MB = ${held.peakRssMb} (the playbook holds 100 MB)`);
  const table = b.cases.map((c) => `| ${label(c.mb)} | ${c.hosts} | ${TOOL_NAMES[c.tool]} | ${(c.wallMs / 1000).toFixed(2)} | ${c.peakRssMb} | ${c.ok ? 'yes' : 'NO'}${c.note ? ` (${c.note})` : ''} |`);
  return [TRANSFER_BEGIN, '## Large files to many hosts', '',
    `Run \`${b.bench}\` (${b.at.slice(0, 16)} UTC), bench/transfer.ts: one file of random bytes to the extra real servers; wall time and the control node's peak RSS (the tool's whole process tree). Targets: lvs-play within 1.5× the parallel scp, peak RSS ≤ 250 MB above the content the playbook holds (a path source: nothing).`,
    '', '```', ...lines, '```', '',
    '| size | hosts | tool | wall s | peak RSS MB | every host byte-exact |', '|---|---|---|---|---|---|', ...table, '', TRANSFER_END, ''];
}

const TOOL_NAMES: Record<TransferTool, string> = {
  lvs: 'lvs-play `upload` (from a path)',
  'lvs-second': 'lvs-play `upload`, second run (nothing sent)',
  content: 'lvs-play `file({ content })` (a Buffer the playbook holds)',
  scp: 'N parallel `scp`',
  ansible: 'Ansible `copy`',
};

if (process.argv[1]?.endsWith('transfer.ts')) {
  runMain(main);
}

/**
 * Fault suite support: the CLI run as a child process (so faults can be injected while it runs,
 * and signals sent to it), its --json report, the lab hosts' state, and putting the lab back to
 * standard after a fault (sshd running and not stopped, links up, no tc/iptables/mount leftovers).
 */
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostExec, labUp, startSshd } from '../../src/lab/index.js';
import { silent } from '../../src/lab/exec.js';
import type { RunReport, TaskResult } from '../../src/types.js';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ensureLab, ROOT } from '../lab/support.js';

export { ROOT };
export const CLI = join(ROOT, 'dist/src/cli/main.js');
export const MARK = '/var/tmp/lvs-fault/mark';
export const MARK_PLAYBOOK = 'test/faults/fixtures/mark.ts';
/** The hosts of the mark playbook. */
export const MARK_HOSTS = ['lvs1', 'lvs2', 'rs1', 'rs2'] as const;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Killed by the test's bound (a hang). */
  timedOut: boolean;
}

export interface CliRun {
  pid: number;
  result: Promise<CliResult>;
  /** stdout so far. */
  out(): string;
  kill(sig: NodeJS.Signals): void;
}

/** Starts `lvs-play ARGS` (the built CLI, as a user runs it); killed after `boundMs` (a hang). */
export function startCli(args: string[], boundMs = 120_000, env: NodeJS.ProcessEnv = {}): CliRun {
  const t0 = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, boundMs);
  const result = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0, timedOut });
    });
  });
  return { pid: child.pid ?? -1, result, out: () => stdout, kill: (sig) => child.kill(sig) };
}

export function runCli(args: string[], boundMs = 120_000, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(args, boundMs, env).result;
}

/** A fresh path for a --json report. */
export function reportPath(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'lvs-faults-')), `${name}.json`);
}

export function readReport(path: string, res?: CliResult): RunReport {
  if (!existsSync(path)) throw new Error(`no --json report at ${path}${res ? ` (exit ${res.code}):\n${res.stdout.slice(-1500)}\n${res.stderr.slice(-1500)}` : ''}`);
  return JSON.parse(readFileSync(path, 'utf8')) as RunReport;
}

/** The first failed/unreachable row of a host, or undefined. */
export function badRow(r: RunReport, host: string): TaskResult | undefined {
  return r.results.find((x) => x.host === host && (x.status === 'failed' || x.status === 'unreachable'));
}

/** Runs a shell script inside a lab host (no ssh); returns the result (never throws). */
export async function onHostRaw(host: string, script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return hostExec(host, ['sh', '-c', script]);
}

export async function onHost(host: string, script: string): Promise<string> {
  const r = await onHostRaw(host, script);
  if (r.code !== 0) throw new Error(`${host}: ${script}: exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** The mark file's first line on a host ('' when absent). */
export async function markOf(host: string): Promise<string> {
  return (await onHostRaw(host, `head -n 1 ${MARK} 2>/dev/null`)).stdout.trim();
}

/** Sets the mark on every mark host directly (no ssh), as the "old" state. */
export async function setMarks(value: string): Promise<void> {
  await Promise.all(MARK_HOSTS.map((h) => onHost(h, `mkdir -p /var/tmp/lvs-fault && printf '%s\\n' '${value}' > ${MARK}`)));
}

/** Runs a command on this machine (the lab's side: ip, tc, ip netns exec …). */
export function local(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

/** Polls `ok` every 50 ms until it holds (returns true) or `ms` pass (false). */
export async function waitFor(ok: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * Pids (as seen from this machine) of a lab host's processes whose name (comm) is `name`, and
 * whose command line contains `args` when given. The lab hosts have no procps: read from here.
 */
export async function procs(host: string, name: string, args?: string): Promise<number[]> {
  const r = await local(['ip', 'netns', 'pids', `lvs-${host}`]);
  const out: number[] = [];
  for (const p of r.stdout.split('\n').filter(Boolean)) {
    try {
      if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() !== name) continue;
      if (args !== undefined && !readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').includes(args)) continue;
      out.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Sends `sig` to a lab host's processes named `name`; returns how many. */
export async function signalProcs(host: string, name: string, sig: NodeJS.Signals): Promise<number> {
  const pids = await procs(host, name);
  for (const p of pids) {
    try {
      process.kill(p, sig);
    } catch {
      /* gone */
    }
  }
  return pids.length;
}

/** True once a process named `name` runs on the host. */
export function running(host: string, name: string): () => Promise<boolean> {
  return async () => (await procs(host, name)).length > 0;
}

const LINUX_HOSTS = ['lvs1', 'lvs2', 'rs1', 'rs2', 'client'];

/**
 * Puts the lab back to standard after a fault (always called, also when a test failed): links
 * up, no tc qdisc on the lab's veths, the fault iptables chain gone, sshd continued and
 * answering, then `lab up` (idempotent, ~1 s).
 */
export async function standardLab(): Promise<void> {
  for (const h of LINUX_HOSTS) {
    await local(['ip', 'link', 'set', `lvs-${h}`, 'up']);
    await local(['tc', 'qdisc', 'del', 'dev', `lvs-${h}`, 'root']);
    await local(['ip', 'netns', 'exec', `lvs-${h}`, 'ip', 'link', 'set', 'eth0', 'up']);
    await local(['ip', 'netns', 'exec', `lvs-${h}`, 'tc', 'qdisc', 'del', 'dev', 'eth0', 'root']);
    await local(['ip', 'netns', 'exec', `lvs-${h}`, 'sh', '-c', 'iptables -D INPUT -j LVS_FAULT 2>/dev/null; iptables -D OUTPUT -j LVS_FAULT 2>/dev/null; iptables -F LVS_FAULT 2>/dev/null; iptables -X LVS_FAULT 2>/dev/null; true']);
    await signalProcs(h, 'sshd', 'SIGCONT');
  }
  await labUp({ progress: silent });
  for (const h of LINUX_HOSTS) await startSshd(h);
}

/**
 * The hooks of a lab fault file (call inside its describe): the lab up and standard before the
 * first test and after each one (a failed one too); at the end the fault marks are removed from
 * the mark hosts, with `cleanup` (more paths) beside them.
 */
export function withStandardLab(cleanup = ''): void {
  beforeAll(async () => {
    await ensureLab();
    await standardLab();
  });
  afterEach(async () => {
    await standardLab();
  });
  afterAll(async () => {
    await Promise.all(MARK_HOSTS.map((h) => onHostRaw(h, `rm -rf /var/tmp/lvs-fault${cleanup ? ` ${cleanup}` : ''}`)));
  });
}

/** A chain LVS_FAULT hooked into INPUT and OUTPUT of a host's netns, with these rules. */
export async function faultChain(host: string, rules: string[]): Promise<void> {
  const ns = ['ip', 'netns', 'exec', `lvs-${host}`];
  await local([...ns, 'iptables', '-N', 'LVS_FAULT']);
  for (const r of rules) {
    const res = await local([...ns, 'sh', '-c', `iptables -A LVS_FAULT ${r}`]);
    if (res.code !== 0) throw new Error(`iptables ${r}: ${res.stderr}`);
  }
  await local([...ns, 'iptables', '-I', 'INPUT', '-j', 'LVS_FAULT']);
  await local([...ns, 'iptables', '-I', 'OUTPUT', '-j', 'LVS_FAULT']);
}

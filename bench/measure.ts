// Runs one command in its own cgroups (cpuacct + memory, cgroup v1 as on this machine) and measures
// its WHOLE process tree, daemonized children included (Ansible's ControlPersist masters): wall
// time, CPU user+sys (cpuacct), peak RSS (sum over the cgroup's processes, sampled every 100 ms)
// and the memory cgroup's peak. Whatever is left in the cgroup at the end is killed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Measured {
  wallMs: number;
  cpuMs: number;
  userMs: number;
  sysMs: number;
  /** Peak of the summed RSS of the tree's processes (shared pages count once per process). */
  peakRssMb: number;
  /** memory cgroup max_usage (anon + page cache first touched by the tree). */
  peakCgroupMb: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

const CPU_ROOT = '/sys/fs/cgroup/cpuacct';

function memRoot(): string {
  const line = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => /^\d+:memory:/.test(l));
  return join('/sys/fs/cgroup/memory', line?.split(':')[2] ?? '/');
}

const read = (p: string): string => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
};

function procs(dir: string): number[] {
  return read(join(dir, 'cgroup.procs')).split('\n').filter(Boolean).map(Number);
}

const PAGE_MB = 4096 / 1024 / 1024;

function rssSumMb(pids: readonly number[]): number {
  let pages = 0;
  for (const p of pids) pages += Number(read(`/proc/${p}/statm`).split(' ')[1] ?? 0) || 0;
  return pages * PAGE_MB;
}

let seq = 0;

export async function measure(argv: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Measured> {
  const name = `lvs-bench-${process.pid}-${seq++}`;
  const cpu = join(CPU_ROOT, name);
  const mem = join(memRoot(), name);
  mkdirSync(cpu);
  mkdirSync(mem);
  const t0 = process.hrtime.bigint();
  const child = spawn('sh', ['-c', 'echo $$ > "$1"/cgroup.procs && echo $$ > "$2"/cgroup.procs && shift 2 && exec "$@"', 'sh', cpu, mem, ...argv], {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssSumMb(procs(cpu)));
  }, 100);
  const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  clearInterval(timer);
  peak = Math.max(peak, rssSumMb(procs(cpu)));
  // leftovers (ControlPersist masters): their CPU so far is counted, then they go
  for (let i = 0; i < 50 && procs(cpu).length; i++) {
    for (const p of procs(cpu)) {
      try {
        process.kill(p, i < 10 ? 'SIGTERM' : 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const userMs = Number(read(join(cpu, 'cpuacct.usage_user'))) / 1e6;
  const sysMs = Number(read(join(cpu, 'cpuacct.usage_sys'))) / 1e6;
  const peakCgroupMb = Number(read(join(mem, 'memory.max_usage_in_bytes'))) / 1024 / 1024;
  for (const d of [cpu, mem]) {
    try {
      if (existsSync(d)) rmdirSync(d);
    } catch {
      /* still busy: left for the kernel */
    }
  }
  return { wallMs, cpuMs: userMs + sysMs, userMs, sysMs, peakRssMb: peak, peakCgroupMb, code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/** Writes a file (for the generated inventory and floor script). */
export function writeText(path: string, text: string): void {
  writeFileSync(path, text);
}

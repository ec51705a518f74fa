/**
 * Where a run's time goes, for benchmarks (bench/): with LVS_PLAY_PROFILE=FILE the CLI writes, at
 * the end of a run, process marks (ms since the process started: modules loaded, playbook and
 * inventory loaded, tasks selected and rendered, the engine loaded, planned: every input checked
 * and no host contacted yet, hosts done, recap written) and per-host phase
 * times (queued behind --forks, TCP connect, SSH handshake, reads, plan, apply). Off: every call
 * is a no-op.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** WinRM's session start: `helper` the local pwsh that keeps NTLM, `handshake` authentication and the shell, `probe` its first command. */
export type HostPhase = 'queued' | 'connect' | 'handshake' | 'helper' | 'probe' | 'reads' | 'plan' | 'apply';

const file = process.env.LVS_PLAY_PROFILE;
const marks: Record<string, number> = {};
/** CPU time (user + system, ms) of this process at each mark: what a mark cost, whatever else the machine runs. */
const cpu: Record<string, number> = {};
const hosts: Record<string, Partial<Record<HostPhase, number>> & { roundTrips?: number }> = {};

export const profiling = (): boolean => Boolean(file);

/** ms since this process started. */
export const sinceStart = (): number => performance.now();

export function mark(name: string): void {
  if (!file) return;
  marks[name] = Math.round(performance.now());
  const u = process.cpuUsage();
  cpu[name] = Math.round((u.user + u.system) / 1000);
}

export function addHostTime(host: string, phase: HostPhase, ms: number): void {
  if (!file) return;
  const h = (hosts[host] ??= {});
  h[phase] = (h[phase] ?? 0) + ms;
  if (phase === 'reads') h.roundTrips = (h.roundTrips ?? 0) + 1;
}

/** Times an async step of a host into a phase. */
export async function timed<T>(host: string, phase: HostPhase, fn: () => Promise<T>): Promise<T> {
  if (!file) return fn();
  const t = performance.now();
  try {
    return await fn();
  } finally {
    addHostTime(host, phase, performance.now() - t);
  }
}

export function writeProfile(): void {
  if (!file) return;
  mark('end');
  const round = (o: Record<string, number | undefined>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round((v ?? 0) * 10) / 10]));
  writeFileSync(file, `${JSON.stringify({ format: 'lvs-play-profile/1', marks, cpu, hosts: Object.fromEntries(Object.entries(hosts).map(([k, v]) => [k, round(v)])) })}\n`);
}

import { LvsError } from '../errors.js';
import { isFact } from './converge.js';
import { readFacts, type FactOutcome } from './facts.js';
import type { Fact, PowerShellTransport, Transport } from '../types.js';
import { InvokeBatch } from './invoke-batch.js';
import type { PlannedTask } from './select.js';
import { timed } from '../profile.js';

/**
 * The batched reads of one host's tasks: every fact from a position on is read in ONE round trip;
 * after a real change the remaining ones are read again (lazily, again in one round trip).
 */
export class FactCache {
  private cache = new Map<number, FactOutcome<unknown>>();
  private dirty = true;
  /** Round trips spent on batched reads (for -v and benchmarks). */
  roundTrips = 0;

  constructor(
    private readonly t: Transport,
    private readonly tasks: readonly PlannedTask[],
  ) {}

  /** The current state of task `i`, when it has a batched fact and the batch read it cleanly. */
  async get(i: number): Promise<{ value: unknown } | undefined> {
    const task = this.tasks[i];
    if (!task || !batched(task, this.t.shell)) return undefined;
    if (this.dirty || !this.cache.has(i)) await this.readFrom(i);
    const hit = this.cache.get(i);
    return hit?.ok ? { value: hit.value } : undefined;
  }

  /**
   * Reads every batched fact now (the read-ahead of src/run/read-ahead.ts). Throws only the
   * transport's own errors (LvsError: the host lock this first command takes is held by another run,
   * E_LOCKED, or sudo refused it, E_CONNECT; a Windows host's PowerShell is older than 3.0,
   * E_CONNECT); a fact that fails is left to its task's own read.
   */
  async prime(): Promise<this> {
    await this.readFrom(0).catch((e: unknown) => {
      if (e instanceof LvsError) throw e;
    });
    return this;
  }

  /** Something on the host changed: cached reads may be stale. */
  invalidate(): void {
    this.dirty = true;
  }

  private async readFrom(start: number): Promise<void> {
    if (this.t.shell === 'powershell') return this.readPowerShell(start, this.t);
    const idx: number[] = [];
    const facts: Fact<unknown>[] = [];
    this.tasks.forEach((task, i) => {
      if (i >= start && task.enabled && !task.delegateTo && isFact(task.resource.read) && task.resource.shell === 'posix') {
        idx.push(i);
        facts.push(task.resource.read);
      }
    });
    this.cache.clear();
    this.roundTrips++;
    const t = this.t;
    const outcomes = await timed(t.host, 'reads', () => readFacts(t, facts));
    outcomes.forEach((o, k) => this.cache.set(idx[k]!, o));
    this.dirty = false;
  }

  /**
   * Every PowerShell read from `start` on, at once: their invokes travel in one script
   * (invoke-batch.ts). The transport's own failure (E_CONNECT: the host's PowerShell is older than
   * 3.0, the shell or its command failed) is thrown, as the host's connection error, not a read's.
   */
  private async readPowerShell(start: number, t: PowerShellTransport): Promise<void> {
    const idx = this.tasks.flatMap((task, i) => (i >= start && task.enabled && batched(task, 'powershell') ? [i] : []));
    this.cache.clear();
    this.roundTrips++;
    const batch = new InvokeBatch(t);
    const read = (i: number): Promise<FactOutcome<unknown>> =>
      Promise.resolve()
        .then(() => (this.tasks[i]!.resource.read as (t: PowerShellTransport) => Promise<unknown>)(batch.transport))
        .then((value) => ({ ok: true as const, value }), (e: unknown) => {
          if (e instanceof LvsError && e.code === 'E_CONNECT') throw e;
          return { ok: false as const, error: e instanceof Error ? e.message : String(e) };
        });
    const outcomes = await timed(t.host, 'reads', () => Promise.all(idx.map(read)));
    outcomes.forEach((o, k) => this.cache.set(idx[k]!, o));
    this.dirty = false;
  }
}

/** Whether the batch reads this task: a posix fact, or a PowerShell read function, on the task's own host. */
function batched(task: PlannedTask, shell: Transport['shell']): boolean {
  if (task.delegateTo || task.resource.shell !== shell) return false;
  return shell === 'posix' ? isFact(task.resource.read) : typeof task.resource.read === 'function';
}

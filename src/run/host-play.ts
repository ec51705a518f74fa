import { converge } from './converge.js';
import type { HostView, ResultStatus, TaskResult, Transport } from '../types.js';
import { FactCache } from './fact-cache.js';
import type { HostPlay, PlannedTask } from './select.js';

export interface HostPlayContext {
  play: string;
  check: boolean;
  transport: Transport;
  signal: AbortSignal;
  /** Records one result (already redacted by the caller's emitter). */
  emit(result: TaskResult): void;
  /** Check mode: this host has a pending change (from this play or an earlier one). */
  pending: { changes: boolean };
  /** The connection of another host, for delegated tasks (the run's one connection per host). */
  connect?(host: HostView): Promise<Transport>;
  /** The host's reads, already made (src/run/read-ahead.ts); else they are made here. */
  facts?: FactCache;
}

function row(ctx: HostPlayContext, host: string, task: PlannedTask, status: ResultStatus, started: number, extra: Partial<TaskResult>): TaskResult {
  return {
    host,
    play: ctx.play,
    role: task.role,
    resource: task.delegateTo ? `${task.resource.id} (on ${task.delegateTo.name})` : task.resource.id,
    kind: task.resource.kind,
    status,
    durationMs: Date.now() - started,
    ...extra,
  };
}

/**
 * Runs one host's tasks of one play in order; a failure stops this host only. Handlers notified by
 * changes run once at the end, also when a later task failed (their notification stands).
 */
export async function runHostPlay(hp: HostPlay, ctx: HostPlayContext): Promise<{ failed: boolean }> {
  const notified = new Set<string>();
  const facts = ctx.facts ?? new FactCache(ctx.transport, hp.tasks);
  let failed = false;
  for (let i = 0; i < hp.tasks.length; i++) {
    if (ctx.signal.aborted) break;
    const task = hp.tasks[i]!;
    const started = Date.now();
    if (!task.enabled) {
      ctx.emit(row(ctx, hp.host.name, task, 'skipped', started, { message: 'condition is false' }));
      continue;
    }
    const current = await facts.get(i).catch(() => undefined);
    let transport = ctx.transport;
    if (task.delegateTo) {
      try {
        if (!ctx.connect) throw new Error('delegation needs the run\'s connections');
        transport = await ctx.connect(task.delegateTo);
      } catch (e) {
        ctx.emit(row(ctx, hp.host.name, task, 'failed', started, { error: `cannot reach ${task.delegateTo.name}: ${e instanceof Error ? e.message : String(e)}` }));
        failed = true;
        break;
      }
    }
    const outcome = await converge(task.resource, transport, { check: ctx.check, pendingChanges: ctx.pending.changes, ...(current ? { current } : {}) });
    if (outcome.status === 'changed') ctx.pending.changes = true;
    // a check run changes nothing on the host: its reads stay valid (one round trip, as a no-change run)
    if (!ctx.check && (outcome.status === 'changed' || outcome.status === 'failed')) facts.invalidate();
    if (outcome.status === 'changed') for (const n of task.resource.notify ?? []) notified.add(n);
    const { status, ...rest } = outcome;
    if (status === 'failed' && ctx.signal.aborted) rest.error = `interrupted (Ctrl-C): ${rest.error ?? ''}`;
    ctx.emit(row(ctx, hp.host.name, task, status, started, rest));
    if (status === 'failed') {
      failed = true;
      break;
    }
  }
  for (const [name, handler] of hp.handlers) {
    if (!notified.has(name) || !handler.enabled || ctx.signal.aborted) continue;
    const started = Date.now();
    const outcome = await converge(handler.resource, ctx.transport, { check: ctx.check, pendingChanges: ctx.pending.changes });
    const { status, ...rest } = outcome;
    ctx.emit(row(ctx, hp.host.name, handler, status, started, { ...rest, handler: true }));
    if (status === 'failed') failed = true;
  }
  return { failed };
}

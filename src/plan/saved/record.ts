/**
 * Making a plan (`--check --plan-out FILE`): the check run goes through the executor unchanged; each
 * resource is wrapped so that its `plan(current)` also records what the plan depends on (reads.ts)
 * and the change it computed. After the run the records become a SavedPlan (format.ts).
 */
import { describeChange } from '../../run/converge.js';
import type { PlannedPlay, PlannedTask } from '../../run/select.js';
import type { AnyResource, Diff, RunReport } from '../../types.js';
import { canonical, digestOf, type CanonicalOptions } from './canonical.js';
import { PLAN_FORMAT, type PlannedAction, type PlannedHandler, type PlannedResource, type PlanPlay, type SavedPlan, type UnsealedPlan } from './format.js';
import { dependencyOf, type Read } from './reads.js';

/** What one resource's plan was, recorded during the check run. */
export interface Slot {
  planned: boolean;
  change?: unknown;
  reads?: Read[];
  diff?: Diff;
  message?: string;
}

/** `res`, whose `plan` calls `onPlan` once after computing the change (the first call: later ones verify). */
export function withPlanHook(res: AnyResource, onPlan: (current: unknown, change: unknown) => unknown): AnyResource {
  const plan = res.plan.bind(res) as (c: unknown) => unknown;
  let first = true;
  const wrapped = Object.create(res) as AnyResource;
  Object.defineProperty(wrapped, 'plan', {
    value: (current: unknown) => {
      const change = plan(current);
      if (!first) return change;
      first = false;
      return onPlan(current, change);
    },
  });
  return wrapped;
}

/** The same plays with every task and handler wrapped by `wrap`; plays, hosts and batches untouched. */
export function mapTasks(plays: readonly PlannedPlay[], wrap: (t: PlannedTask, pi: number, host: string, key: string) => AnyResource): PlannedPlay[] {
  return plays.map((p, pi) => ({
    ...p,
    perHost: new Map(
      [...p.perHost].map(([host, hp]) => [
        host,
        {
          ...hp,
          tasks: hp.tasks.map((t, i) => ({ ...t, resource: wrap(t, pi, host, `task ${i}`) })),
          handlers: new Map([...hp.handlers].map(([name, t]) => [name, { ...t, resource: wrap(t, pi, host, `handler ${name}`) }])),
        },
      ]),
    ),
  }));
}

const slotKey = (pi: number, host: string, key: string): string => `${pi}\u0000${host}\u0000${key}`;

/** Wraps the plays of a check run so that every plan is recorded. */
export function recordPlans(plays: readonly PlannedPlay[], o: CanonicalOptions): { plays: PlannedPlay[]; slots: Map<string, Slot> } {
  const slots = new Map<string, Slot>();
  const wrapped = mapTasks(plays, (t, pi, host, key) => {
    const slot: Slot = { planned: false };
    slots.set(slotKey(pi, host, key), slot);
    const res = t.resource;
    return withPlanHook(res, (current, change) => {
      slot.planned = true;
      slot.change = change;
      if (!res.probe) slot.reads = dependencyOf(res, current, o);
      if (change !== null) {
        slot.message = describeChange(res, change);
        const diff = res.diff ? (res.diff as (c: unknown, ch: unknown) => Diff)(current, change) : undefined;
        if (diff) slot.diff = { ...diff, before: o.redact(diff.before), after: o.redact(diff.after) };
      }
      return change;
    });
  });
  return { plays: wrapped, slots };
}

function plannedResource(t: PlannedTask, index: number, slot: Slot | undefined, o: CanonicalOptions): PlannedResource {
  const res = t.resource;
  const base = { index, resource: res.id, kind: res.kind, role: t.role, ...(res.notify?.length ? { notify: [...res.notify] } : {}) };
  let action: PlannedAction;
  if (!t.enabled) action = 'skip';
  else if (res.probe) action = 'probe';
  else action = slot?.planned && slot.change !== null ? 'change' : 'ok';
  const out: PlannedResource = { ...base, action };
  if (action === 'skip') out.message = 'condition is false';
  if (action === 'probe') out.message = 'asserted at apply time';
  if (action === 'ok') out.message = 'already as wanted';
  if (action === 'change' && slot) {
    out.message = o.redact(slot.message ?? '');
    if (slot.diff) out.diff = slot.diff;
    out.change = canonical(slot.change, { ...o, maxText: 4096 });
    out.changeDigest = digestOf(canonical(slot.change, { ...o, maxText: Infinity }));
  }
  if ((action === 'change' || action === 'ok') && slot?.reads) {
    out.reads = slot.reads;
    out.fingerprint = digestOf(slot.reads as never);
  }
  return out;
}

export interface PlanHeader {
  createdAt: string;
  lvsPlay: string;
  playbook: string;
  inventory: string;
  options: SavedPlan['options'];
  inputs: SavedPlan['inputs'];
  sources: SavedPlan['sources'];
}

/** The SavedPlan of a finished check run. */
export function buildPlan(plays: readonly PlannedPlay[], slots: ReadonlyMap<string, Slot>, header: PlanHeader, o: CanonicalOptions): UnsealedPlan {
  const summary: SavedPlan['summary'] = { changes: 0, hosts: {} };
  const changedBefore = new Set<string>();
  const out: PlanPlay[] = plays.map((p, pi) => ({
    name: p.play.name,
    ...(p.play.options.serial !== undefined ? { serial: p.play.options.serial } : {}),
    batches: p.batches.map((b) => b.map((h) => h.name)),
    hosts: [...p.perHost.values()].map((hp) => {
      const resources = hp.tasks.map((t, i) => {
        const r = plannedResource(t, i, slots.get(slotKey(pi, hp.host.name, `task ${i}`)), o);
        if (changedBefore.has(hp.host.name) && (r.action === 'change' || r.action === 'ok')) r.afterChange = true;
        if (r.action === 'change') changedBefore.add(hp.host.name);
        return r;
      });
      const notified = new Set(resources.filter((r) => r.action === 'change').flatMap((r) => r.notify ?? []));
      const handlers: PlannedHandler[] = [...hp.handlers].map(([name, t]) => {
        const slot = slots.get(slotKey(pi, hp.host.name, `handler ${name}`));
        return { name, resource: t.resource.id, kind: t.resource.kind, runs: notified.has(name) && t.enabled, ...(slot?.message ? { message: o.redact(slot.message) } : {}) };
      });
      const counts = (summary.hosts[hp.host.name] ??= { change: 0, ok: 0, skip: 0, probe: 0 });
      for (const r of resources) counts[r.action]++;
      summary.changes += resources.filter((r) => r.action === 'change').length;
      return { host: hp.host.name, resources, handlers };
    }),
  }));
  return { format: PLAN_FORMAT, ...header, summary, plays: out };
}

/** Why a check run cannot become a plan (a resource failed or a host was unreachable), or null. */
export function unplannable(report: RunReport): string | null {
  const bad = report.results.filter((r) => r.status === 'failed' || r.status === 'unreachable');
  if (report.aborted) return 'the check run was interrupted';
  if (bad.length === 0) return null;
  return `${bad.length} resource(s) failed or hosts were unreachable in the check run:\n${bad.slice(0, 10).map((r) => `  ${r.host} ${r.resource}: ${r.error ?? r.status}`).join('\n')}`;
}

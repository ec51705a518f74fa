/**
 * Applying a plan: the plays run through the ordinary executor (order, handlers, serial batches,
 * backup-first rollouts unchanged), each resource bound to its planned entry. At the moment of
 * changing, a resource re-plans on what it reads then (as every run does) and:
 *   - planned ok      → must still be ok; otherwise it fails, unchanged (ok-in-plan is never changed)
 *   - planned change  → applied when the change has the planned digest, or — when an earlier change of
 *                       this run touched what it reads (several sysctls persisted in one file) — when it
 *                       is the change the reviewer saw: the same description and the same diff;
 *                       already as wanted is ok; any other change fails that host, unapplied
 *   - skip, probe, handlers → as in any run (probes assert, handlers run when notified)
 * So a host that changes between the drift check and its turn (a later serial batch) is caught too.
 */
import type { PlannedPlay } from '../../run/select.js';
import type { AnyResource, Diff } from '../../types.js';
import { canonical, digestOf, type CanonicalOptions } from './canonical.js';
import { entryOf } from './drift.js';
import type { PlannedResource, SavedPlan } from './format.js';
import { mapTasks, withPlanHook } from './record.js';

function describeChange(res: AnyResource, change: unknown): string {
  return res.describe ? (res.describe as (c: unknown) => string)(change) : `${res.kind} would change`;
}

/** The change is the one the plan shows: same description, same diff (both sides, secrets masked). */
function asReviewed(res: AnyResource, entry: PlannedResource, current: unknown, change: unknown, o: CanonicalOptions): boolean {
  if (o.redact(describeChange(res, change)) !== entry.message) return false;
  const diff = res.diff ? (res.diff as (c: unknown, ch: unknown) => Diff)(current, change) : undefined;
  if (!diff || !entry.diff) return diff === undefined && entry.diff === undefined;
  return o.redact(diff.before) === entry.diff.before && o.redact(diff.after) === entry.diff.after;
}

export function bindToPlan(plan: SavedPlan, plays: readonly PlannedPlay[], o: CanonicalOptions): PlannedPlay[] {
  return mapTasks(plays, (t, pi, host, key) => {
    if (!key.startsWith('task ')) return t.resource;
    const entry = entryOf(plan, pi, host, Number(key.slice(5)));
    const res = t.resource;
    if (!entry || (entry.action !== 'ok' && entry.action !== 'change')) return res;
    return withPlanHook(res, (current, change) => {
      if (change === null) return null;
      if (entry.action === 'ok') {
        throw new Error(`planned as already as wanted, but now it would: ${o.redact(describeChange(res, change))} — not changed (the host changed after the drift check; make a new plan)`);
      }
      if (digestOf(canonical(change, { ...o, maxText: Infinity })) !== entry.changeDigest && !asReviewed(res, entry, current, change, o)) {
        throw new Error(`differs from the plan — planned: ${entry.message ?? ''}; now: ${o.redact(describeChange(res, change))} — not applied (make a new plan)`);
      }
      return change;
    });
  });
}

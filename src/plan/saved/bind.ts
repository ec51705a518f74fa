/**
 * Applying a plan: the plays run through the ordinary executor (order, handlers, serial batches,
 * backup-first rollouts unchanged), each resource bound to its planned entry. At the moment of
 * changing, a resource re-plans on what it reads then (as every run does) and:
 *   - planned ok      → must still be ok; otherwise it fails, unchanged (ok-in-plan is never changed)
 *   - planned change  → applied when the change has the planned digest; already as wanted is ok. A
 *                       resource planned after an earlier change of its host (`afterChange`, predicted
 *                       as --check does, from the state before it) may differ once this run made that
 *                       change: then it is applied and the result says what the plan predicted. Any
 *                       other difference fails that host, unapplied.
 *   - skip, probe, handlers → as in any run (probes assert, handlers run when notified)
 * So a host that changes between the drift check and its turn (a later serial batch) is caught too.
 */
import type { PlannedPlay } from '../../run/select.js';
import type { AnyResource } from '../../types.js';
import { canonical, digestOf, type CanonicalOptions } from './canonical.js';
import { entryOf } from './drift.js';
import type { SavedPlan } from './format.js';
import { mapTasks, withPlanHook } from './record.js';
import { describeChange } from '../../run/converge.js';

export function bindToPlan(plan: SavedPlan, plays: readonly PlannedPlay[], o: CanonicalOptions): PlannedPlay[] {
  /** Hosts on which this run already changed something (a resource or a handler). */
  const changed = new Set<string>();
  return mapTasks(plays, (t, pi, host, key) => {
    const res = t.resource;
    const entry = key.startsWith('task ') ? entryOf(plan, pi, host, Number(key.slice(5))) : undefined;
    if (!entry || (entry.action !== 'ok' && entry.action !== 'change')) {
      return withPlanHook(res, (_current, change) => {
        if (change !== null && !res.probe) changed.add(host);
        return change;
      });
    }
    let note: string | undefined;
    const wrapped = withPlanHook(res, (_current, change) => {
      if (change === null) return null;
      const now = o.redact(describeChange(res, change));
      if (entry.action === 'ok') {
        throw new Error(`planned as already as wanted, but now it would: ${now} — not changed (the host changed after the drift check; make a new plan)`);
      }
      if (digestOf(canonical(change, { ...o, maxText: Infinity })) !== entry.changeDigest) {
        if (!entry.afterChange || !changed.has(host)) {
          throw new Error(`differs from the plan — planned: ${entry.message ?? ''}; now: ${now} — not applied (make a new plan)`);
        }
        // planned before the changes above it on this host (as --check sees it): they made the difference
        if (now !== entry.message) note = ` (the plan predicted "${entry.message ?? ''}" before the changes above)`;
      }
      changed.add(host);
      return change;
    });
    Object.defineProperty(wrapped, 'describe', { value: (c: unknown) => `${describeChange(res, c)}${note ?? ''}` });
    return wrapped;
  });
}

/**
 * The plan's actions against the task lists apply builds (after the files were verified): a
 * resource whose condition holds and that is not a probe must be planned `change` or `ok` — so an
 * action edited to `skip`/`probe` (to escape the drift check and digest pinning) is refused even
 * when the plan's digest was made again; every host and task of the run must have its entry, and
 * `change` entries their change digest. E_PLAN naming the field.
 */
import { LvsError } from '../../errors.js';
import type { PlannedPlay } from '../../run/select.js';
import type { PlannedAction, SavedPlan } from './format.js';

export function checkActions(plan: SavedPlan, plays: readonly PlannedPlay[], file: string): void {
  const fail = (field: string, why: string): never => {
    throw new LvsError('E_PLAN', `the plan does not match the playbook it names: ${why}`, { file, field, fix: 'make a new plan, review it, then apply it' });
  };
  if (plan.plays.length !== plays.length) fail('plays', `${plan.plays.length} play(s) planned, the playbook has ${plays.length}`);
  plays.forEach((p, pi) => {
    const planned = plan.plays[pi]!;
    if (planned.name !== p.play.name) fail(`plays.${pi}.name`, `play ${pi + 1} is "${p.play.name}"`);
    for (const [host, hp] of p.perHost) {
      const hi = planned.hosts.findIndex((h) => h.host === host);
      if (hi < 0) fail(`plays.${pi}.hosts`, `host ${host} of play "${p.play.name}" is not in the plan`);
      const entries = planned.hosts[hi]!.resources;
      if (entries.length !== hp.tasks.length) fail(`plays.${pi}.hosts.${hi}.resources`, `${entries.length} resource(s) planned on ${host}, the play has ${hp.tasks.length}`);
      hp.tasks.forEach((t, i) => {
        const e = entries[i]!;
        const field = `plays.${pi}.hosts.${hi}.resources.${i}`;
        if (e.resource !== t.resource.id) fail(`${field}.resource`, `task ${i} on ${host} is ${t.resource.id}`);
        const expected: PlannedAction[] = !t.enabled ? ['skip'] : t.resource.probe ? ['probe'] : ['change', 'ok'];
        if (!expected.includes(e.action)) fail(`${field}.action`, `${t.resource.id} on ${host} must be planned ${expected.join(' or ')}, the plan says ${e.action}`);
        if (e.action === 'change' && !e.changeDigest) fail(`${field}.changeDigest`, `the change of ${t.resource.id} on ${host} has no digest`);
      });
    }
  });
}

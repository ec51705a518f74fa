/**
 * `--check --plan-out FILE`: the check run, recorded into a saved plan (docs/plans.md). The run
 * itself is the ordinary check run (same executor, same output); only the plans are recorded.
 */
import { writeFile } from 'node:fs/promises';
import { canonicalOptions, knownSecrets, planInputs } from '../plan/saved/inputs.js';
import { loadPlanKey, seal } from '../plan/saved/integrity.js';
import { recordSources } from '../plan/saved/sources.js';
import { buildPlan, recordPlans, unplannable, type Slot } from '../plan/saved/record.js';
import type { SavedPlan } from '../plan/saved/format.js';
import type { PlannedPlay } from '../run/select.js';
import type { Redactor } from '../run/redact.js';
import type { RunHooks } from './run-hooks.js';
import { lvsPlayVersion } from './version.js';
import { EXIT } from './exit.js';

const DIGEST = /^sha256:[0-9a-f]{64}$|^[0-9a-f]{64}$/;

/** Every string of the plan through the full redactor (also secrets first known at connect), digests excepted. */
function redactDeep<T>(v: T, red: Redactor): T {
  if (typeof v === 'string') return (DIGEST.test(v) ? v : red.redact(v)) as T;
  if (Array.isArray(v)) return v.map((x: unknown) => redactDeep(x, red)) as T;
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactDeep(x, red)])) as T;
  return v;
}

export function planOutHooks(keyFile?: string): RunHooks {
  // read now: a bad key refuses the run before any host is contacted
  const key = loadPlanKey(keyFile);
  let recorded: { plays: PlannedPlay[]; slots: Map<string, Slot> } | undefined;
  let header: Parameters<typeof buildPlan>[2] | undefined;
  let red: Redactor | undefined;
  return {
    async beforeExecute(ctx) {
      const o = ctx.options;
      red = knownSecrets(ctx.plays, ctx.inventory);
      const inputs = await planInputs({ playbookFile: o.playbook, inventory: ctx.inventory, extraVars: ctx.extraVars, plays: ctx.plays }, red);
      header = {
        createdAt: new Date().toISOString(),
        lvsPlay: lvsPlayVersion(),
        playbook: o.playbook,
        inventory: o.inventory,
        options: {
          ...(o.limit ? { limit: o.limit } : {}),
          ...(o.tags ? { tags: o.tags } : {}),
          ...(o.skipTags ? { skipTags: o.skipTags } : {}),
          extraVars: o.extraVars,
        },
        inputs,
        sources: await recordSources(o, process.cwd()),
      };
      recorded = recordPlans(ctx.plays, canonicalOptions(red));
      return { plays: recorded.plays };
    },
    async afterExecute(report, ctx, code) {
      const file = ctx.options.planOut!;
      const why = unplannable(report);
      if (why || !recorded || !header || !red) {
        process.stderr.write(`lvs-play: no plan written to ${file}: ${why ?? 'nothing was recorded'}\n`);
        return code === EXIT.ok ? EXIT.failed : code;
      }
      const body = redactDeep(buildPlan(recorded.plays, recorded.slots, header, canonicalOptions(red)), ctx.redactor);
      const plan: SavedPlan = { ...body, ...seal(body as unknown as Record<string, unknown>, key) };
      await writeFile(file, `${JSON.stringify(plan, null, 2)}\n`);
      const hosts = Object.values(plan.summary.hosts).filter((h) => h.change > 0).length;
      ctx.out.write(`plan saved: ${file} (${plan.summary.changes} change(s) on ${hosts} host(s))\n  review: lvs-play show ${file}\n  apply:  lvs-play apply ${file}\n`);
      return code;
    },
  };
}

/**
 * `lvs-play apply PLAN.json`: apply exactly a saved plan (docs/plans.md), or refuse before any
 * host changes — when the plan is stale, was made by another lvs-play, the playbook/inventory/vars
 * changed, or any host's state drifted from what the plan was made against (exit 4).
 */
import { parseCommandArgs } from './command-args.js';
import { LvsError } from '../errors.js';
import { forksOf, optionsOf } from './options.js';
import { bindToPlan } from '../plan/saved/bind.js';
import { checkHosts, driftReport } from '../plan/saved/drift.js';
import { readPlanFile, type PlanInputs, type SavedPlan } from '../plan/saved/format.js';
import { canonicalOptions, knownSecrets, planInputs } from '../plan/saved/inputs.js';
import { loadPlanKey } from '../plan/saved/integrity.js';
import { checkActions } from '../plan/saved/actions.js';
import { checkSourcesMatch, verifySources } from '../plan/saved/sources.js';
import type { CliOptions } from './args.js';
import { EXIT, runPlaybook } from './run.js';
import type { RunHooks } from './run-hooks.js';
import { VAULT_OPTIONS, vaultSourcesOf } from './vault-options.js';
import { lvsPlayVersion } from './version.js';
import { checkWritable } from './outputs.js';

export const APPLY_USAGE = `Usage: lvs-play apply PLAN.json [--plan-key FILE] [--allow-stale] [--max-age 1h] [--playbook FILE] [-i INV] [-e K=V|@FILE] [--diff] [--forks N] [--json FILE] [-v]
  --plan-key FILE  refuse the plan unless it is signed with this key (or the key in $LVS_PLAN_KEY)
  --playbook, -i   name the plan's playbook / inventory again: trusted even outside the current directory
  --max-age D      refuse a plan older than D (s, m, h, d; default 1h, or $LVS_PLAY_PLAN_MAX_AGE)
  --allow-stale    apply an older plan anyway (drift is still checked)
  -e               the -e values of the plan run, when the plan could not keep them (a secret among them)`;

const DEFAULT_MAX_AGE = '1h';

function usage(msg: string): LvsError {
  return new LvsError('E_USAGE', msg, { file: 'command line', fix: APPLY_USAGE });
}

/** "90s", "30m", "4h", "2d" → milliseconds. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

function ageText(ms: number): string {
  const min = Math.round(ms / 60e3);
  return min < 120 ? `${min} min` : `${(min / 60).toFixed(1)} h`;
}

/** Refuses a plan older than the allowed age (unless --allow-stale). */
export function checkAge(plan: SavedPlan, file: string, maxAge: string, allowStale: boolean, now = Date.now()): void {
  const limit = parseDuration(maxAge);
  if (limit === null) throw usage(`--max-age must look like 30m, 4h or 2d (got ${maxAge})`);
  const age = now - Date.parse(plan.createdAt);
  if (age > limit && !allowStale) {
    throw new LvsError('E_PLAN', `the plan is stale: made ${plan.createdAt}, ${ageText(age)} ago (max ${maxAge})`, {
      file,
      fix: 'make a new plan and review it, or accept this one with --allow-stale (or a larger --max-age); drift is checked either way',
    });
  }
}

const INPUT_NAMES: Record<keyof PlanInputs, string> = {
  playbook: 'the playbook file',
  inventory: 'the inventory (hosts, groups, vars, connections)',
  vars: 'the -e vars',
  tasks: "the hosts' task lists (plays, roles, resources, tags, batches)",
};

function applyHooks(plan: SavedPlan, file: string): RunHooks {
  return {
    async beforeExecute(ctx) {
      const replan = `make a new plan (lvs-play ${plan.playbook} -i ${plan.inventory} --check --plan-out ${file}), review it, then apply it`;
      checkActions(plan, ctx.plays, file);
      const red = knownSecrets(ctx.plays, ctx.inventory);
      const now = await planInputs({ playbookFile: ctx.options.playbook, inventory: ctx.inventory, extraVars: ctx.extraVars, plays: ctx.plays }, red);
      const changed = (Object.keys(INPUT_NAMES) as (keyof PlanInputs)[]).filter((k) => now[k] !== plan.inputs[k]);
      if (changed.length) {
        throw new LvsError('E_PLAN', `changed since the plan was made: ${changed.map((k) => INPUT_NAMES[k]).join('; ')} — nothing was contacted`, {
          file,
          fix: replan,
        });
      }
      const o = canonicalOptions(red);
      const { open, drifts, unreachable, hosts } = await checkHosts(plan, ctx.plays, { connect: ctx.connect, forks: ctx.options.forks, signal: ctx.signal, redact: (x) => ctx.redactor.redact(x), o });
      const closeAll = () => Promise.allSettled([...open.values()].map((t) => t.close()));
      if (ctx.signal.aborted) return await closeAll(), EXIT.interrupted;
      if (unreachable.length) {
        await closeAll();
        process.stderr.write(`lvs-play: apply refused: unreachable, so its drift cannot be checked — nothing was changed on any host:\n${unreachable.map((u) => `  ${u}`).join('\n')}\n`);
        return EXIT.unreachable;
      }
      if (drifts.length) {
        await closeAll();
        ctx.out.write(`${driftReport(drifts)}\n`);
        const names = [...new Set(drifts.map((d) => d.host))].join(', ');
        throw new LvsError('E_DRIFT', `apply refused: ${drifts.length} planned resource(s) on ${names} drifted since the plan was made (above) — nothing was changed on any host`, {
          file,
          fix: replan,
        });
      }
      const checked = plan.plays.flatMap((p) => p.hosts.flatMap((h) => h.resources)).filter((r) => r.action === 'change' || r.action === 'ok').length;
      ctx.out.write(`drift check: ${checked} planned resource(s) on ${hosts} host(s) as planned; applying ${plan.summary.changes} change(s)\n`);
      return {
        plays: bindToPlan(plan, ctx.plays, o),
        connect: (h) => (open.has(h.name) ? Promise.resolve(open.get(h.name)!) : ctx.connect(h)),
      };
    },
  };
}

/** Files named again on apply's command line (trusted where they are); each must be the plan's. */
function namedAgain(plan: SavedPlan, playbook: string | undefined, inventory: string | undefined): Set<string> {
  const named = new Set<string>();
  if (playbook !== undefined) {
    if (playbook !== plan.playbook) throw usage(`--playbook ${playbook}: the plan was made with ${plan.playbook}`);
    named.add(playbook);
  }
  if (inventory !== undefined) {
    if (inventory !== plan.inventory && inventory !== plan.sources.inventory?.path) throw usage(`-i ${inventory}: the plan was made with -i ${plan.inventory}`);
    if (plan.sources.inventory) named.add(plan.sources.inventory.path);
  }
  return named;
}

export async function applyCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      ...optionsOf('allow-stale', 'max-age', 'extra-vars', 'diff', 'forks', 'json', 'verbose', 'accept-new-host-keys', 'plan-key', 'playbook', 'inventory'),
      ...VAULT_OPTIONS,
    },
  }, APPLY_USAGE);
  if (positionals.length !== 1) throw usage('give exactly one plan file');
  const file = positionals[0]!;
  const forks = forksOf(values.forks, APPLY_USAGE);
  if (values.json) checkWritable(values.json, '--json');
  const key = loadPlanKey(values['plan-key']);
  // the plan file first, whole: digest (and signature) before anything it names is believed
  const plan = await readPlanFile(file, key ? { key } : {});
  if (!key && plan.signature) process.stderr.write(`lvs-play: note: ${file} is signed; give --plan-key (or $LVS_PLAN_KEY) to check the signature\n`);
  checkAge(plan, file, values['max-age'] ?? process.env.LVS_PLAY_PLAN_MAX_AGE ?? DEFAULT_MAX_AGE, values['allow-stale'] ?? false);
  if (plan.lvsPlay !== lvsPlayVersion()) {
    throw new LvsError('E_PLAN', `the plan was made by lvs-play ${plan.lvsPlay}, this is ${lvsPlayVersion()}`, { file, fix: 'make the plan again with this version' });
  }
  const named = namedAgain(plan, values.playbook, values.inventory);
  // then the files it names, before any is read or imported: inside this directory (or named again), as recorded
  const ownVars = values['extra-vars'] !== undefined;
  checkSourcesMatch(plan, file, ownVars);
  await verifySources(ownVars ? { ...plan.sources, vars: [] } : plan.sources, file, process.cwd(), named, plan.inventory);
  const o: CliOptions = {
    playbook: plan.playbook,
    // the inventory file just verified (the name in the plan could resolve to another file now)
    inventory: plan.sources.inventory?.path ?? plan.inventory,
    check: false,
    diff: values.diff ?? false,
    ...(plan.options.limit ? { limit: plan.options.limit } : {}),
    ...(plan.options.tags ? { tags: plan.options.tags } : {}),
    ...(plan.options.skipTags ? { skipTags: plan.options.skipTags } : {}),
    extraVars: values['extra-vars'] ?? plan.options.extraVars,
    forks,
    listHosts: false,
    listTasks: false,
    ...(values.json ? { json: values.json } : {}),
    verbose: values.verbose?.length ?? 0,
    acceptNewHostKeys: values['accept-new-host-keys'] ?? false,
    ...(vaultSourcesOf(values) ? { vault: vaultSourcesOf(values)! } : {}),
  };
  return runPlaybook(o, out, applyHooks(plan, file));
}

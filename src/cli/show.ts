/**
 * `lvs-play show PLAN.json [--json]`: a saved plan as `--check --diff` prints it (secrets were
 * masked when the plan was written), or as JSON for review tools.
 */
import { parseCommandArgs } from './command-args.js';
import { SHOW_OPTIONS } from './options.js';
import { LvsError } from '../errors.js';
import { readPlanFile, type SavedPlan } from '../plan/saved/format.js';
import { escapeControls as x } from '../plan/saved/escape.js';
import { loadPlanKey } from '../plan/saved/integrity.js';
import { renderDiff, resultLine } from '../run/report.js';
import { EXIT } from './exit.js';

/** What was verified of the plan file (the same checks apply makes first). */
function integrityLine(plan: SavedPlan, keyed: boolean): string {
  const sig = plan.signature ? (keyed ? 'signature verified with the plan key' : 'signed (give --plan-key to verify)') : keyed ? 'unsigned' : 'not signed';
  const files = [plan.sources.playbook, plan.sources.inventory, ...plan.sources.vars].filter((f) => f !== null).map((f) => x(f.path)).join(', ');
  return `integrity: digest ${plan.digest} verified; ${sig}; files pinned by digest: ${files}`;
}

/** The plan as text: one line per planned resource (ok lines only with `all`), diffs of changes, a summary. Every string escaped. */
export function renderPlan(plan: SavedPlan, opts: { all?: boolean; file?: string; keyed?: boolean } = {}): string {
  const o = plan.options;
  const lines = [
    `plan ${x(plan.format)}: ${x(plan.playbook)} -i ${x(plan.inventory)}${o.limit ? ` --limit ${x(o.limit)}` : ''}${o.tags ? ` --tags ${x(o.tags.join(','))}` : ''}${o.skipTags ? ` --skip-tags ${x(o.skipTags.join(','))}` : ''}${o.extraVars.length ? ` -e ${o.extraVars.map((e) => x(e)).join(' -e ')}` : ''}`,
    `made ${x(plan.createdAt)} by lvs-play ${x(plan.lvsPlay)}`,
    integrityLine(plan, opts.keyed ?? false),
  ];
  for (const p of plan.plays) {
    lines.push('', `PLAY [${x(p.name)}]${p.serial !== undefined ? ` serial=${x(String(p.serial))}: ${p.batches.map((b) => x(b.join(','))).join(' → ')}` : ''}`);
    for (const h of p.hosts) {
      for (const r of h.resources) {
        if (r.action !== 'change' && !opts.all) continue;
        const status = r.action === 'change' ? 'changed' : r.action === 'ok' ? 'ok' : 'skipped';
        const message = r.action === 'change' && r.afterChange ? `${r.message ?? ''} [predicted before the changes above; planned again after them]` : r.message;
        lines.push(resultLine({ host: x(h.host), play: x(p.name), role: r.role === null ? null : x(r.role), resource: x(r.resource), kind: x(r.kind), status, ...(message ? { message: x(message) } : {}), durationMs: 0 }));
        if (r.action === 'change' && r.diff) lines.push(renderDiff({ before: x(r.diff.before, true), after: x(r.diff.after, true), ...(r.diff.label !== undefined ? { label: x(r.diff.label) } : {}) }));
      }
      for (const hd of h.handlers) if (hd.runs) lines.push(`changed: [${x(h.host)}] handler ${x(hd.resource)}${hd.message ? ` — ${x(hd.message)}` : ''}`);
    }
  }
  lines.push('', 'PLAN SUMMARY');
  const width = Math.max(4, ...Object.keys(plan.summary.hosts).map((n) => x(n).length));
  for (const [host, c] of Object.entries(plan.summary.hosts)) lines.push(`${x(host).padEnd(width)} : change=${c.change} ok=${c.ok} skip=${c.skip} probe=${c.probe}`);
  lines.push(plan.summary.changes === 0 ? 'nothing to change' : `${plan.summary.changes} change(s); apply with: lvs-play apply ${x(opts.file ?? 'PLAN')}`);
  return lines.join('\n');
}

export async function showCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const parsed = parseCommandArgs({ args: [...argv], allowPositionals: true, strict: true, options: SHOW_OPTIONS }, 'lvs-play show PLAN.json [--json] [--all] [--plan-key FILE]');
  if (parsed.positionals.length !== 1) throw new LvsError('E_USAGE', 'give exactly one plan file', { file: 'command line', fix: 'lvs-play show PLAN.json [--json] [--all] [--plan-key FILE]' });
  // the checks apply makes first: a plan that apply would refuse is not shown as if it were reviewable
  const key = loadPlanKey(parsed.values['plan-key']);
  const plan = await readPlanFile(parsed.positionals[0]!, key ? { key } : {});
  out.write(parsed.values.json ? `${JSON.stringify(plan, null, 2)}\n` : `${renderPlan(plan, { all: parsed.values.all ?? false, file: parsed.positionals[0]!, keyed: Boolean(key) })}\n`);
  return EXIT.ok;
}

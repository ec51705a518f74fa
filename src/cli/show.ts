/**
 * `lvs-play show PLAN.json [--json]`: a saved plan as `--check --diff` prints it (secrets were
 * masked when the plan was written), or as JSON for review tools.
 */
import { parseArgs } from 'node:util';
import { LvsError } from '../errors.js';
import { readPlanFile, type SavedPlan } from '../plan/saved/format.js';
import { renderDiff, resultLine } from '../run/report.js';
import { EXIT } from './exit.js';

/** The plan as text: one line per planned resource (ok lines only with `all`), diffs of changes, a summary. */
export function renderPlan(plan: SavedPlan, opts: { all?: boolean; file?: string } = {}): string {
  const lines = [
    `plan ${plan.format}: ${plan.playbook} -i ${plan.inventory}${plan.options.limit ? ` --limit ${plan.options.limit}` : ''}${plan.options.tags ? ` --tags ${plan.options.tags.join(',')}` : ''}`,
    `made ${plan.createdAt} by lvs-play ${plan.lvsPlay}; inputs ${plan.digest}`,
  ];
  for (const p of plan.plays) {
    lines.push('', `PLAY [${p.name}]${p.serial !== undefined ? ` serial=${p.serial}: ${p.batches.map((b) => b.join(',')).join(' → ')}` : ''}`);
    for (const h of p.hosts) {
      for (const r of h.resources) {
        if (r.action !== 'change' && !opts.all) continue;
        const status = r.action === 'change' ? 'changed' : r.action === 'ok' ? 'ok' : 'skipped';
        const message = r.action === 'change' && r.afterChange ? `${r.message ?? ''} [predicted before the changes above; planned again after them]` : r.message;
        lines.push(resultLine({ host: h.host, play: p.name, role: r.role, resource: r.resource, kind: r.kind, status, ...(message ? { message } : {}), durationMs: 0 }));
        if (r.action === 'change' && r.diff) lines.push(renderDiff(r.diff));
      }
      for (const hd of h.handlers) if (hd.runs) lines.push(`changed: [${h.host}] handler ${hd.resource}${hd.message ? ` — ${hd.message}` : ''}`);
    }
  }
  lines.push('', 'PLAN SUMMARY');
  const width = Math.max(4, ...Object.keys(plan.summary.hosts).map((n) => n.length));
  for (const [host, c] of Object.entries(plan.summary.hosts)) lines.push(`${host.padEnd(width)} : change=${c.change} ok=${c.ok} skip=${c.skip} probe=${c.probe}`);
  lines.push(plan.summary.changes === 0 ? 'nothing to change' : `${plan.summary.changes} change(s); apply with: lvs-play apply ${opts.file ?? 'PLAN'}`);
  return lines.join('\n');
}

export async function showCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { json: { type: 'boolean' }, all: { type: 'boolean' } } });
  } catch (e) {
    throw new LvsError('E_USAGE', e instanceof Error ? e.message : String(e), { file: 'command line', fix: 'lvs-play show PLAN.json [--json] [--all]' });
  }
  if (parsed.positionals.length !== 1) throw new LvsError('E_USAGE', 'give exactly one plan file', { file: 'command line', fix: 'lvs-play show PLAN.json [--json] [--all]' });
  const plan = await readPlanFile(parsed.positionals[0]!);
  out.write(parsed.values.json ? `${JSON.stringify(plan, null, 2)}\n` : `${renderPlan(plan, { all: parsed.values.all ?? false, file: parsed.positionals[0]! })}\n`);
  return EXIT.ok;
}

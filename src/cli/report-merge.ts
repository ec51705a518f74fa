/**
 * `lvs-play report merge A.json B.json … [--json FILE]`: the --json reports of the shards of one
 * run (`--shard K/N`, src/cli/shard.ts) as one: one PLAY RECAP over every host, one report, and
 * the exit code the whole run would have had (a failed host anywhere: 2; else unreachable: 3; an
 * interrupted shard: 99). A host present in two reports, or reports of different playbooks or
 * modes, are refused (exit 4): they are not shards of one run.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseCommandArgs } from './command-args.js';
import { optionsOf } from './options.js';
import { LvsError } from '../errors.js';
import { recapText } from '../run/report.js';
import type { HostSummary, RunReport } from '../types.js';
import { EXIT } from './exit.js';
import { exitCodeOf } from './run.js';

const FORMAT = 'lvs-play-report/1';

async function readReport(file: string): Promise<RunReport> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new LvsError('E_LOAD', `cannot read the report: ${(e as Error).message}`, { file, fix: 'give files written by lvs-play … --json FILE' });
  }
  const r = data as Partial<RunReport>;
  if (typeof r !== 'object' || r === null || r.format !== FORMAT || typeof r.summary !== 'object' || !Array.isArray(r.results)) {
    throw new LvsError('E_LOAD', `not an lvs-play report (format ${FORMAT})`, { file, field: 'format', value: r?.format, fix: 'give files written by lvs-play … --json FILE' });
  }
  return r as RunReport;
}

/** Merges the shards' reports; throws E_VALIDATION when they are not parts of one run. */
export function mergeReports(reports: readonly { file: string; report: RunReport }[]): RunReport {
  const first = reports[0];
  if (!first) throw new LvsError('E_USAGE', 'no reports to merge', { file: 'command line', fix: 'lvs-play report merge a.json b.json …' });
  const summary: Record<string, HostSummary> = {};
  const where = new Map<string, string>();
  for (const { file, report } of reports) {
    for (const [field, same] of [['playbook', report.playbook === first.report.playbook], ['check', report.check === first.report.check]] as const) {
      if (!same) throw new LvsError('E_VALIDATION', `${file} is not a shard of the same run as ${first.file} (${field} differs)`, { file, field, value: report[field], fix: 'merge the reports of one run\'s shards only' });
    }
    for (const [host, s] of Object.entries(report.summary)) {
      const other = where.get(host);
      if (other) throw new LvsError('E_VALIDATION', `host ${host} is in ${other} and in ${file}: shards never share a host`, { file, field: `summary.${host}`, fix: 'merge the reports of one run\'s shards (--shard K/N), each once' });
      where.set(host, file);
      summary[host] = { ...s };
    }
  }
  const starts = reports.map((r) => Date.parse(r.report.startedAt)).filter(Number.isFinite);
  const stopped = reports.map((r) => r.report.stopped).filter((s): s is string => Boolean(s));
  return {
    format: FORMAT,
    playbook: first.report.playbook,
    inventory: first.report.inventory,
    check: first.report.check,
    startedAt: new Date(starts.length ? Math.min(...starts) : 0).toISOString(),
    durationMs: Math.max(...reports.map((r) => r.report.durationMs)),
    aborted: reports.some((r) => r.report.aborted),
    ...(stopped.length ? { stopped: stopped.join('; ') } : {}),
    summary,
    hosts: Object.assign({}, ...reports.map((r) => r.report.hosts ?? {})) as NonNullable<RunReport['hosts']>,
    results: reports.flatMap((r) => r.report.results),
  };
}

export async function reportCommand(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseCommandArgs({ args: rest, allowPositionals: true, strict: true, options: optionsOf('json') }, 'lvs-play report merge A.json B.json … [--json FILE]');
  if (sub !== 'merge' || positionals.length === 0) {
    throw new LvsError('E_USAGE', 'usage: lvs-play report merge A.json B.json … [--json FILE]', { file: 'command line', fix: 'give the --json reports of the shards of one run' });
  }
  const reports = await Promise.all(positionals.map(async (file) => ({ file, report: await readReport(file) })));
  const merged = mergeReports(reports);
  out.write(`${recapText(merged)}\n`);
  if (merged.stopped) out.write(`stopped: ${merged.stopped}\n`);
  out.write(`merged ${reports.length} report${reports.length > 1 ? 's' : ''}: ${Object.keys(merged.summary).length} hosts\n`);
  if (values.json) await writeFile(values.json, `${JSON.stringify(merged, null, 2)}\n`);
  return exitCodeOf(merged) ?? EXIT.internal;
}

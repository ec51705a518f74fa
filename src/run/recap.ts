/**
 * The recap: every result of the run redacted, kept and shown as it happens (onResult, the plain
 * renderer's line or the host's task line), and the RunReport built from them at the end (the PLAY
 * RECAP's counts per host, --json).
 */
import type { HostView, RunReport, TaskResult } from '../types.js';
import type { PlainOutput } from './plain-output.js';
import type { Redactor } from './redact.js';
import { renderDiff, resultLine, summarize } from './report.js';
import type { PlannedPlay } from './select.js';

/** Holds every secret of the planned tasks and handlers, so no result shows one. */
export function holdPlannedSecrets(plays: readonly PlannedPlay[], redactor: Redactor): void {
  for (const p of plays) for (const hp of p.perHost.values()) for (const t of hp.tasks) redactor.add(...(t.resource.secrets ?? []));
  for (const p of plays) for (const hp of p.perHost.values()) for (const h of hp.handlers.values()) redactor.add(...(h.resource.secrets ?? []));
}

/** Every string of a result a secret could be in: the resource's name too, and the diff's label. */
function redactResult(r: TaskResult, red: Redactor): TaskResult {
  const label = r.diff?.label;
  return {
    ...r,
    resource: red.redact(r.resource),
    ...(r.message ? { message: red.redact(r.message) } : {}),
    ...(r.error ? { error: red.redact(r.error) } : {}),
    ...(r.diff ? { diff: { ...r.diff, before: red.redact(r.diff.before), after: red.redact(r.diff.after), ...(label !== undefined ? { label: red.redact(label) } : {}) } } : {}),
  };
}

/** How results are shown as they happen. */
export interface ResultDisplay {
  /** -v: each result line also shows how long it took. */
  verbose?: number;
  /** Result lines of changed resources carry their diff. */
  diff: boolean;
  /** The plain renderer, or null: lines then go to the host's task line. */
  plain: PlainOutput | null;
  /** Called for every result as it happens (after redaction). */
  onResult?(r: TaskResult): void;
}

/** The run's results, each redacted before anything keeps or shows it. */
export class Results {
  readonly all: TaskResult[] = [];

  constructor(
    private readonly redactor: Redactor,
    private readonly display: ResultDisplay,
  ) {}

  /** Records a result; with `out` (the host's task line) also shows its line (and diff). */
  emit(r: TaskResult, out?: (line: string) => void): void {
    const clean = redactResult(r, this.redactor);
    this.all.push(clean);
    this.display.onResult?.(clean);
    if (!out) return;
    let line = resultLine(clean);
    if (this.display.verbose) line += ` (${clean.durationMs} ms)`;
    if (this.display.diff && clean.diff && clean.status !== 'ok') line += `\n${renderDiff(clean.diff)}`;
    if (this.display.plain) this.display.plain.line(line);
    else out(line);
  }

  /** A host's line once its play is done: `name: ok=N changed=N`, and FAILED when it failed. */
  hostTitle(host: HostView, play: string, failed: boolean): string {
    const mine = this.all.filter((r) => r.host === host.name && r.play === play);
    const changed = mine.filter((r) => r.status === 'changed').length;
    return `${host.name}: ok=${mine.filter((r) => r.status === 'ok').length} changed=${changed}${failed ? ' FAILED' : ''}`;
  }
}

/** How the run went, for the report: its start, whether it was aborted or stopped, and why. */
export interface RunEnd {
  playbook: string;
  inventory: string;
  check: boolean;
  started: number;
  aborted: boolean;
  stopReason: string | undefined;
}

/** The RunReport: counts per host of every planned host (the PLAY RECAP), each result, how the run ended. */
export function buildReport(plays: readonly PlannedPlay[], results: TaskResult[], end: RunEnd): RunReport {
  const allHosts = [...new Set(plays.flatMap((p) => p.hosts.map((h) => h.name)))];
  const hosts = Object.fromEntries(plays.flatMap((p) => p.hosts.map((h) => [h.name, { transport: h.connection.type }] as const)));
  return {
    format: 'lvs-play-report/1',
    playbook: end.playbook,
    inventory: end.inventory,
    check: end.check,
    startedAt: new Date(end.started).toISOString(),
    durationMs: Date.now() - end.started,
    aborted: end.aborted,
    ...(end.stopReason ? { stopped: end.stopReason } : {}),
    summary: summarize(allHosts, results),
    hosts,
    results,
  };
}

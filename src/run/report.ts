import { createRequire } from 'node:module';
import type { Diff, HostSummary, RunReport, TaskResult } from '../types.js';

function emptySummary(): HostSummary {
  return { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0 };
}

/** Per-host counts, like Ansible's PLAY RECAP. */
export function summarize(hosts: readonly string[], results: readonly TaskResult[]): Record<string, HostSummary> {
  const out: Record<string, HostSummary> = {};
  for (const h of hosts) out[h] = emptySummary();
  for (const r of results) (out[r.host] ??= emptySummary())[r.status]++;
  return out;
}

const COLORS = { ok: 32, changed: 33, failed: 31, skipped: 36, unreachable: 31 } as const;

function paint(text: string, code: number, color: boolean): string {
  return color ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** The PLAY RECAP block. */
export function recapText(report: Pick<RunReport, 'summary' | 'check' | 'aborted'>, color = false): string {
  const names = Object.keys(report.summary);
  const width = Math.max(4, ...names.map((n) => n.length));
  const lines = [`PLAY RECAP ${report.check ? '(check mode: "changed" = would change) ' : ''}${'*'.repeat(40)}`];
  for (const name of names) {
    const s = report.summary[name]!;
    const bad = s.failed > 0 || s.unreachable > 0;
    const label = paint(name.padEnd(width), bad ? 31 : s.changed ? 33 : 32, color);
    const cols = (Object.keys(COLORS) as (keyof HostSummary)[]).map((k) => {
      const text = `${k}=${String(s[k]).padEnd(4)}`;
      return s[k] > 0 && k !== 'ok' ? paint(text, COLORS[k], color) : text;
    });
    lines.push(`${label} : ${cols.join(' ').trimEnd()}`);
  }
  if (report.aborted) lines.push('interrupted: the run was stopped before it finished (Ctrl-C)');
  return lines.join('\n');
}

/** A unified diff of a file-like change, or a before/after pair for small values. */
export function renderDiff(d: Diff): string {
  const multiline = d.before.includes('\n') || d.after.includes('\n');
  if (!multiline) return `  - ${d.before || '(absent)'}\n  + ${d.after || '(absent)'}`;
  const label = d.label ?? 'file';
  // loaded on the first multi-line diff only (--diff): start-up time of every other run
  const { createTwoFilesPatch } = createRequire(import.meta.url)('diff') as typeof import('diff');
  return createTwoFilesPatch(`before: ${label}`, `after: ${label}`, d.before, d.after, '', '', { context: 3 })
    .split('\n')
    .slice(1)
    .join('\n')
    .trimEnd();
}

/** One line per result, Ansible-like: "changed: [lvs1] sysctl net.ipv4.ip_forward — set to 1". */
export function resultLine(r: TaskResult): string {
  const what = `${r.handler ? 'handler ' : ''}${r.role ? `${r.role} | ` : ''}${r.resource}`;
  const said = r.message && (r.status === 'changed' || (r.status === 'ok' && r.message !== 'already as wanted'));
  const tail = r.error ? ` — ${r.error}` : said ? ` — ${r.message}` : '';
  return `${r.status}: [${r.host}] ${what}${tail}`;
}

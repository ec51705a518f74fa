/**
 * `--junit FILE`: the run report as JUnit XML, the format CI systems (GitLab, GitHub Actions test
 * reporters, Jenkins) show natively. One <testsuite> per host, one <testcase> per host and resource.
 * Pure: report in, XML text out; every text through the caller's redaction (src/mask.ts) and
 * XML-escaped. docs/operate.md "Drift alarms from CI".
 *
 *   failed        → <failure type="failed">
 *   unreachable   → <error type="unreachable">
 *   changed       → in --check: <failure type="pending-change"> (drift is what CI alarms on);
 *                   in a real run: passed, the change in <system-out>
 *   skipped       → <skipped>
 */
import type { RunReport, TaskResult } from '../types.js';
import { renderDiff } from './report.js';

/** XML 1.0 text/attribute escaping; characters XML 1.0 cannot carry at all become U+FFFD. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

type Redact = (text: string) => string;

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function caseName(r: TaskResult): string {
  return `${r.handler ? 'handler ' : ''}${r.role ? `${r.role} | ` : ''}${r.resource}`;
}

function detail(r: TaskResult): string {
  return [r.message, r.error, r.diff ? renderDiff(r.diff) : undefined].filter(Boolean).join('\n');
}

function testcase(r: TaskResult, check: boolean, redact: Redact): string {
  const e = (s: string) => xmlEscape(redact(s));
  const open = `    <testcase classname="${e(`${r.host}.${r.play}`)}" name="${e(caseName(r))}" time="${seconds(r.durationMs)}"`;
  const body = e(detail(r));
  const msg = e((r.error ?? r.message ?? r.status).split('\n')[0]!);
  switch (r.status) {
    case 'failed':
      return `${open}>\n      <failure type="failed" message="${msg}">${body}</failure>\n    </testcase>`;
    case 'unreachable':
      return `${open}>\n      <error type="unreachable" message="${msg}">${body}</error>\n    </testcase>`;
    case 'skipped':
      return `${open}>\n      <skipped message="${msg}"/>\n    </testcase>`;
    case 'changed':
      return check
        ? `${open}>\n      <failure type="pending-change" message="would change: ${msg}">${body}</failure>\n    </testcase>`
        : `${open}>\n      <system-out>${body}</system-out>\n    </testcase>`;
    case 'ok':
      return `${open}/>`;
  }
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  time: number;
}

function count(rs: readonly TaskResult[], check: boolean): Counts {
  return {
    tests: rs.length,
    failures: rs.filter((r) => r.status === 'failed' || (check && r.status === 'changed')).length,
    errors: rs.filter((r) => r.status === 'unreachable').length,
    skipped: rs.filter((r) => r.status === 'skipped').length,
    time: rs.reduce((a, r) => a + r.durationMs, 0),
  };
}

const attrs = (c: Counts) => `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${seconds(c.time)}"`;

/** The whole report as a JUnit XML document. */
export function junitXml(report: RunReport, redact: Redact = (s) => s): string {
  const hosts = [...new Set([...Object.keys(report.summary), ...report.results.map((r) => r.host)])];
  const e = (s: string) => xmlEscape(redact(s));
  const suites = hosts.map((h) => {
    const rs = report.results.filter((r) => r.host === h);
    const cases = rs.map((r) => testcase(r, report.check, redact));
    return [`  <testsuite name="${e(h)}" ${attrs(count(rs, report.check))} timestamp="${e(report.startedAt.replace(/Z$/, ''))}">`, ...cases, '  </testsuite>'].join('\n');
  });
  const name = `lvs-play ${report.check ? '--check ' : ''}${report.playbook} -i ${report.inventory}`;
  const total = { ...count(report.results, report.check), time: report.durationMs };
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${e(name)}" ${attrs(total)}>\n${suites.join('\n')}\n</testsuites>\n`;
}

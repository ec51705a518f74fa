import { describe, expect, it } from 'vitest';
import { junitXml, xmlEscape } from '../../../src/run/junit.js';
import { redact } from '../../../src/mask.js';
import type { RunReport, TaskResult } from '../../../src/types.js';

const r = (o: Partial<TaskResult>): TaskResult => ({ host: 'lvs1', play: 'directors', role: 'keepalived', resource: 'config', kind: 'template', status: 'ok', durationMs: 12, ...o });

function report(results: TaskResult[], check = true): RunReport {
  return { format: 'lvs-play-report/1', playbook: 'playbooks/site.ts', inventory: 'inventory/lab.ts', check, startedAt: '2026-12-06T22:00:00.000Z', durationMs: 1500, aborted: false, summary: { lvs1: { ok: 1, changed: 1, failed: 1, skipped: 1, unreachable: 0 }, rs1: { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 1 } }, results };
}

const results = [
  r({ resource: 'sysctl ip_forward' }),
  r({ resource: 'keepalived.conf', status: 'changed', message: 'would write <vrrp> & "auth"', diff: { before: 'auth_pass s3cr3t\n', after: 'auth_pass n3w\n', label: '/etc/keepalived/keepalived.conf' } }),
  r({ resource: 'service', status: 'failed', error: 'exit 1: bad \u0001 byte' }),
  r({ resource: 'pkg', status: 'skipped', message: 'failed earlier' }),
  r({ host: 'rs1', play: 'linux', role: null, resource: 'connect', kind: 'connection', status: 'unreachable', error: 'ECONNREFUSED' }),
];

describe('junitXml', () => {
  it('one suite per host, one case per host and resource, counts per status', () => {
    const x = junitXml(report(results));
    expect(x.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(x).toMatch(/<testsuites name="lvs-play --check playbooks\/site.ts -i inventory\/lab.ts" tests="5" failures="2" errors="1" skipped="1" time="1.500">/);
    expect(x).toMatch(/<testsuite name="lvs1" tests="4" failures="2" errors="0" skipped="1"/);
    expect(x).toMatch(/<testsuite name="rs1" tests="1" failures="0" errors="1" skipped="0"/);
    expect(x.match(/<testcase /g)).toHaveLength(5);
    expect(x).toContain('<testcase classname="lvs1.directors" name="keepalived | sysctl ip_forward" time="0.012"/>');
    expect(x).toContain('<failure type="pending-change" message="would change: would write &lt;vrrp&gt; &amp; &quot;auth&quot;">');
    expect(x).toContain('<failure type="failed" message="exit 1: bad \uFFFD byte">');
    expect(x).toContain('<error type="unreachable" message="ECONNREFUSED">');
    expect(x).toContain('<skipped message="failed earlier"/>');
  });

  it('a change of a real run passes, with the change in system-out', () => {
    const x = junitXml(report([results[1]!], false));
    expect(x).toMatch(/tests="1" failures="0"/);
    expect(x).toContain('<system-out>would write &lt;vrrp&gt;');
  });

  it('secrets are masked (before escaping: a secret with & is still found), diffs included', () => {
    const x = junitXml(report([r({ status: 'changed', message: 'pw a&b', diff: { before: 'auth_pass s3cr3t\n', after: 'auth_pass n3w\n' } })]), (t) => redact(t, ['s3cr3t', 'n3w', 'a&b']));
    expect(x).not.toMatch(/s3cr3t|n3w|a&amp;b/);
    expect(x).toContain('pw ********');
    expect(x).toContain('+auth_pass ********');
  });

  it('escapes the five XML specials and replaces characters XML cannot carry', () => {
    expect(xmlEscape(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(xmlEscape('a\u0000b\u001bc\ud800d\tok\n')).toBe('a\uFFFDb\uFFFDc\uFFFDd\tok\n');
    expect(xmlEscape('emoji 🙂 ok')).toBe('emoji 🙂 ok');
  });
});

/**
 * The JUnit writer's output is well-formed XML for a real parser (python3's xml.etree), whatever
 * the messages hold: XML specials, control characters, lone surrogates, CDATA terminators.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { junitXml } from '../../../src/run/junit.js';
import type { RunReport, TaskResult } from '../../../src/types.js';

const nasty = `<tag a="1"> & ' ]]> \u0000\u0007\u001b[31m \ud800 é 🙂 \r\n--> <!-- `;
const statuses = ['ok', 'changed', 'failed', 'skipped', 'unreachable'] as const;

describe('junitXml output parses as XML', () => {
  it('python3 xml.etree reads it back: names and messages round-trip (bad characters as U+FFFD)', () => {
    const results: TaskResult[] = statuses.map((status, i) => ({ host: `h${i % 2}${nasty}`, play: nasty, role: nasty, resource: `${status} ${nasty}`, kind: 'k', status, durationMs: 5, message: nasty, error: status === 'failed' || status === 'unreachable' ? nasty : undefined, ...(status === 'changed' ? { diff: { before: `a\n${nasty}\n`, after: `b\n${nasty}\n` } } : {}) }));
    const report: RunReport = { format: 'lvs-play-report/1', playbook: nasty, inventory: 'i', check: true, startedAt: '2026-12-06T22:00:00.000Z', durationMs: 10, aborted: false, summary: {}, results };
    const py = `import sys, json, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
print(json.dumps([[c.get('name'), [ch.tag for ch in c]] for c in root.iter('testcase')]))`;
    const r = spawnSync('python3', ['-c', py], { input: junitXml(report), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const cases = JSON.parse(r.stdout) as [string, string[]][];
    expect(cases).toHaveLength(5);
    expect(cases.map((c) => c[1][0] ?? 'none').sort()).toEqual(['error', 'failure', 'failure', 'none', 'skipped']);
    expect(cases[0]![0]).toContain(`<tag a="1"> & ' ]]>`);
    expect(cases[0]![0]).toContain('é 🙂');
  });
});

/**
 * Drift alarms from CI (docs/operate.md): `--check --detailed-exitcode` exits 0 when nothing would
 * change, 7 when something would, and keeps 3 for an unreachable host; `--junit FILE` is JUnit XML
 * that a real XML parser (python3's xml.etree) reads, one test case per host and resource, the
 * pending change a failure, the secret masked.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureLab, onHost } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'lvs-drift-'));
const target = '/tmp/lvs-play-drift-test';
const book = join(dir, 'drift.ts');
writeFileSync(
  book,
  `import { playbook, play, file } from 'lvs-play';
export default playbook('drift', [
  play('real servers', { hosts: 'rs1' }, () => [
    file({ path: '${target}', content: 'wanted <&> "quoted"\\n' }),
  ]),
]);
`,
);

/** python3's XML parser: testsuites → [suite name, tests, failures, errors, [case name, failure type]]. */
function parseJunit(path: string): { suites: { name: string; tests: number; failures: number; errors: number; cases: { name: string; failure: string | null; error: string | null }[] }[] } {
  const py = `import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == 'testsuites'
out = {'suites': [{'name': s.get('name'), 'tests': int(s.get('tests')), 'failures': int(s.get('failures')), 'errors': int(s.get('errors')),
  'cases': [{'name': c.get('name'), 'failure': (c.find('failure').get('type') if c.find('failure') is not None else None),
             'error': (c.find('error').get('type') if c.find('error') is not None else None)} for c in s.findall('testcase')]} for s in root.findall('testsuite')]}
print(json.dumps(out))`;
  const r = spawnSync('python3', ['-c', py, path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`not well-formed JUnit XML: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('--check --detailed-exitcode and --junit on the lab', () => {
  beforeAll(async () => {
    await ensureLab();
    await onHost('rs1', `rm -f ${target}`);
  });

  it('6 while rs1 drifted (junit: the pending change is a failure), 0 once applied, 3 when unreachable', async () => {
    const junit = join(dir, 'drift.xml');
    const drift = cli([book, '-i', 'lab', '--check', '--detailed-exitcode', '--junit', junit]);
    expect(drift.code, drift.stderr + drift.stdout).toBe(7);
    const x = parseJunit(junit);
    expect(x.suites).toHaveLength(1);
    expect(x.suites[0]).toMatchObject({ name: 'rs1', tests: 1, failures: 1, errors: 0 });
    expect(x.suites[0]!.cases[0]!.failure).toBe('pending-change');
    expect(await onHost('rs1', `test -e ${target} && echo present || echo absent`)).toBe('absent\n');

    expect(cli([book, '-i', 'lab']).code).toBe(0);
    const clean = cli([book, '-i', 'lab', '--check', '--detailed-exitcode', '--junit', junit]);
    expect(clean.code, clean.stderr + clean.stdout).toBe(0);
    expect(parseJunit(junit).suites[0]).toMatchObject({ name: 'rs1', tests: 1, failures: 0, errors: 0 });

    // rs1's address on a closed port: refused at once, exit 3 (unreachable), not 6 nor 0
    const inv = join(dir, 'closed.yml');
    writeFileSync(inv, 'all:\n  hosts:\n    rs1:\n      ansible_host: 10.77.0.16\n      ansible_port: 1\n      ansible_user: root\n');
    const down = cli([book, '-i', inv, '--check', '--detailed-exitcode', '--junit', junit]);
    expect(down.code, down.stderr + down.stdout).toBe(3);
    const d = parseJunit(junit);
    expect(d.suites[0]!.errors).toBe(1);
    expect(d.suites[0]!.cases.some((c) => c.error === 'unreachable')).toBe(true);
    expect(readFileSync(junit, 'utf8')).toContain('<?xml');
    await onHost('rs1', `rm -f ${target}`);
  });

  it('--detailed-exitcode without --check is refused (exit 5)', () => {
    expect(cli([book, '-i', 'lab', '--detailed-exitcode']).code).toBe(5);
  });
});

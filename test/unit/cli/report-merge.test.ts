import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { mergeReports, reportCommand } from '../../../src/cli/report-merge.js';
import type { HostSummary, RunReport, TaskResult } from '../../../src/types.js';

const sum = (s: Partial<HostSummary> = {}): HostSummary => ({ ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, ...s });
const row = (host: string, status: TaskResult['status']): TaskResult => ({ host, play: 'p', role: null, resource: 'file /x', kind: 'file', status, durationMs: 5 });
function report(hosts: Record<string, Partial<HostSummary>>, o: Partial<RunReport> = {}): RunReport {
  return {
    format: 'lvs-play-report/1', playbook: 'site.ts', inventory: 'inv.ini', check: false, startedAt: '2026-11-29T07:00:00.000Z', durationMs: 1000, aborted: false,
    summary: Object.fromEntries(Object.entries(hosts).map(([h, s]) => [h, sum(s)])),
    results: Object.entries(hosts).map(([h, s]) => row(h, s.failed ? 'failed' : s.unreachable ? 'unreachable' : s.changed ? 'changed' : 'ok')),
    ...o,
  };
}

async function cli(reports: RunReport[], extra: string[] = []): Promise<{ code: number; out: string; json?: RunReport }> {
  const dir = mkdtempSync(join(tmpdir(), 'merge-'));
  const files = reports.map((r, i) => {
    const f = join(dir, `shard-${i + 1}.json`);
    writeFileSync(f, JSON.stringify(r));
    return f;
  });
  const out = new PassThrough();
  let text = '';
  out.on('data', (b: Buffer) => (text += b.toString()));
  const jsonFile = join(dir, 'all.json');
  const code = await reportCommand(['merge', ...files, '--json', jsonFile, ...extra], out);
  return { code, out: text, json: JSON.parse(readFileSync(jsonFile, 'utf8')) as RunReport };
}

describe('lvs-play report merge', () => {
  it('one recap over every shard\'s hosts, exit 0 when all are fine', async () => {
    const r = await cli([report({ rs1: { ok: 9 }, rs2: { ok: 8, changed: 1 } }), report({ lvs1: { ok: 12 } }, { startedAt: '2026-11-29T06:59:00.000Z', durationMs: 3000 })]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/PLAY RECAP/);
    expect(r.out).toMatch(/^rs2\s+: ok=8\s+changed=1/m);
    expect(r.out).toMatch(/merged 2 reports: 3 hosts/);
    expect(Object.keys(r.json!.summary).sort()).toEqual(['lvs1', 'rs1', 'rs2']);
    expect(r.json).toMatchObject({ format: 'lvs-play-report/1', startedAt: '2026-11-29T06:59:00.000Z', durationMs: 3000 });
    expect(r.json!.results).toHaveLength(3);
  });

  it('the exit code of the whole run: failed anywhere 2, else unreachable 3, interrupted 99', async () => {
    expect((await cli([report({ a: { ok: 1 } }), report({ b: { failed: 1 } }), report({ c: { unreachable: 1 } })])).code).toBe(2);
    expect((await cli([report({ a: { ok: 1 } }), report({ c: { unreachable: 1 } })])).code).toBe(3);
    expect((await cli([report({ a: { ok: 1 } }), report({ b: { ok: 1 } }, { aborted: true })])).code).toBe(99);
    const stopped = await cli([report({ a: { ok: 1 } }), report({ d: { ok: 1 } }, { stopped: 'a serial batch failed' })]);
    expect(stopped.code).toBe(2);
    expect(stopped.out).toMatch(/stopped: a serial batch failed/);
  });

  it('refuses reports that are not shards of one run', () => {
    const a = { file: 'a.json', report: report({ rs1: { ok: 1 } }) };
    expect(() => mergeReports([a, { file: 'b.json', report: report({ rs1: { ok: 1 } }) }])).toThrow(/host rs1 is in a.json and in b.json/);
    expect(() => mergeReports([a, { file: 'c.json', report: report({ rs2: {} }, { check: true }) }])).toThrow(/c.json is not a shard of the same run as a.json \(check differs\)/);
    expect(() => mergeReports([a, { file: 'd.json', report: report({ rs3: {} }, { playbook: 'other.ts' }) }])).toThrow(/playbook differs/);
  });

  it('a file that is not a report names itself (E_LOAD), a wrong command line is E_USAGE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'merge-'));
    writeFileSync(join(dir, 'x.json'), '{"format":"other"}');
    await expect(reportCommand(['merge', join(dir, 'x.json')], new PassThrough())).rejects.toMatchObject({ code: 'E_LOAD', message: expect.stringMatching(/not an lvs-play report/) });
    await expect(reportCommand(['merge'], new PassThrough())).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(reportCommand(['merge', 'a.json', '--nope'], new PassThrough())).rejects.toMatchObject({ code: 'E_USAGE' });
  });
});

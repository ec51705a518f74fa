import { describe, expect, it } from 'vitest';
import { detailedExitCode, EXIT, exitCodeOf } from '../../../src/cli/run.js';
import type { HostSummary, RunReport } from '../../../src/types.js';

const s = (o: Partial<HostSummary>): HostSummary => ({ ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, ...o });
function report(summary: Record<string, HostSummary>, extra: Partial<RunReport> = {}): RunReport {
  return { format: 'lvs-play-report/1', playbook: 'p', inventory: 'i', check: false, startedAt: '', durationMs: 0, aborted: false, summary, results: [], ...extra };
}

describe('exit codes hold their documented meaning', () => {
  it('0 ok, 2 a host failed, 3 a host unreachable, 99 interrupted', () => {
    expect(exitCodeOf(report({ a: s({ ok: 3 }) }))).toBe(EXIT.ok);
    expect(exitCodeOf(report({ a: s({ failed: 1 }), b: s({ unreachable: 1 }) }))).toBe(EXIT.failed);
    expect(exitCodeOf(report({ a: s({ ok: 1 }), b: s({ unreachable: 1 }) }))).toBe(EXIT.unreachable);
    expect(exitCodeOf(report({ a: s({ failed: 1 }) }, { aborted: true }))).toBe(EXIT.interrupted);
  });

  it('every host unreachable in a serial play (the batch stops the run): 3, not 2', () => {
    const r = report({ lvs1: s({ unreachable: 1 }), lvs2: s({ unreachable: 1 }) }, { stopped: '1/1 hosts of a serial batch failed' });
    expect(exitCodeOf(r)).toBe(EXIT.unreachable);
  });

  it('a stop without unreachable hosts is a failure', () => {
    expect(exitCodeOf(report({ a: s({ ok: 1 }) }, { stopped: 'x' }))).toBe(EXIT.failed);
  });
});

describe('--check --detailed-exitcode', () => {
  const changed = { host: 'a', play: 'p', role: null, resource: 'r', kind: 'k', status: 'changed' as const, durationMs: 1 };
  it('7 when something would change, 0 when nothing would; a failure or unreachable host keeps its code', () => {
    expect(EXIT.changes).toBe(7);
    expect(new Set(Object.values(EXIT)).size).toBe(Object.values(EXIT).length);
    expect(detailedExitCode(report({ a: s({ changed: 1 }) }, { check: true, results: [changed] }), EXIT.ok)).toBe(EXIT.changes);
    expect(detailedExitCode(report({ a: s({ ok: 1 }) }, { check: true }), EXIT.ok)).toBe(EXIT.ok);
    expect(detailedExitCode(report({ a: s({ changed: 1 }) }, { check: true, results: [changed] }), EXIT.failed)).toBe(EXIT.failed);
    expect(detailedExitCode(report({ a: s({ changed: 1 }) }, { check: true, results: [changed] }), EXIT.unreachable)).toBe(EXIT.unreachable);
  });
});

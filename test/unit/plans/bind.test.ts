/**
 * Applying a plan, per resource, at the moment it runs (src/plan/saved/bind.ts): planned ok stays
 * ok or fails unchanged; a planned change is applied only as planned — except a resource planned
 * after an earlier change of its host, once this run made such a change.
 */
import { describe, expect, it } from 'vitest';
import { bindToPlan } from '../../../src/plan/saved/bind.js';
import { canonical, digestOf } from '../../../src/plan/saved/canonical.js';
import type { PlannedResource, SavedPlan } from '../../../src/plan/saved/format.js';
import type { PlannedPlay } from '../../../src/run/select.js';
import { defineResource } from '../../../src/dsl/resource.js';
import { sh } from '../../../src/shell/quote.js';
import { localHost } from '../engine/helpers.js';
import { O } from './support.js';

/** A value resource: wants `want`; its change says from what. */
const value = (id: string, want: string) =>
  defineResource<string, { set: string; from: string }>({
    id,
    kind: 'value',
    shell: 'posix',
    read: { command: sh`:`, parse: (r) => r.stdout },
    plan: (cur) => (cur === want ? null : { set: want, from: cur }),
    describe: (c) => `set ${c.set} (was ${c.from})`,
    apply: () => Promise.resolve(),
  });

const digest = (c: unknown) => digestOf(canonical(c, { ...O, maxText: Infinity }));

function setup(entries: Omit<PlannedResource, 'index' | 'kind' | 'role'>[]) {
  const host = localHost('h1');
  const resources = entries.map((e) => value(e.resource, 'B'));
  const plays: PlannedPlay[] = [
    { play: { type: 'play', name: 'p', options: { hosts: 'all' }, tasks: () => [] }, pattern: 'all', hosts: [host], batches: [[host]], perHost: new Map([['h1', { host, tasks: resources.map((r) => ({ resource: r, role: null, tags: [], enabled: true })), handlers: new Map() }]]) },
  ];
  const plan = { plays: [{ name: 'p', batches: [['h1']], hosts: [{ host: 'h1', resources: entries.map((e, index) => ({ index, kind: 'value', role: null, ...e })), handlers: [] }] }] } as unknown as SavedPlan;
  const bound = bindToPlan(plan, plays, O)[0]!.perHost.get('h1')!.tasks.map((t) => t.resource);
  return bound as unknown as { plan(c: string): unknown; describe(c: unknown): string }[];
}

describe('saved plans: each resource bound to its planned entry', () => {
  it('planned ok: stays ok; a change now fails it, unchanged', () => {
    const [r] = setup([{ resource: 'a', action: 'ok' }]);
    expect(r!.plan('B')).toBeNull();
    const [again] = setup([{ resource: 'a', action: 'ok' }]);
    expect(() => again!.plan('A')).toThrow(/planned as already as wanted, but now it would: set B \(was A\) — not changed/);
  });

  it('planned change: applied when it is the planned change; already as wanted is ok; another change fails', () => {
    const planned = { resource: 'a', action: 'change' as const, message: 'set B (was A)', changeDigest: digest({ set: 'B', from: 'A' }) };
    expect(setup([planned])[0]!.plan('A')).toEqual({ set: 'B', from: 'A' });
    expect(setup([planned])[0]!.plan('B')).toBeNull();
    expect(() => setup([planned])[0]!.plan('C')).toThrow(/differs from the plan — planned: set B \(was A\); now: set B \(was C\) — not applied/);
  });

  it('planned after an earlier change of its host: re-planned once this run changed the host, and says what was predicted', () => {
    const first = { resource: 'a', action: 'change' as const, message: 'set B (was A)', changeDigest: digest({ set: 'B', from: 'A' }) };
    const second = { resource: 'b', action: 'change' as const, message: 'set B (was A)', changeDigest: digest({ set: 'B', from: 'A' }), afterChange: true };
    // nothing changed on the host yet by this run: a difference is drift, refused
    const [, lone] = setup([first, second]);
    expect(() => lone!.plan('C')).toThrow(/differs from the plan/);
    // after the first resource changed the host, the second's new change is applied, with the prediction named
    const [a, b] = setup([first, second]);
    expect(a!.plan('A')).not.toBeNull();
    const c = b!.plan('C');
    expect(c).toEqual({ set: 'B', from: 'C' });
    expect(b!.describe(c)).toBe('set B (was C) (the plan predicted "set B (was A)" before the changes above)');
  });
});

describe('saved plans: the drift check reads a host in one round trip', () => {
  it('all batched facts of a host, across its plays, in one command; drift named with before/after', async () => {
    const { hostDrift } = await import('../../../src/plan/saved/drift.js');
    const { LocalTransport } = await import('../../../src/transport/local.js');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const d = mkdtempSync(join(tmpdir(), 'lvs-drift-'));
    // three files read by three resources in two plays; "b" drifted from B to X since the plan
    for (const [n, v] of [['a', 'B'], ['b', 'X'], ['c', 'B']]) writeFileSync(join(d, n!), v!);
    const fileValue = (n: string) => ({ ...value(n, 'B'), read: { command: sh`cat ${join(d, n)}`, parse: (r: { stdout: string }) => r.stdout } });
    const host = localHost('h1');
    const res = ['a', 'b', 'c'].map(fileValue);
    const plays: PlannedPlay[] = [0, 1].map((pi) => ({
      play: { type: 'play', name: `p${pi}`, options: { hosts: 'all' }, tasks: () => [] },
      pattern: 'all',
      hosts: [host],
      batches: [[host]],
      perHost: new Map([['h1', { host, tasks: (pi === 0 ? res.slice(0, 2) : res.slice(2)).map((r) => ({ resource: r, role: null, tags: [], enabled: true })), handlers: new Map() }]]),
    }));
    const entry = (r: string, index: number): PlannedResource => ({ index, resource: r, kind: 'value', role: null, action: 'ok', reads: [{ op: 'get', path: [], value: 'B' }] });
    const plan = { plays: [{ name: 'p0', batches: [['h1']], hosts: [{ host: 'h1', resources: [entry('a', 0), entry('b', 1)], handlers: [] }] }, { name: 'p1', batches: [['h1']], hosts: [{ host: 'h1', resources: [entry('c', 0)], handlers: [] }] }] } as unknown as SavedPlan;
    const local = new LocalTransport('h1');
    let runs = 0;
    const counted = Object.assign(Object.create(local) as typeof local, { run: (...a: Parameters<typeof local.run>) => (runs++, local.run(...a)) });
    const drift = await hostDrift(plan, plays, 'h1', counted, O);
    expect(runs).toBe(1);
    expect(drift).toEqual([{ host: 'h1', play: 'p0', resource: 'b', reason: 'the state it was planned against changed', changes: [{ what: '(state)', before: 'B', after: 'X' }] }]);
  });
});

describe('saved plans: the drift report', () => {
  it('names host, resource and play, and each differing leaf with before → after', async () => {
    const { driftReport } = await import('../../../src/plan/saved/drift.js');
    const text = driftReport([
      { host: 'rs1', play: 'rs', resource: 'sysctl x', reason: 'the state it was planned against changed', changes: [{ what: 'live', before: '1', after: '0' }] },
      { host: 'lvs1', play: 'base', resource: 'iptables rules saved for boot', reason: 'changed', changes: [{ what: '(fingerprint)', before: { family: 'debian', save: { $sha256: 'b', size: 9 } }, after: { family: 'debian', save: { $sha256: 'c', size: 8 } } }] },
    ]);
    expect(text).toBe(
      'DRIFT [rs1] sysctl x (play "rs"): the state it was planned against changed\n    live: "1" → "0"\n' +
        'DRIFT [lvs1] iptables rules saved for boot (play "base"): changed\n    (fingerprint).save: {"$sha256":"b","size":9} → {"$sha256":"c","size":8}',
    );
  });
});

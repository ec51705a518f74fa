/** The canonical serialisation of saved plans (docs/plans.md): stable, JSON-only, secret-free. */
import { describe, expect, it } from 'vitest';
import { canonical, digestOf } from '../../../src/plan/saved/canonical.js';

const o = { redact: (s: string) => s.split('hunter22').join('********') };

describe('saved plans: canonical serialisation', () => {
  it('sorts keys, drops undefined properties, and is the same for equal values built differently', () => {
    const a = canonical({ b: 1, a: [1, { y: 2, x: undefined }] }, o);
    const b = canonical({ a: [1, { y: 2 }], b: 1 }, o);
    expect(JSON.stringify(a)).toBe('{"a":[1,{"y":2}],"b":1}');
    expect(digestOf(a)).toBe(digestOf(b));
  });

  it('Buffers, Maps, Sets, Dates, bigints, special numbers, undefined and $-keys become tagged JSON', () => {
    expect(canonical(Buffer.from('port=80\n'), o)).toEqual({ $utf8: 'port=80\n' });
    expect(canonical(Buffer.from([0xff, 0x00, 0xfe]), o)).toEqual({ $bytes: '/wD+' });
    expect(canonical(new Map([['b', 2], ['a', 1]]), o)).toEqual({ $map: [['a', 1], ['b', 2]] });
    expect(canonical(new Set([3, 1]), o)).toEqual({ $set: [1, 3] });
    expect(canonical(new Date(0), o)).toEqual({ $date: '1970-01-01T00:00:00.000Z' });
    expect(canonical(10n, o)).toEqual({ $bigint: '10' });
    expect(canonical(NaN, o)).toEqual({ $number: 'NaN' });
    expect(canonical(-0, o)).toBe(0);
    expect(canonical(undefined, o)).toEqual({ $undefined: true });
    expect(canonical({ $utf8: 'x' }, o)).toEqual({ $$utf8: 'x' });
  });

  it('masks secrets before storing or hashing; long values are kept as the digest of the masked text', () => {
    expect(canonical({ conf: 'auth_pass hunter22' }, o)).toEqual({ conf: 'auth_pass ********' });
    const long = `${'x'.repeat(300)} hunter22`;
    const c = canonical(Buffer.from(long), o) as { $utf8: { $sha256: string; size: number } };
    expect(c.$utf8.size).toBe(309);
    expect(JSON.stringify(c)).not.toContain('hunter22');
    // a secret's value does not move the digest (no guessing oracle) …
    const other = { redact: (s: string) => s.split('letmein1').join('********') };
    expect(digestOf(canonical(Buffer.from(long), o))).toBe(digestOf(canonical(Buffer.from(long.replace('hunter22', 'letmein1')), other)));
    // … anything else does
    expect(digestOf(canonical(Buffer.from(long), o))).not.toBe(digestOf(canonical(Buffer.from(long.replace('x', 'y')), o)));
  });

  it('refuses cycles', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonical(a, o)).toThrow(/cycle/);
  });
});

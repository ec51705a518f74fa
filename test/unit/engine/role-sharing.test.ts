import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRole } from '../../../src/dsl/role.js';
import { plainKey } from '../../../src/dsl/plain-key.js';
import { command } from '../../../src/resources/command.js';
import { sh } from '../../../src/shell/quote.js';

describe('plainKey: equal plain values, and nothing else, share a key', () => {
  it('keys strings, numbers, booleans, null, undefined, arrays and plain objects in key order', () => {
    expect(plainKey({ vips: ['10.0.0.1'], ports: [80], on: true, x: null })).toBe(plainKey({ vips: ['10.0.0.1'], ports: [80], on: true, x: null }));
    expect(plainKey({ a: 1, b: 2 })).not.toBe(plainKey({ b: 2, a: 1 }));
    expect(plainKey({ a: undefined })).not.toBe(plainKey({}));
    expect(plainKey([undefined])).not.toBe(plainKey([null]));
    expect(plainKey('1')).not.toBe(plainKey(1));
    expect(plainKey(Object.create(null))).toBe('{}');
  });

  it('refuses what JSON would make equal or cannot show: functions, class instances, accessors, symbols, NaN, -0, cycles, huge values', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const accessor = Object.defineProperty({}, 'a', { get: () => 1, enumerable: true });
    for (const v of [() => 1, { f: () => 1 }, new Map(), new Date(0), [new Set()], accessor, { [Symbol('s')]: 1 }, NaN, Infinity, -0, 1n, cyclic, 'x'.repeat(70_000)]) {
      expect(plainKey(v)).toBeNull();
    }
  });
});

describe('defineRole: hosts giving equal options share one validation and one build', () => {
  let builds = 0;
  const r = defineRole({
    name: 'shared',
    options: z.object({ port: z.number().int() }).strict(),
    build: (o) => {
      builds++;
      return { resources: [command({ name: `listen ${o.port}`, cmd: sh`true` })] };
    },
  });

  it('builds once per distinct plain options; the instances share the resources, each keeps its own meta', () => {
    const a = r({ port: 80 });
    const b = r({ port: 80 }, { tags: ['web'] });
    const c = r({ port: 81 });
    expect(builds).toBe(2);
    expect(b.resources).toBe(a.resources);
    expect(c.resources[0]!.id).toBe('command listen 81');
    expect(a.tags).toBeUndefined();
    expect(b.tags).toEqual(['web']);
  });

  it('still refuses bad options every time (an error is never cached)', () => {
    expect(() => r({ port: 1.5 })).toThrow(/port/);
    expect(() => r({ port: 1.5 })).toThrow(/port/);
  });
});

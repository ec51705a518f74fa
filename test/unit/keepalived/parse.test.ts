import { describe, expect, it } from 'vitest';
import { keepalivedConfigSchema } from '../../../roles/keepalived/model.js';
import { parseConfig, sameJson, type VirtualServersParses } from '../../../roles/keepalived/parse.js';
import { fullConfig, siteConfig } from './fixtures.js';

const whole = (input: unknown) => {
  const r = keepalivedConfigSchema.safeParse(input);
  return r.success ? { success: true, data: r.data } : { success: false, issues: r.error.issues };
};

describe('parseConfig: the schema’s parse, the virtual servers once per list', () => {
  it('gives what keepalivedConfigSchema.safeParse gives: data, or the same issues in the same order', () => {
    const bad = (mut: (c: Record<string, unknown>) => void) => {
      const c = structuredClone(fullConfig()) as unknown as Record<string, unknown>;
      mut(c);
      return c;
    };
    const inputs: unknown[] = [
      siteConfig('lvs1'),
      fullConfig(),
      bad((c) => { c['raw'] = 7; (c['globalDefs'] as Record<string, unknown>)['routerId'] = 'a b'; (c['virtualServers'] as { lbAlgo: string }[])[0]!.lbAlgo = 'x'; c['extra'] = 1; }),
      bad((c) => { (c['vrrpInstances'] as unknown[]).push(1); (c['virtualServers'] as { realServers: unknown[] }[])[0]!.realServers.push({ address: 1 }); }),
      bad((c) => { c['virtualServers'] = 'none'; }),
      bad((c) => { c['vrrpSyncGroups'] = [{ name: 7 }]; c['virtualServerGroups'] = 'x'; (c['virtualServers'] as { lbAlgo: string }[])[0]!.lbAlgo = 'x'; c['raw'] = 1; }),
      null,
      [],
    ];
    for (const input of inputs) expect(parseConfig(input, new Map())).toEqual(whole(input));
  });

  it('parses a list of virtual servers that several configs share once', () => {
    const a = siteConfig('lvs1');
    const b = { ...siteConfig('lvs2'), virtualServers: a.virtualServers };
    const parses: VirtualServersParses = new Map();
    const pa = parseConfig(a, parses);
    const pb = parseConfig(b, parses);
    expect(parses.size).toBe(1);
    expect(pa.success && pb.success && pa.data.virtualServers === pb.data.virtualServers).toBe(true);
    expect(pb).toEqual(whole(b));
  });
});

describe('sameJson: equal as JSON with sorted keys', () => {
  it('ignores key order and what JSON leaves out; sees every other difference', () => {
    expect(sameJson({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1, u: undefined }, { a: 1 })).toBe(true);
    expect(sameJson([undefined], [null])).toBe(true);
    expect(sameJson({ a: 1 }, { a: '1' })).toBe(false);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(sameJson(siteConfig('lvs1').virtualServers, siteConfig('lvs2').virtualServers)).toBe(true);
  });
});

// status (and the exporter) read their hosts through the one Pool: at most `forks` at once, every host read.
import { describe, expect, it } from 'vitest';
import { siteOf } from '../../../src/site/index.js';
import { StatusCollector } from '../../../src/status/collect.js';
import type { InventorySpec } from '../../../src/types.js';
import { inv } from '../site/fixtures.js';

const rs = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`rs${i + 1}`, { address: `10.77.0.${30 + i}` }]));
const SPEC: InventorySpec = {
  vars: { vip: '10.77.0.10' },
  groups: {
    directors: { connection: { type: 'ssh', user: 'root' }, hosts: { lvs1: { address: '10.77.0.14' }, lvs2: { address: '10.77.0.15' } } },
    linux_realservers: { connection: { type: 'ssh', user: 'root' }, hosts: rs },
  },
};

describe('status reads through the Pool', () => {
  it('connects at most `forks` hosts at once, and every host once a round', async () => {
    let active = 0;
    let most = 0;
    const tried: string[] = [];
    // no host answers (the lab is not needed for the bound): each connect takes 20 ms, then fails
    const collector = new StatusCollector(siteOf(inv(SPEC)), async (h) => {
      tried.push(h.name);
      most = Math.max(most, ++active);
      await new Promise((r) => setTimeout(r, 20));
      active--;
      throw new Error('unreachable');
    }, 'inventory/t.ts', { forks: 3 });
    const report = await collector.read();
    expect(most).toBe(3);
    expect(tried.sort()).toEqual(['lvs1', 'lvs2', ...Object.keys(rs)].sort());
    expect(report.directors.map((d) => d.name)).toEqual(['lvs1', 'lvs2']);
    await collector.close();
  });
});

import { describe, expect, it } from 'vitest';
import { MANY_HOSTS, hostList, runSummarised } from '../../../src/run/many-hosts.js';
import { localHost } from './helpers.js';

const hosts = (n: number) => Array.from({ length: n }, (_, i) => localHost(`h${i}`));

describe('many hosts in an interactive renderer (src/run/many-hosts.ts)', () => {
  it('names every host up to MANY_HOSTS, else the first three and the count', () => {
    expect(hostList(hosts(3))).toBe('h0, h1, h2');
    expect(hostList(hosts(MANY_HOSTS)).split(', ')).toHaveLength(MANY_HOSTS);
    expect(hostList(hosts(MANY_HOSTS + 1))).toBe(`h0, h1, h2, … (${MANY_HOSTS + 1} hosts)`);
  });

  it('runs every host in order, at most forks at once, counts them on one line and fails the line when a host failed', async () => {
    const started: string[] = [];
    let running = 0;
    let most = 0;
    const task = { title: 'batch', output: '' };
    const run = async (h: { name: string }, line: { output: string }) => {
      started.push(h.name);
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 1));
      running--;
      line.output = `ok: [${h.name}]`;
      if (h.name === 'h7' || h.name === 'h70') throw new Error(`${h.name} failed`);
    };
    const all = hosts(120);
    await expect(runSummarised(all, 5, run, task)).rejects.toThrow('2 of 120 hosts failed or unreachable');
    expect(started).toEqual(all.map((h) => h.name));
    expect(most).toBe(5);
    expect(task.title).toBe('batch: 120/120 hosts done, 2 failed or unreachable');
    expect(task.output).toBe('ok: [h119]');
    const clean = { title: 'b', output: '' };
    await runSummarised(hosts(60), 10, async () => undefined, clean);
    expect(clean.title).toBe('b: 60/60 hosts done');
  });
});

// The batch's one kernel file read (src/run/kernel-batch.ts): every sysctl fact of a host gets
// exactly what its own command gives, on this machine's real /proc/sys (LocalTransport), from one
// `head` for all of them; an answer the batch cannot give exactly goes back to the fact's own read.
import { describe, expect, it } from 'vitest';
import { readFacts } from '../../../src/run/facts.js';
import { KERNEL_CAP, parseKernelBatch } from '../../../src/run/kernel-batch.js';
import { sysctlFact } from '../../../src/resources/sysctl.js';
import type { Fact } from '../../../src/types.js';
import { Counting, t } from './helpers.js';

const NAMES = ['kernel.ostype', 'net.ipv4.ip_local_port_range', 'kernel.hostname', 'net.ipv4.ip_forward', 'net.ipv4.no_such_parameter', 'kernel.ostype'];

describe('the kernel reads of a batch', () => {
  it('each sysctl fact gets what its own command gives (tabs, a missing parameter, one read twice), in one round trip, with one head', async () => {
    const facts = NAMES.map((n) => sysctlFact(n, null) as Fact<unknown>);
    let script = '';
    const spy = new Counting();
    spy.run = (cmd, o) => ((script = cmd), spy.calls++, t.run(cmd, o));
    const batched = await readFacts(spy, facts);
    expect(spy.calls).toBe(1);
    expect(script.match(/\bhead -v\b/g)).toHaveLength(1);
    expect(script).not.toMatch(/base64 -w0 < /); // no read of its own for any of them
    const alone = await Promise.all(facts.map(async (f) => f.parse(await t.run(f.command))));
    expect(batched).toEqual(alone.map((value) => ({ ok: true, value })));
    expect(alone[1]).toMatchObject({ live: expect.stringMatching(/^\d+ \d+$/) });
    expect(alone[4]).toMatchObject({ live: null });
  });

  it('reads the text back exactly, or not at all', () => {
    const mark = '@@M';
    const ok = parseKernelBatch('/a\n/b\n@@M\n==> /a <==\n1\n\n==> /b <==\nx\ty', mark, ['/a', '/b', '/c']);
    expect(ok && [...ok]).toEqual([['/a', '1\n'], ['/b', 'x\ty'], ['/c', null]]);
    expect(parseKernelBatch('@@M\n', mark, ['/a'])).toEqual(new Map([['/a', null]]));
    expect(parseKernelBatch('/a\n@@M\n==> /a <==\n', mark, ['/a'])).toEqual(new Map([['/a', '']]));
    // a header inside a text, bytes that were not UTF-8, a text at the cap, a path not asked for, output cut short
    expect(parseKernelBatch('/a\n/b\n@@M\n==> /a <==\n1\n==> /b <==\n\n==> /b <==\n2\n', mark, ['/a', '/b'])).toBeNull();
    expect(parseKernelBatch('/a\n@@M\n==> /a <==\n\uFFFD\n', mark, ['/a'])).toBeNull();
    expect(parseKernelBatch(`/a\n@@M\n==> /a <==\n${'x'.repeat(KERNEL_CAP)}`, mark, ['/a'])).toBeNull();
    expect(parseKernelBatch('/z\n@@M\n==> /z <==\n1\n', mark, ['/a'])).toBeNull();
    expect(parseKernelBatch('/a\n/b\n@@M\n==> /a <==\n1\n', mark, ['/a', '/b'])).toBeNull();
  });
});

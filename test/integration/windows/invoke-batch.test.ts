/**
 * All reads of a Windows host in one round trip: the run's fact cache sends the reads of the
 * windows-realserver role as ONE invoke (src/run/invoke-batch.ts), with a real pwsh running the
 * role's scripts against the Windows simulation; each read's value is the one it reads alone, a
 * failing read fails alone, and after a change the remaining reads go again in one round trip.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { windowsRealServer } from '../../../roles/windows-realserver/index.js';
import { ps } from '../../../src/shell/powershell.js';
import { FactCache } from '../../../src/run/fact-cache.js';
import { oldPowerShellError } from '../../../src/transport/winrm/bootstrap.js';
import type { PlannedTask } from '../../../src/run/select.js';
import type { AnyResource, JsonValue, PowerShellTransport, PsScript } from '../../../src/types.js';
import { SimLocalTransport } from '../../sim/windows/local-transport.js';
import { freshSimState } from '../../sim/windows/state.js';
import { pwshPath } from './helpers.js';

let sim: SimLocalTransport | undefined;
afterEach(async () => sim?.close());

/** The sim transport, counting the invokes that reach it. */
function counting(t: SimLocalTransport): PowerShellTransport & { calls: number } {
  const c = {
    shell: 'powershell' as const, host: t.host, address: t.address, calls: 0,
    close: () => t.close(),
    invoke: <T extends JsonValue = JsonValue>(s: PsScript, d: JsonValue): Promise<T> => { c.calls++; return t.invoke<T>(s, d); },
  };
  return c;
}
const task = (resource: AnyResource): PlannedTask => ({ resource, role: 'windows-realserver', tags: [], enabled: true });

describe.skipIf(!pwshPath)('PowerShell reads batched into one round trip', () => {
  it('the role\'s five reads are one invoke, each value the one read alone', async () => {
    sim = await SimLocalTransport.create(freshSimState({ address: '10.77.0.18' }), { address: '10.77.0.18' });
    const t = counting(sim);
    const resources = windowsRealServer({ vips: ['10.77.0.10'], tcpPorts: [80] }).resources as AnyResource[];
    const cache = await new FactCache(t, resources.map(task)).prime();
    expect(t.calls).toBe(1);
    for (let i = 0; i < resources.length; i++) {
      const alone = await (resources[i]!.read as (x: PowerShellTransport) => Promise<unknown>)(sim);
      expect(await cache.get(i)).toEqual({ value: alone });
    }
    expect(t.calls).toBe(1);
  });

  it('a read that fails is left to its task; after invalidate the rest go again in one round trip', async () => {
    sim = await SimLocalTransport.create(freshSimState({ address: '10.77.0.18' }), { address: '10.77.0.18' });
    const t = counting(sim);
    const read = (script: PsScript): AnyResource => ({ id: String(script), kind: 'x', shell: 'powershell', read: (x: PowerShellTransport) => x.invoke(script, { n: 2 }), plan: () => null, apply: async () => undefined }) as unknown as AnyResource;
    const cache = await new FactCache(t, [read(ps`$data.n * 21`), read(ps`throw 'no such adapter'`), read(ps`'third'`)].map(task)).prime();
    expect(t.calls).toBe(1);
    expect(await cache.get(0)).toEqual({ value: 42 });
    expect(await cache.get(1)).toBeUndefined();
    expect(await cache.get(2)).toEqual({ value: 'third' });
    cache.invalidate();
    expect(await cache.get(1)).toBeUndefined();
    expect(await cache.get(2)).toEqual({ value: 'third' });
    expect(t.calls).toBe(2);
  });
});

describe('the transport failing under the batch', () => {
  it('a PowerShell older than 3.0 (the bootstrap\'s E_CONNECT on the first read) is the host\'s connection error, not a failed read', async () => {
    const old: PowerShellTransport = { shell: 'powershell', host: 'win9', close: async () => undefined, invoke: () => Promise.reject(oldPowerShellError('win9', '2.0')) };
    const read = (script: PsScript): AnyResource => ({ id: String(script), kind: 'x', shell: 'powershell', read: (x: PowerShellTransport) => x.invoke(script, {}), plan: () => null, apply: async () => undefined }) as unknown as AnyResource;
    const primed = new FactCache(old, [read(ps`1`), read(ps`2`)].map(task)).prime();
    await expect(primed).rejects.toMatchObject({ code: 'E_CONNECT', message: expect.stringMatching(/PowerShell 2\.0; lvs-play's Windows scripts need PowerShell 3\.0 or later/) });
  });
});

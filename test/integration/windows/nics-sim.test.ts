/**
 * The seed's Windows real servers: two NICs ("extranet", "intranet") and weak host receive AND
 * send on both and on the loopback, on the 2012+ (cmdlets) and 2008 R2 (netsh) paths, idempotent.
 * The role's unmodified scripts against the Windows simulation.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 90_000 });
import { windowsRealServer } from '../../../roles/windows-realserver/index.js';
import { converge, type Outcome } from '../../../src/run/converge.js';
import type { RoleInstance } from '../../../src/types.js';
import { SimLocalTransport } from '../../sim/windows/local-transport.js';
import { freshSimState, type SimState } from '../../sim/windows/state.js';
import { pwshPath } from './helpers.js';

let t: SimLocalTransport | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function run(role: RoleInstance, check: boolean): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const r of role.resources) out.push(await converge(r, t!, { check }));
  return out;
}

/** The seed's host: "extranet" (the directors' side, holding the address) and "intranet". */
function seedHost(legacy: boolean): SimState {
  const s = freshSimState({ address: '10.77.0.18', legacy, nicName: 'extranet' });
  const nic = s.adapters[0]!;
  s.adapters.push({ ...nic, ifIndex: 13, name: 'intranet', macAddress: '52-54-00-4C-56-13', ipv4: { ...nic.ipv4 }, addresses: [{ ip: '172.16.0.18', prefixLength: 24, skipAsSource: false, prefixOrigin: 'Manual' }] });
  s.nextIfIndex = 14;
  return s;
}

describe.skipIf(!pwshPath)('windows-realserver: several NICs, weak host send', () => {
  it('the resources: one per NIC, send only when asked', () => {
    const ids = (o: Parameters<typeof windowsRealServer>[0]) => windowsRealServer(o).resources.map((r) => r.id).filter((id) => id.includes('weak host'));
    expect(ids({ vip: '10.77.0.10', tcpPorts: [80] })).toEqual(['windows weak host receive on NIC', 'windows weak host send+receive on "LVS Loopback"']);
    expect(ids({ vip: '10.77.0.10', tcpPorts: [80], nics: ['extranet', 'intranet'], weakHostSend: true })).toEqual([
      'windows weak host send+receive on NIC "extranet"',
      'windows weak host send+receive on NIC "intranet"',
      'windows weak host send+receive on "LVS Loopback"',
    ]);
  });

  for (const legacy of [false, true]) {
    it(`${legacy ? '2008 R2 (netsh)' : '2012+ (cmdlets)'}: both NICs and the loopback get receive and send; a second run is all ok`, async () => {
      t = await SimLocalTransport.create(seedHost(legacy));
      const role = windowsRealServer({ vip: '10.77.0.10', tcpPorts: [80], nics: ['extranet', 'intranet'], weakHostSend: true });
      const first = await run(role, false);
      expect(first.map((o) => o.error ?? o.status)).toEqual(Array(6).fill('changed'));
      const s = await t.readState();
      for (const name of ['extranet', 'intranet', 'LVS Loopback']) {
        expect(s.adapters.find((a) => a.name === name)!.ipv4, name).toMatchObject({ weakHostSend: 'Enabled', weakHostReceive: 'Enabled' });
      }
      expect(s.log.some((l) => (legacy ? l.startsWith('netsh ') : l.startsWith('Set-NetIPInterface')))).toBe(true);
      expect((await run(role, false)).map((o) => o.status)).toEqual(Array(6).fill('ok'));
      expect((await t.readState()).log).toEqual(s.log);
    });
  }
});

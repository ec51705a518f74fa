/**
 * The role's unmodified scripts against the Windows SIMULATION (LvsPlayWindowsSim, auto-loaded),
 * in a local pwsh through the transport's own wrapper. State is asserted from the sim's state file.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 60_000 });
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
const statuses = (o: Outcome[]) => o.map((x) => x.status);

describe.skipIf(!pwshPath)('windows-realserver against the simulation', () => {
  for (const legacy of [false, true]) {
    it(`${legacy ? '2008 R2 (netsh/WMI)' : '2012+ (cmdlets)'}: check changes nothing, apply converges, second run all ok`, async () => {
      t = await SimLocalTransport.create(freshSimState({ address: '10.77.0.18', legacy }));
      const role = windowsRealServer({ vips: ['10.77.0.10', '10.77.0.11'], tcpPorts: [80, 443] });
      const before = await t.readState();
      expect(statuses(await run(role, true))).toEqual(Array(5).fill('changed'));
      expect(await t.readState()).toEqual(before);

      const first = await run(role, false);
      expect(first.map((o) => o.error ?? o.status)).toEqual(Array(5).fill('changed'));
      const s = await t.readState();
      const lo = s.adapters.find((a) => a.name === 'LVS Loopback')!;
      expect(lo).toMatchObject({ componentId: '*MSLOOP', ipv4: { dhcp: 'Disabled', weakHostSend: 'Enabled', weakHostReceive: 'Enabled' } });
      expect(lo.addresses.map((a) => [a.ip, a.prefixLength, a.skipAsSource])).toEqual([
        ['10.77.0.10', 32, !legacy],
        ['10.77.0.11', 32, !legacy],
      ]);
      const nic = s.adapters.find((a) => a.ifIndex === 12)!;
      expect(nic.ipv4).toMatchObject({ weakHostReceive: 'Enabled', weakHostSend: 'Disabled' });
      const rule = s.firewallRules.filter((r) => r.name === 'lvs-play VIP');
      expect(rule).toHaveLength(1);
      expect(rule[0]).toMatchObject({ direction: 'Inbound', action: 'Allow', protocol: 'TCP', enabled: 'True', localPort: ['80', '443'], localAddress: ['10.77.0.10', '10.77.0.11'], group: legacy ? '' : 'lvs-play' });
      expect(s.log.some((l) => (legacy ? l.startsWith('netsh ') : l.startsWith('New-NetIPAddress')))).toBe(true);
      expect(s.log.some((l) => (legacy ? l.startsWith('New-Net') || l.startsWith('Set-Net') : l.startsWith('netsh ')))).toBe(false);

      expect(statuses(await run(role, false))).toEqual(Array(5).fill('ok'));
      expect((await t.readState()).log).toEqual(s.log);
    });
  }

  it('repairs drift: extra address, wrong prefix, rule changed, weak host off', async () => {
    t = await SimLocalTransport.create(freshSimState({ address: '10.77.0.18' }));
    const role = windowsRealServer({ vip: '10.77.0.10', tcpPorts: [80] });
    await run(role, false);
    const s = await t.readState();
    const lo = s.adapters.find((a) => a.name === 'LVS Loopback')!;
    lo.addresses = [{ ip: '10.77.0.10', prefixLength: 24, skipAsSource: true, prefixOrigin: 'Manual' }, { ip: '10.9.9.9', prefixLength: 32, skipAsSource: true, prefixOrigin: 'Manual' }];
    lo.ipv4.weakHostSend = 'Disabled';
    s.firewallRules.find((r) => r.name === 'lvs-play VIP')!.localPort = ['8080'];
    await t.writeState(s);
    expect(statuses(await run(role, false))).toEqual(['ok', 'changed', 'ok', 'changed', 'changed']);
    const after = await t.readState();
    expect(after.adapters.find((a) => a.name === 'LVS Loopback')!.addresses.map((a) => `${a.ip}/${a.prefixLength}`)).toEqual(['10.77.0.10/32']);
    expect(after.firewallRules.find((r) => r.name === 'lvs-play VIP')!.localPort).toEqual(['80']);
    expect(statuses(await run(role, false))).toEqual(Array(5).fill('ok'));
  });

  for (const legacy of [false, true]) {
    it(`aliases with quotes, $, backticks and semicolons arrive intact (${legacy ? '2008 R2' : '2012+'})`, async () => {
      const nicAlias = `NIC 'a' "b" $env:HOME; \`t`;
      const loopbackAlias = `LVS "lo" $(Get-Date); 'x' \`n $null`;
      const state: SimState = freshSimState({ address: '10.77.0.18', legacy, nicName: nicAlias });
      t = await SimLocalTransport.create(state);
      const role = windowsRealServer({ vip: '10.77.0.10', tcpPorts: [80], nicAlias, loopbackAlias });
      expect((await run(role, false)).map((o) => o.error ?? o.status)).toEqual(Array(5).fill('changed'));
      const s = await t.readState();
      expect(s.adapters.map((a) => a.name)).toEqual([nicAlias, loopbackAlias]);
      expect(s.adapters[0]?.ipv4.weakHostReceive).toBe('Enabled');
      expect(statuses(await run(role, false))).toEqual(Array(5).fill('ok'));
    });
  }

  it('reports a missing NIC alias as a failure with the remote message', async () => {
    t = await SimLocalTransport.create(freshSimState({ address: '10.77.0.18' }));
    const role = windowsRealServer({ vip: '10.77.0.10', tcpPorts: [80], nicAlias: 'Nope' });
    const o = await converge(role.resources[2]!, t, { check: true });
    expect(o.status).toBe('failed');
    expect(o.error).toContain("no network adapter is named 'Nope'");
  });

  it('refuses to take over a non-loopback adapter that has the loopback alias', async () => {
    t = await SimLocalTransport.create(freshSimState({ address: '10.77.0.18', nicName: 'LVS Loopback' }));
    const o = await converge(windowsRealServer({ vip: '10.77.0.10', tcpPorts: [80] }).resources[0]!, t, { check: true });
    expect(o.status).toBe('failed');
    expect(o.error).toContain('is not a Microsoft loopback adapter');
  });

  it('renames a leftover loopback adapter instead of installing a second one', async () => {
    t = await SimLocalTransport.create(freshSimState({ address: '10.77.0.18' }));
    const role = windowsRealServer({ vip: '10.77.0.10', tcpPorts: [80] });
    await converge(role.resources[0]!, t, { check: false });
    const s = await t.readState();
    s.adapters[1]!.name = 'Ethernet 2';
    await t.writeState(s);
    const o = await converge(role.resources[0]!, t, { check: false });
    expect(o).toMatchObject({ status: 'changed', message: 'rename loopback adapter "Ethernet 2" to "LVS Loopback"' });
    expect((await t.readState()).adapters.map((a) => a.name)).toEqual(['Ethernet', 'LVS Loopback']);
  });
});

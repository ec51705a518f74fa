/**
 * windows-realserver on the lab host win1 (10.77.0.18) over PowerShell remoting over SSH, against
 * the Windows SIMULATION auto-loaded there (LvsPlayWindowsSim). State is read back from the sim's
 * state file on the host. Needs `lvs-play lab up` (root) and pwsh on the control node.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { windowsRealServer } from '../../roles/windows-realserver/index.js';
import { hostExec, labHosts, labPaths, loadTopology } from '../../src/lab/index.js';
import { sshAnswers } from '../../src/lab/hostproc.js';
import { WINSIM_STATE_PATH, hostPwshPath } from '../../src/lab/powershell-host.js';
import { writeFileAtomic } from '../../src/lab/state.js';
import { converge, type Outcome } from '../../src/run/converge.js';
import { connectPowerShell, type PowerShellTransport } from '../../src/transport/powershell.js';
import { freshSimState, type SimState } from '../sim/windows/state.js';

const win1 = labHosts(loadTopology()).find((h) => h.name === 'win1');
const ready = !!win1 && process.getuid?.() === 0 && existsSync(labPaths.key()) && !!hostPwshPath() && (await sshAnswers(win1.address, 22, 1500));

const role = windowsRealServer({ vips: ['10.77.0.10'], tcpPorts: [80, 443] });
let t: PowerShellTransport | undefined;

async function connect(): Promise<PowerShellTransport> {
  await t?.close();
  t = await connectPowerShell({
    host: 'win1',
    address: win1!.address,
    conn: { type: 'psrp-ssh', user: 'root', keyFile: labPaths.key(), knownHosts: labPaths.knownHosts() },
    resolveSecret: async () => '',
  });
  return t;
}

async function readSim(): Promise<SimState> {
  const r = await hostExec('win1', ['cat', WINSIM_STATE_PATH]);
  if (r.code !== 0) throw new Error(`cannot read the sim state on win1: ${r.stderr}`);
  return JSON.parse(r.stdout) as SimState;
}

async function writeSim(s: SimState): Promise<void> {
  await writeFileAtomic(`${labPaths.rootfs('win1')}${WINSIM_STATE_PATH}`, JSON.stringify(s, null, 2));
}

async function run(check: boolean): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const r of role.resources) out.push(await converge(r, t!, { check }));
  return out;
}
const statuses = (o: Outcome[]) => o.map((x) => x.error ?? x.status);

describe.skipIf(!ready)('windows-realserver on win1 (PowerShell remoting over SSH, simulated Windows)', () => {
  beforeAll(async () => {
    await writeSim(freshSimState({ address: win1!.address }));
    await connect();
  });
  afterAll(async () => {
    await t?.close();
    await writeSim(freshSimState({ address: win1!.address }));
  });

  it('check mode reports every change and changes nothing', async () => {
    const before = await readSim();
    expect(statuses(await run(true))).toEqual(Array(5).fill('changed'));
    expect(await readSim()).toEqual(before);
  });

  it('applies for real: loopback with the VIP /32 SkipAsSource, weak host, firewall rule', async () => {
    expect(statuses(await run(false))).toEqual(Array(5).fill('changed'));
    const s = await readSim();
    const lo = s.adapters.find((a) => a.name === 'LVS Loopback');
    expect(lo).toMatchObject({ componentId: '*MSLOOP', ipv4: { dhcp: 'Disabled', weakHostSend: 'Enabled', weakHostReceive: 'Enabled' } });
    expect(lo!.addresses).toEqual([{ ip: '10.77.0.10', prefixLength: 32, skipAsSource: true, prefixOrigin: 'Manual' }]);
    expect(s.adapters.find((a) => a.name === 'Ethernet')!.ipv4.weakHostReceive).toBe('Enabled');
    expect(s.firewallRules.filter((r) => r.name === 'lvs-play VIP')).toEqual([
      expect.objectContaining({ group: 'lvs-play', protocol: 'TCP', localPort: ['80', '443'], localAddress: ['10.77.0.10'], direction: 'Inbound', action: 'Allow', enabled: 'True' }),
    ]);
    expect(s.log[0]).toMatch(/^SetupAPI: installed \*MSLOOP/);
  });

  it('is idempotent: a second run is all ok and changes nothing', async () => {
    const before = await readSim();
    expect(statuses(await run(false))).toEqual(Array(5).fill('ok'));
    expect((await readSim()).log).toEqual(before.log);
  });

  it('takes the 2008 R2 path (WMI + netsh) when the host has no NetTCPIP cmdlets', async () => {
    await writeSim(freshSimState({ address: win1!.address, legacy: true }));
    await connect(); // a new session: the simulated host is now a 2008 R2 box
    expect(statuses(await run(true))).toEqual(Array(5).fill('changed'));
    expect((await readSim()).log).toEqual([]);
    expect(statuses(await run(false))).toEqual(Array(5).fill('changed'));
    const s = await readSim();
    expect(s.log.filter((l) => !l.startsWith('SetupAPI') && !l.startsWith('Win32_NetworkAdapter.Put')).every((l) => l.startsWith('netsh '))).toBe(true);
    const lo = s.adapters.find((a) => a.name === 'LVS Loopback');
    expect(lo!.addresses.map((a) => `${a.ip}/${a.prefixLength}`)).toEqual(['10.77.0.10/32']);
    expect(lo!.ipv4).toMatchObject({ dhcp: 'Disabled', weakHostSend: 'Enabled', weakHostReceive: 'Enabled' });
    expect(s.adapters.find((a) => a.name === 'Local Area Connection')!.ipv4.weakHostReceive).toBe('Enabled');
    expect(statuses(await run(false))).toEqual(Array(5).fill('ok'));
  });

  it('the seed\'s way: two NICs ("extranet", "intranet"), weak host receive and send on both and on the loopback; idempotent on 2012+ and 2008 R2', async () => {
    const seed = windowsRealServer({ vips: ['10.77.0.10'], tcpPorts: [80], nics: ['extranet', 'intranet'], weakHostSend: true });
    for (const legacy of [false, true]) {
      const state = freshSimState({ address: win1!.address, legacy, nicName: 'extranet' });
      const nic = state.adapters[0]!;
      state.adapters.push({ ...nic, ifIndex: 13, name: 'intranet', macAddress: '52-54-00-4C-56-13', ipv4: { ...nic.ipv4 }, addresses: [{ ip: '172.16.0.18', prefixLength: 24, skipAsSource: false, prefixOrigin: 'Manual' }] });
      state.nextIfIndex = 14;
      await writeSim(state);
      await connect();
      const apply = async () => {
        const out: Outcome[] = [];
        for (const r of seed.resources) out.push(await converge(r, t!, { check: false }));
        return statuses(out);
      };
      expect(await apply(), legacy ? '2008 R2' : '2012+').toEqual(Array(6).fill('changed'));
      const s = await readSim();
      for (const name of ['extranet', 'intranet', 'LVS Loopback']) expect(s.adapters.find((a) => a.name === name)!.ipv4, name).toMatchObject({ weakHostSend: 'Enabled', weakHostReceive: 'Enabled' });
      expect(await apply()).toEqual(Array(6).fill('ok'));
    }
  });
});

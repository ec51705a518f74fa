/**
 * The reference site on win1 over WinRM (the lab's endpoint: HTTP 5985, NTLM with message
 * encryption, as a stock 2008 R2 … 2022 is reached), through the CLI with `-i lab`: --check
 * predicts exactly, the real run converges the simulated Windows (loopback adapter, VIP/32, weak
 * host, firewall rule), the second run changes nothing, --json names the transport, status reads
 * win1, a saved plan made over WinRM applies exactly on a fresh win1. Needs `lab up` with WinRM on win1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostExec, labDir, labHosts, loadTopology, labPaths } from '../../src/lab/index.js';
import { WINSIM_STATE_PATH } from '../../src/lab/powershell-host.js';
import { writeFileAtomic } from '../../src/lab/state.js';
import type { RunReport } from '../../src/types.js';
import { freshSimState, type SimState } from '../sim/windows/state.js';
import { cli } from './support.js';

const win1 = labHosts(loadTopology()).find((h) => h.name === 'win1')!;
const answers = (port: number) => new Promise<boolean>((resolve) => {
  const s = connect({ host: win1.address, port, timeout: 1500 }, () => { s.destroy(); resolve(true); });
  s.on('error', () => resolve(false));
  s.on('timeout', () => { s.destroy(); resolve(false); });
});
const ready = process.getuid?.() === 0 && existsSync(join(labDir(), 'win1-winrm.json')) && (await answers(5985));
if (!ready) console.warn('win1 serves no WinRM (lab up with lab/winrm, LABDIR/win1-winrm.json): WinRM lab tests skipped');

const json = (name: string) => join(tmpdir(), `lvs-winrm-${process.pid}-${name}.json`);
const read = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as RunReport;
const changed = (r: RunReport) => r.results.filter((x) => x.status === 'changed').map((x) => x.resource).sort();
const site = (...extra: string[]) => cli(['playbooks/site.ts', '-i', 'lab', '--limit', 'win1', ...extra]);

async function readSim(): Promise<SimState> {
  const r = await hostExec('win1', ['cat', WINSIM_STATE_PATH]);
  return JSON.parse(r.stdout) as SimState;
}
const writeSim = (s: SimState) => writeFileAtomic(`${labPaths.rootfs('win1')}${WINSIM_STATE_PATH}`, JSON.stringify(s, null, 2));

describe.skipIf(!ready)('the site on win1 over WinRM (lab endpoint, NTLM + encryption)', () => {
  beforeAll(() => writeSim(freshSimState({ address: win1.address })));
  afterAll(() => writeSim(freshSimState({ address: win1.address })));

  let check: RunReport;
  it('--check predicts, changes nothing, and the report names the transport', async () => {
    const before = await readSim();
    const r = site('--check', '--json', json('check'));
    expect(r.code, r.stdout.slice(-2000)).toBe(0);
    check = read(json('check'));
    expect(check.hosts?.['win1']).toEqual({ transport: 'winrm' });
    expect(changed(check).length).toBeGreaterThanOrEqual(4);
    expect(await readSim()).toEqual(before);
  });

  it('the real run makes exactly those changes: loopback adapter, VIP/32, weak host, firewall rule', async () => {
    const r = site('--json', json('real'));
    expect(r.code, r.stdout.slice(-2000)).toBe(0);
    expect(changed(read(json('real')))).toEqual(changed(check));
    const s = await readSim();
    const lo = s.adapters.find((a) => a.componentId === '*MSLOOP');
    expect(lo?.addresses.map((a) => `${a.ip}/${a.prefixLength}`)).toEqual(['10.77.0.10/32']);
    expect(lo?.ipv4).toMatchObject({ weakHostSend: 'Enabled', weakHostReceive: 'Enabled' });
    expect(s.firewallRules.some((f) => f.group === 'lvs-play' && f.localAddress.includes('10.77.0.10'))).toBe(true);
    const account = JSON.parse(readFileSync(join(labDir(), 'win1-winrm.json'), 'utf8')) as { password: string };
    expect(r.stdout + readFileSync(json('real'), 'utf8')).not.toContain(account.password);
  });

  it('the second run changes nothing', () => {
    const r = site('--json', json('again'));
    expect(r.code).toBe(0);
    expect(read(json('again')).summary['win1']).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
  });

  it('a saved plan made over WinRM applies exactly on a fresh win1; afterwards nothing is left to change', async () => {
    await writeSim(freshSimState({ address: win1.address }));
    const plan = json('plan');
    const p = site('--check', '--plan-out', plan);
    expect(p.code, p.stderr + p.stdout.slice(-2000)).toBe(0);
    const a = cli(['apply', plan, '--json', json('applied')]);
    expect(a.code, a.stderr + a.stdout.slice(-2000)).toBe(0);
    expect(changed(read(json('applied')))).toEqual(changed(check));
    expect((await readSim()).adapters.find((x) => x.componentId === '*MSLOOP')?.addresses.map((x) => x.ip)).toEqual(['10.77.0.10']);
    const again = site('--json', json('after-apply'));
    expect(again.code).toBe(0);
    expect(read(json('after-apply')).summary['win1']).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
  });

  it('status reads win1 over WinRM: the VIP on its loopback, weak host', () => {
    cli(['status', '-i', 'lab', '--json', json('status')]);
    const st = JSON.parse(readFileSync(json('status'), 'utf8')) as { realServers: { name: string; reachable: boolean; error: string | null; loopbackVips: string[]; os: string }[] };
    const w = st.realServers.find((x) => x.name === 'win1');
    expect(w).toMatchObject({ reachable: true, error: null, loopbackVips: ['10.77.0.10'] });
  });
});

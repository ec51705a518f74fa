/**
 * win1 speaks real WinRM: `lab up` serves WinRS on 10.77.0.18:5985 (NTLM by gss-ntlmssp, sealed
 * messages) and :5986 (HTTPS, the lab's WinRM CA), and what it receives runs INSIDE win1 with the
 * pwsh and Windows simulation that PowerShell over SSH uses there. The client is Debian's pywinrm
 * (what Ansible uses), with the account `lab up` wrote. PowerShell over SSH keeps answering.
 */
import { statSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { labHosts, labUp, labWinrmEndpoint, loadTopology, readLabWinrmAccount, stopLabHost, type LabWinrmAccount } from '../../src/lab/index.js';
import { silent } from '../../src/lab/exec.js';
import { portAnswers, sshAnswers } from '../../src/lab/hostproc.js';
import { hostPwshPath } from '../../src/lab/powershell-host.js';
import { loopbackWinrmUnavailable, pywinrm } from '../integration/winrm/endpoint.js';
import { ensureLab } from './support.js';

const win1 = labHosts(loadTopology()).find((h) => h.name === 'win1');
const why = process.getuid?.() !== 0 ? 'not root' : !win1 ? 'no win1 in the topology' : !hostPwshPath() ? 'no pwsh to lend' : loopbackWinrmUnavailable();

interface Run {
  status?: number;
  stdout?: string;
  stderr?: string;
  error?: string;
}

describe.skipIf(why !== null)(`win1 over WinRM (pywinrm)${why ? ` (${why})` : ''}`, () => {
  const ep = labWinrmEndpoint(win1!);
  let account: LabWinrmAccount;
  beforeAll(async () => {
    await ensureLab();
    account = await readLabWinrmAccount('win1');
  });

  it('lab up wrote the account (0600) and the CA', () => {
    expect(statSync(ep.accountFile).mode & 0o777).toBe(0o600);
    expect(account.user).toBe('Administrator');
    expect(account.password.length).toBeGreaterThanOrEqual(20);
    expect(statSync(ep.caFile).isFile()).toBe(true);
  });

  const script = '$a = Get-NetAdapter -Name Ethernet; "$([Environment]::MachineName) $($a.Name) $($a.InterfaceDescription)"';
  const expected = 'win1 Ethernet Intel(R) PRO/1000 MT Network Connection\n';

  it('run_ps on 10.77.0.18:5985 (NTLM, encrypted) runs in win1 against the simulated Windows stack', async () => {
    const r = await pywinrm<Run>({ scenario: 'run_ps', endpoint: `http://${ep.address}:${ep.httpPort}/wsman`, user: account.user, transport: 'ntlm', encryption: 'always', script }, account.password);
    expect(r).toMatchObject({ status: 0, stdout: expected });
  });

  it('run_ps and run_cmd on 10.77.0.18:5986 (HTTPS validated with the lab CA)', async () => {
    const https = { endpoint: `https://${ep.address}:${ep.httpsPort}/wsman`, user: account.user, ca: ep.caFile };
    expect(await pywinrm<Run>({ ...https, transport: 'ntlm', scenario: 'run_ps', script }, account.password)).toMatchObject({ status: 0, stdout: expected });
    expect(await pywinrm<Run>({ ...https, transport: 'basic', scenario: 'run_cmd', command: 'hostname' }, account.password)).toMatchObject({ status: 0, stdout: 'win1\n' });
  });

  it('a wrong password is refused (401)', async () => {
    const r = await pywinrm<Run>({ scenario: 'run_cmd', endpoint: `http://${ep.address}:${ep.httpPort}/wsman`, user: account.user, transport: 'ntlm', command: 'hostname' }, `${account.password}x`);
    expect(r.error).toBe('InvalidCredentialsError');
  });

  it('PowerShell over SSH still answers on win1', async () => {
    expect(await sshAnswers(ep.address, 22, 2000)).toBe(true);
  });

  it('the endpoint ends with win1 and the next lab up serves it again (same account)', async () => {
    await stopLabHost('win1');
    expect(await portAnswers(ep.address, ep.httpPort)).toBe(false);
    await labUp({ progress: silent });
    expect(await portAnswers(ep.address, ep.httpPort)).toBe(true);
    expect(await portAnswers(ep.address, ep.httpsPort)).toBe(true);
    expect(await readLabWinrmAccount('win1')).toEqual(account);
    const r = await pywinrm<Run>({ scenario: 'run_cmd', endpoint: `http://${ep.address}:${ep.httpPort}/wsman`, user: account.user, transport: 'ntlm', command: 'hostname' }, account.password);
    expect(r).toMatchObject({ status: 0, stdout: 'win1\n' });
  });
});

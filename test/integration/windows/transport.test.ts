/**
 * The PowerShell-over-SSH transport's local side with a real pwsh: the exact New-PSSession
 * parameters, values as data, remote errors as Errors, E_CONNECT.
 */
import { describe, expect, it, vi } from 'vitest';
import { LvsError } from '../../../src/errors.js';
import { ps } from '../../../src/shell/powershell.js';
import { connectPowerShell } from '../../../src/transport/powershell.js';
import { PwshHost } from '../../../src/transport/pwsh-host.js';
import { buildSessionSetup } from '../../../src/transport/pwsh-session.js';
import type { JsonValue } from '../../../src/types.js';
import { pwshPath } from './helpers.js';

vi.setConfig({ testTimeout: 60_000 });


/** A stand-in New-PSSession (a function wins over the cmdlet) that records what it was given. */
const STUB = ps`
function global:New-PSSession {
  [CmdletBinding()]
  param([string[]]$ComputerName, [pscredential]$Credential, [int]$Port, [switch]$UseSSL, [string]$Authentication,
    $SessionOption, [string[]]$HostName, [string]$UserName, [string]$KeyFilePath, [hashtable]$Options)
  $global:LvsCaptured = @{ bound = @($PSBoundParameters.Keys | Sort-Object) }
  foreach ($k in 'ComputerName', 'Port', 'Authentication', 'HostName', 'UserName', 'KeyFilePath', 'Options') {
    if ($PSBoundParameters.ContainsKey($k)) { $global:LvsCaptured[$k] = $PSBoundParameters[$k] }
  }
  $global:LvsCaptured.UseSSL = [bool]$UseSSL
  if ($Credential) {
    $global:LvsCaptured.user = $Credential.UserName
    $global:LvsCaptured.passwordIsSecure = $Credential.Password -is [securestring]
    $global:LvsCaptured.password = $Credential.GetNetworkCredential().Password
  }
  if ($SessionOption) { $global:LvsCaptured.skipCA = $SessionOption.SkipCACheck; $global:LvsCaptured.skipCN = $SessionOption.SkipCNCheck }
  return $null
}
@{ ok = $true }
`;

async function captureSetup(setup: ReturnType<typeof buildSessionSetup>): Promise<Record<string, JsonValue>> {
  const h = await PwshHost.start({ pwshPath: pwshPath! });
  try {
    expect(await h.run(STUB, null)).toMatchObject({ ok: true });
    const opened = await h.run(setup.script, setup.data);
    if (!opened.ok) throw new Error(opened.error);
    const r = await h.run(ps`$global:LvsCaptured`, null);
    if (!r.ok) throw new Error(r.error);
    return r.value as Record<string, JsonValue>;
  } finally {
    await h.dispose();
  }
}

describe('session setup, as New-PSSession receives it', () => {
  it.skipIf(!pwshPath)('SSH: New-PSSession gets -HostName -UserName -Port -KeyFilePath -Options with strict host key checking', async () => {
    const setup = buildSessionSetup('10.77.0.18', { type: 'psrp-ssh', user: 'root', port: 2222, keyFile: '/k/id', knownHosts: "/k/known 'hosts'" });
    const c = await captureSetup(setup);
    expect(c).toMatchObject({
      bound: ['ErrorAction', 'HostName', 'KeyFilePath', 'Options', 'Port', 'UserName'],
      HostName: ['10.77.0.18'], UserName: 'root', Port: 2222, KeyFilePath: '/k/id',
      Options: { StrictHostKeyChecking: 'yes', BatchMode: 'yes', UserKnownHostsFile: "/k/known 'hosts'", ConnectTimeout: '15' },
    });
  });
});

describe.skipIf(!pwshPath)('invoke: values as data, errors as Errors', () => {
  it('round-trips awkward values and reports remote errors with their message', async () => {
    const h = await PwshHost.start({ pwshPath: pwshPath! });
    try {
      const v = { s: `'; Remove-Item -Recurse / ; "$(x)" \`n $env:PATH`, n: 3, list: ['a', 'b'], nested: { t: true, z: null } };
      expect(await h.run(ps`$data`, v)).toMatchObject({ ok: true, value: v });
      expect(await h.run(ps`Write-Error ('bad: ' + $data)`, 'thing')).toMatchObject({ ok: false, error: 'bad: thing' });
      expect(await h.run(ps`throw 'boom'`, null)).toMatchObject({ ok: false, error: 'boom' });
      expect(await h.run(ps`Write-Warning 'careful'; 'a'; @{ last = 1 }`, null)).toMatchObject({ ok: true, value: { last: 1 }, warnings: ['careful'] });
      expect(await h.run(ps`[Console]::Error.WriteLine('noise'); 5`, null)).toMatchObject({ ok: true, value: 5 });
    } finally {
      await h.dispose();
    }
  });
});

describe('connectPowerShell errors', () => {
  it.skipIf(!pwshPath)('E_CONNECT when nothing listens (SSH)', async () => {
    const ssh = await connectPowerShell({ host: 'w', address: '127.0.0.1', conn: { type: 'psrp-ssh', user: 'root', port: 1, knownHosts: '/dev/null' }, resolveSecret: async () => '', pwshPath: pwshPath! }).catch((x: unknown) => x);
    expect((ssh as LvsError).code).toBe('E_CONNECT');
  });
});

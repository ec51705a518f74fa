/**
 * What runs on a Windows host for each `invoke` over WinRM: a small constant bootstrap on the
 * command line (`powershell.exe … -EncodedCommand`), the real work on stdin. The command line
 * never carries the script, its data or a secret (cmd's 8,191-character limit; process listings).
 *
 * stdin: three base64 lines (ASCII: no code page can garble them) — REMOTE_WRAPPER, the script,
 * the JSON of `$data`. The bootstrap checks PowerShell's version first: the role's scripts need
 * 3.0+ (ConvertFrom-Json, `*>&1`); an older one prints `LVSPSVERSION:x.y` and exits 97 before
 * running anything. Otherwise it runs the wrapper (the same one PowerShell remoting runs, so a
 * script behaves alike over SSH and WinRM) and prints `LVSRESULT:<base64 of its JSON>`.
 */
import { LvsError } from '../../errors.js';
import type { JsonValue, PsScript } from '../../types.js';
import { ps } from '../../shell/powershell.js';
import { REMOTE_WRAPPER } from '../pwsh-scripts.js';

/** Exit code of the bootstrap on a PowerShell older than 3.0. */
export const EXIT_OLD_POWERSHELL = 97;
export const VERSION_PREFIX = 'LVSPSVERSION:';

/** Runs on PowerShell 2.0 as far as the version check (Ansible's bootstrap reads stdin the same way). */
export const BOOTSTRAP: PsScript = ps`
$ErrorActionPreference = 'Stop'
$LvsIn = ($input | Out-String).Split([char[]](9, 10, 13, 32), [StringSplitOptions]::RemoveEmptyEntries)
$LvsV = $PSVersionTable.PSVersion
if ($LvsV.Major -lt 3) { [Console]::Out.WriteLine('LVSPSVERSION:' + $LvsV); exit 97 }
$LvsU = New-Object System.Text.UTF8Encoding -ArgumentList $false
$LvsD = { param($b) $LvsU.GetString([Convert]::FromBase64String($b)) }
$LvsW = [scriptblock]::Create((& $LvsD $LvsIn[0]))
$LvsR = @(& $LvsW (& $LvsD $LvsIn[1]) (& $LvsD $LvsIn[2]))
[Console]::Out.WriteLine('LVSRESULT:' + [Convert]::ToBase64String($LvsU.GetBytes([string]$LvsR[$LvsR.Count - 1])))
`;

/** The command line: powershell.exe and its arguments (constant). */
export function bootstrapCommand(): { cmd: string; args: string[] } {
  const encoded = Buffer.from(BOOTSTRAP, 'utf16le').toString('base64');
  return { cmd: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', encoded] };
}

/** The stdin of one invocation. */
export function bootstrapInput(script: PsScript, data: JsonValue): Buffer {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  return Buffer.from(`${b64(REMOTE_WRAPPER)}\r\n${b64(script)}\r\n${b64(JSON.stringify(data))}\r\n`, 'ascii');
}

/** The PowerShell version a bootstrap reported as too old, or null. */
export function oldPowerShell(code: number, stdout: string): string | null {
  if (code !== EXIT_OLD_POWERSHELL) return null;
  const m = new RegExp(`${VERSION_PREFIX}([0-9.]+)`).exec(stdout);
  return m?.[1] ?? 'unknown';
}

/** The host error for a PowerShell older than 3.0 (nothing was run). */
export function oldPowerShellError(host: string, version: string): LvsError {
  return new LvsError('E_CONNECT', `${host}: the host has PowerShell ${version}; lvs-play's Windows scripts need PowerShell 3.0 or later (nothing was changed)`, {
    fix: 'install WMF 3.0 or later on the host (WMF 5.1 for 2008 R2 SP1 / 2012: KB3191566, after .NET Framework 4.5.2; on 2008 R2 with WMF 3.0 also KB2842230)',
  });
}

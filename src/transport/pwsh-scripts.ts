/**
 * Constant PowerShell text run by the LOCAL pwsh that node-powershell drives.
 *
 * Every line node-powershell writes to pwsh's stdin is one of
 *   Invoke-LvsRemote '<base64 script>' '<base64 json>'
 *   Close-LvsSession
 * so values never become code: both arguments are base64 (only [A-Za-z0-9+/=]) inside single
 * quotes, decoded on the far side, and the JSON is parsed into `$data` there.
 *
 * Results come back on stdout as ONE line `LVSRESULT:<base64 of JSON>`, where the JSON is
 * `{ ok: true, value, warnings }` or `{ ok: false, error, where?, transport? }`. Everything that
 * could reach stderr is caught and put into that envelope, so node-powershell's "stderr means
 * failure" rule only fires on a real malfunction of pwsh itself.
 */
import type { PsScript } from '../types.js';
import { ps } from '../shell/powershell.js';

/** Marker of the one result line. */
export const RESULT_PREFIX = 'LVSRESULT:';

/**
 * Runs on the target (remote session, or locally when there is no session) with two strings:
 * the script and its JSON data. `$data` is visible to the script through PowerShell's dynamic
 * scoping. The last object the script outputs is its value; any error record (terminating or
 * not) makes the result a failure carrying the remote message. Works on Windows PowerShell 3.0+.
 */
export const REMOTE_WRAPPER: PsScript = ps`
param([string]$LvsScript, [string]$LvsJson)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$WarningPreference = 'Continue'
$LvsErrors = New-Object System.Collections.ArrayList
$LvsWarnings = New-Object System.Collections.ArrayList
$LvsOutput = New-Object System.Collections.ArrayList
try {
  $data = ConvertFrom-Json -InputObject $LvsJson
  $LvsBlock = [scriptblock]::Create($LvsScript)
  & $LvsBlock *>&1 | ForEach-Object {
    if ($_ -is [System.Management.Automation.ErrorRecord]) { [void]$LvsErrors.Add($_.ToString()) }
    elseif ($_ -is [System.Management.Automation.WarningRecord]) { [void]$LvsWarnings.Add($_.Message) }
    elseif ($_ -is [System.Management.Automation.VerboseRecord] -or $_ -is [System.Management.Automation.DebugRecord]) { }
    elseif ($_ -is [System.Management.Automation.InformationRecord]) { }
    else { [void]$LvsOutput.Add($_) }
  }
  if ($LvsErrors.Count -gt 0) {
    $LvsResult = @{ ok = $false; error = ($LvsErrors -join [Environment]::NewLine) }
  } else {
    $LvsValue = $null
    if ($LvsOutput.Count -gt 0) { $LvsValue = $LvsOutput[$LvsOutput.Count - 1] }
    $LvsResult = @{ ok = $true; value = $LvsValue; warnings = @($LvsWarnings) }
  }
} catch {
  $LvsWhere = $null
  if ($_.InvocationInfo -and $_.InvocationInfo.Line -notmatch 'LvsBlock') { $LvsWhere = $_.InvocationInfo.PositionMessage }
  $LvsResult = @{ ok = $false; error = $_.Exception.Message; where = $LvsWhere }
}
ConvertTo-Json -InputObject $LvsResult -Depth 10 -Compress
`;

/**
 * Defines the local helper functions once per pwsh process (dot-sourced into the global scope).
 * `$global:LvsSession` is the one remote session of this host; `$null` means "run locally"
 * (used only to open the session itself and by tests of the local side).
 */
export const LOCAL_PRELUDE: PsScript = ps`
$global:ErrorActionPreference = 'Stop'
$global:ProgressPreference = 'SilentlyContinue'
$global:WarningPreference = 'SilentlyContinue'
$global:InformationPreference = 'SilentlyContinue'
$global:LvsSession = $null
$global:LvsRemoteWrapper = [scriptblock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($LvsWrapperB64)))
function global:Write-LvsResultJson([string]$Json) {
  [Console]::Out.WriteLine('LVSRESULT:' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Json)))
}
function global:Invoke-LvsRemote([string]$ScriptB64, [string]$JsonB64) {
  try {
    $script = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($ScriptB64))
    $json = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($JsonB64))
    $p = @{ ScriptBlock = $global:LvsRemoteWrapper; ArgumentList = @($script, $json); ErrorAction = 'Stop' }
    if ($null -ne $global:LvsSession) { $p.Session = $global:LvsSession }
    $out = @(Invoke-Command @p 2>$null 3>$null)
    $last = $null
    if ($out.Count -gt 0) { $last = $out[$out.Count - 1] }
    if ($last -isnot [string]) { throw 'the remote side returned no result (is it PowerShell 3.0 or later?)' }
    Write-LvsResultJson $last
  } catch {
    Write-LvsResultJson (ConvertTo-Json -Compress -InputObject @{ ok = $false; transport = $true; error = $_.Exception.Message })
  }
}
function global:Close-LvsSession {
  try {
    if ($null -ne $global:LvsSession) { Remove-PSSession -Session $global:LvsSession -ErrorAction SilentlyContinue 2>$null }
    $global:LvsSession = $null
    Write-LvsResultJson '{"ok":true,"value":null}'
  } catch {
    Write-LvsResultJson (ConvertTo-Json -Compress -InputObject @{ ok = $false; transport = $true; error = $_.Exception.Message })
  }
}
`;

/**
 * Opens `$global:LvsSession` from `$data` (run locally, before any session exists): PowerShell
 * remoting over SSH. Host keys are verified (StrictHostKeyChecking=yes, BatchMode=yes: never a prompt).
 */
export const OPEN_SESSION: PsScript = ps`
$d = $data
if ($d.kind -ne 'psrp-ssh') { throw ('unknown connection kind: ' + $d.kind) }
$opt = @{ StrictHostKeyChecking = 'yes'; BatchMode = 'yes'; ConnectTimeout = [string]$d.connectTimeoutSec }
if ($d.knownHosts) { $opt.UserKnownHostsFile = [string]$d.knownHosts }
if ($d.hostKeyAlias) { $opt.HostKeyAlias = [string]$d.hostKeyAlias }
$p = @{ HostName = [string]$d.address; UserName = [string]$d.user; Port = [int]$d.port; Options = $opt; ErrorAction = 'Stop' }
if ($d.keyFile) { $p.KeyFilePath = [string]$d.keyFile }
$global:LvsSession = New-PSSession @p
@{ opened = $true; kind = [string]$d.kind }
`;

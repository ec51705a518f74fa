/**
 * The PowerShell that the local pwsh runs as the NTLM/Negotiate helper of one WinRM host: .NET's
 * System.Net.Security.NegotiateAuthentication with its MANAGED NTLM (no hand-written crypto, no
 * gss-ntlmssp needed on the control node). It speaks JSON lines on stdin/stdout, one request →
 * one reply:
 *
 *   {"op":"init","user":"u","domain":"d","password":"…","package":"NTLM","target":"HTTP/host"}
 *   {"op":"reset"}   (a new context with the same credentials: a new HTTP connection)
 *   {"op":"step","token":"<base64 or empty>"}   → {"ok":true,"token":"<base64>","done":false}
 *   {"op":"wrap","data":"<base64>"}             → {"ok":true,"data":"<base64: signature + sealed>"}
 *   {"op":"unwrap","data":"<base64: signature + sealed>"} → {"ok":true,"data":"<base64>"}
 *
 * Errors: {"ok":false,"error":"…"}. The password arrives only on stdin (never argv or env) and
 * lives only inside the NetworkCredential. The script is constant text (passed -EncodedCommand).
 * It reads and writes JSON with .NET's System.Text.Json, not ConvertFrom-Json/ConvertTo-Json:
 * those cmdlets load a module at the helper's start (~0.1 s of CPU on every WinRM host's session).
 */
import type { PsScript } from '../../types.js';
import { ps } from '../../shell/powershell.js';

export const AUTH_HELPER: PsScript = ps`
$ErrorActionPreference = 'Stop'
[AppContext]::SetSwitch('System.Net.Security.UseManagedNtlm', $true)
$auth = $null
$o = $null
$stdin = [Console]::In
$out = [Console]::Out
function Reply([string]$json) { $out.WriteLine($json); $out.Flush() }
function Fail([string]$why) { Reply ('{"ok":false,"error":"' + [System.Text.Json.JsonEncodedText]::Encode($why).ToString() + '"}') }
function Field($m, [string]$name) {
  foreach ($p in $m.EnumerateObject()) { if ($p.Name -eq $name -and $p.Value.ValueKind -eq 'String') { return $p.Value.GetString() } }
  return $null
}
while ($true) {
  $line = $stdin.ReadLine()
  if ($null -eq $line) { break }
  if ($line -eq '') { continue }
  $doc = $null
  try {
    $doc = [System.Text.Json.JsonDocument]::Parse($line)
    $m = $doc.RootElement
    switch (Field $m 'op') {
      'init' {
        $o = [System.Net.Security.NegotiateAuthenticationClientOptions]::new()
        $o.Package = Field $m 'package'
        $o.Credential = [System.Net.NetworkCredential]::new((Field $m 'user'), (Field $m 'password'), (Field $m 'domain'))
        $o.TargetName = Field $m 'target'
        $o.RequiredProtectionLevel = [System.Net.Security.ProtectionLevel]::EncryptAndSign
        if ($null -ne $auth) { $auth.Dispose() }
        $auth = [System.Net.Security.NegotiateAuthentication]::new($o)
        Reply '{"ok":true}'
      }
      'reset' {
        if ($null -ne $auth) { $auth.Dispose() }
        $auth = [System.Net.Security.NegotiateAuthentication]::new($o)
        Reply '{"ok":true}'
      }
      'step' {
        $st = [System.Net.Security.NegotiateAuthenticationStatusCode]::Completed
        $in = Field $m 'token'
        if ($in -eq '') { $in = $null }
        $tok = $auth.GetOutgoingBlob($in, [ref]$st)
        if (-not ($st -eq 'Completed' -or $st -eq 'ContinueNeeded')) { Fail "NTLM handshake: $st"; continue }
        if ($null -eq $tok) { $tok = '' }
        $done = if ($st -eq 'Completed') { 'true' } else { 'false' }
        Reply ('{"ok":true,"token":"' + $tok + '","done":' + $done + '}')
      }
      'wrap' {
        $w = [System.Buffers.ArrayBufferWriter[byte]]::new()
        $enc = $false
        $st = $auth.Wrap([byte[]][Convert]::FromBase64String((Field $m 'data')), $w, $true, [ref]$enc)
        if ($st -ne 'Completed' -or -not $enc) { Fail "wrap: $st (encrypted: $enc)"; continue }
        Reply ('{"ok":true,"data":"' + [Convert]::ToBase64String($w.WrittenMemory.ToArray()) + '"}')
      }
      'unwrap' {
        $w = [System.Buffers.ArrayBufferWriter[byte]]::new()
        $enc = $false
        $st = $auth.Unwrap([byte[]][Convert]::FromBase64String((Field $m 'data')), $w, [ref]$enc)
        if ($st -ne 'Completed' -or -not $enc) { Fail "unwrap: $st (encrypted: $enc)"; continue }
        Reply ('{"ok":true,"data":"' + [Convert]::ToBase64String($w.WrittenMemory.ToArray()) + '"}')
      }
      default { Fail 'unknown op' }
    }
  } catch {
    Fail $_.Exception.Message
  } finally {
    if ($null -ne $doc) { $doc.Dispose() }
  }
}
`;

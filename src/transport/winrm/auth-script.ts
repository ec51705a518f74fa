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
 */
import type { PsScript } from '../../types.js';
import { ps } from '../../shell/powershell.js';

export const AUTH_HELPER: PsScript = ps`
$ErrorActionPreference = 'Stop'
[AppContext]::SetSwitch('System.Net.Security.UseManagedNtlm', $true)
$auth = $null
$stdin = [Console]::In
$out = [Console]::Out
function Reply($obj) { $out.WriteLine((ConvertTo-Json -InputObject $obj -Compress)); $out.Flush() }
while ($true) {
  $line = $stdin.ReadLine()
  if ($null -eq $line) { break }
  if ($line -eq '') { continue }
  try {
    $m = ConvertFrom-Json -InputObject $line
    switch ([string]$m.op) {
      'init' {
        $o = [System.Net.Security.NegotiateAuthenticationClientOptions]::new()
        $o.Package = [string]$m.package
        $o.Credential = [System.Net.NetworkCredential]::new([string]$m.user, [string]$m.password, [string]$m.domain)
        $o.TargetName = [string]$m.target
        $o.RequiredProtectionLevel = [System.Net.Security.ProtectionLevel]::EncryptAndSign
        $m = $null
        if ($null -ne $auth) { $auth.Dispose() }
        $auth = [System.Net.Security.NegotiateAuthentication]::new($o)
        Reply @{ ok = $true }
      }
      'reset' {
        if ($null -ne $auth) { $auth.Dispose() }
        $auth = [System.Net.Security.NegotiateAuthentication]::new($o)
        Reply @{ ok = $true }
      }
      'step' {
        $st = [System.Net.Security.NegotiateAuthenticationStatusCode]::Completed
        $in = $null
        if ($m.token) { $in = [string]$m.token }
        $tok = $auth.GetOutgoingBlob($in, [ref]$st)
        $ok = $st -eq 'Completed' -or $st -eq 'ContinueNeeded'
        if (-not $ok) { Reply @{ ok = $false; error = "NTLM handshake: $st" } ; continue }
        if ($null -eq $tok) { $tok = '' }
        Reply @{ ok = $true; token = $tok; done = ($st -eq 'Completed') }
      }
      'wrap' {
        $w = [System.Buffers.ArrayBufferWriter[byte]]::new()
        $enc = $false
        $st = $auth.Wrap([byte[]][Convert]::FromBase64String([string]$m.data), $w, $true, [ref]$enc)
        if ($st -ne 'Completed' -or -not $enc) { Reply @{ ok = $false; error = "wrap: $st (encrypted: $enc)" } ; continue }
        Reply @{ ok = $true; data = [Convert]::ToBase64String($w.WrittenMemory.ToArray()) }
      }
      'unwrap' {
        $w = [System.Buffers.ArrayBufferWriter[byte]]::new()
        $enc = $false
        $st = $auth.Unwrap([byte[]][Convert]::FromBase64String([string]$m.data), $w, [ref]$enc)
        if ($st -ne 'Completed' -or -not $enc) { Reply @{ ok = $false; error = "unwrap: $st (encrypted: $enc)" } ; continue }
        Reply @{ ok = $true; data = [Convert]::ToBase64String($w.WrittenMemory.ToArray()) }
      }
      default { Reply @{ ok = $false; error = "unknown op" } }
    }
  } catch {
    Reply @{ ok = $false; error = $_.Exception.Message }
  }
}
`;

# LvsPlayWindowsSim — a SIMULATION of the Windows network stack, for testing lvs-play on Linux.
#
# It is NOT Windows. Over a JSON state file ($env:LVSPLAY_WINSIM_STATE, default
# /var/lib/lvs-play-winsim/state.json) it implements the cmdlets the windows-realserver role calls:
#   NetAdapter/NetTCPIP : Get-NetAdapter, Rename-NetAdapter, Get-/New-/Remove-NetIPAddress,
#                         Get-/Set-NetIPInterface
#   NetSecurity         : Get-/New-/Set-/Remove-NetFirewallRule, Get-NetFirewallAddressFilter,
#                         Get-NetFirewallPortFilter
#   2008 R2 tools       : netsh (interface ipv4 …, advfirewall firewall …), Get-WmiObject
#                         (Win32_NetworkAdapter, Win32_NetworkAdapterConfiguration)
#   SetupAPI seam       : the .NET type [LvsPlay.LoopbackDevice] that the role's
#                         Install-LvsLoopbackAdapter calls (real: SetupAPI; here: a new adapter in the state)
# With "legacy": true in the state file, the NetAdapter/NetTCPIP/NetSecurity commands are not
# exported (a Windows Server 2008 R2 host), so `Get-Command Set-NetIPInterface` finds nothing.
#
# The module is auto-loaded (it is on $PSModulePath); the role's scripts never import it.

Set-StrictMode -Version 2

function Get-SimStatePath {
  if ($env:LVSPLAY_WINSIM_STATE) { return $env:LVSPLAY_WINSIM_STATE }
  return '/var/lib/lvs-play-winsim/state.json'
}

function Read-SimState {
  $path = Get-SimStatePath
  if (-not (Test-Path -LiteralPath $path)) {
    throw "LvsPlayWindowsSim: no state file at $path (set LVSPLAY_WINSIM_STATE or create it)"
  }
  $s = Get-Content -LiteralPath $path -Raw | ConvertFrom-Json -AsHashtable
  foreach ($k in 'adapters', 'firewallRules', 'log') { if (-not $s.ContainsKey($k) -or $null -eq $s[$k]) { $s[$k] = @() } }
  foreach ($a in $s.adapters) {
    if ($null -eq $a.addresses) { $a.addresses = @() }
  }
  return $s
}

function Write-SimState([hashtable]$State, [string]$Change) {
  if ($Change) { $State.log = @($State.log) + @($Change) }
  $path = Get-SimStatePath
  $tmp = "$path.tmp-$PID"
  ConvertTo-Json -InputObject $State -Depth 20 | Set-Content -LiteralPath $tmp -Encoding utf8NoBOM
  Move-Item -LiteralPath $tmp -Destination $path -Force
}

function Test-SimLegacy {
  try { return [bool](Read-SimState).legacy } catch { return $false }
}

function Get-SimAdapter([hashtable]$State, $Index, [string]$Alias, [string]$Command) {
  foreach ($a in $State.adapters) {
    if ($null -ne $Index -and [int]$a.ifIndex -eq [int]$Index) { return $a }
    if ($Alias -and $a.name -eq $Alias) { return $a }
  }
  $what = if ($null -ne $Index) { "InterfaceIndex $Index" } else { "InterfaceAlias '$Alias'" }
  throw [System.Management.Automation.ItemNotFoundException]::new("${Command}: No matching MSFT_NetIPInterface objects found by CIM query for instances of the ROOT/StandardCimv2/MSFT_NetIPInterface class on the CIM server: $what")
}

function Resolve-SimAdapters([hashtable]$State, $InterfaceIndex, $InterfaceAlias, $InputObject, [string]$Command) {
  $out = @()
  if ($null -ne $InputObject) { foreach ($o in @($InputObject)) { $out += Get-SimAdapter $State ([int]$o.InterfaceIndex) $null $Command } }
  foreach ($i in @($InterfaceIndex)) { if ($null -ne $i) { $out += Get-SimAdapter $State $i $null $Command } }
  foreach ($n in @($InterfaceAlias)) { if ($n) { $out += Get-SimAdapter $State $null $n $Command } }
  return $out
}

function Test-SimIPv4([string]$Ip) {
  $parsed = $null
  return [System.Net.IPAddress]::TryParse($Ip, [ref]$parsed) -and $parsed.AddressFamily -eq 'InterNetwork' -and $Ip -match '^\d{1,3}(\.\d{1,3}){3}$'
}

. (Join-Path $PSScriptRoot 'SimNetTcpIp.ps1')
. (Join-Path $PSScriptRoot 'SimFirewall.ps1')
. (Join-Path $PSScriptRoot 'SimLegacy.ps1')
. (Join-Path $PSScriptRoot 'SimSetupApi.ps1')

$modern = @(
  'Get-NetAdapter', 'Rename-NetAdapter',
  'Get-NetIPAddress', 'New-NetIPAddress', 'Remove-NetIPAddress', 'Get-NetIPInterface', 'Set-NetIPInterface',
  'Get-NetFirewallRule', 'New-NetFirewallRule', 'Set-NetFirewallRule', 'Remove-NetFirewallRule',
  'Get-NetFirewallAddressFilter', 'Get-NetFirewallPortFilter'
)
$always = @('netsh', 'Get-WmiObject', 'Get-LvsSimState')
if (Test-SimLegacy) { Export-ModuleMember -Function $always } else { Export-ModuleMember -Function ($modern + $always) }

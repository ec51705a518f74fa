# lvs-play windows-realserver: helpers prepended to every script of the role.
# Every value comes from $data (parsed JSON); nothing is ever pasted into this text.
# Two paths: Windows Server 2012+ (NetAdapter/NetTCPIP/NetSecurity cmdlets) and 2008 R2 (WMI + netsh),
# chosen by whether Set-NetIPInterface exists.

# Looked up once per script: a miss makes PowerShell search every module path.
$LvsIsModern = [bool](Get-Command -Name 'Set-NetIPInterface' -ErrorAction SilentlyContinue)
function Test-LvsModern {
  return $LvsIsModern
}

function Test-LvsLoopbackAdapter($Adapter) {
  return ($Adapter.componentId -eq '*MSLOOP') -or ($Adapter.service -eq 'msloop') -or ($Adapter.service -eq 'kmloop') -or
    ($Adapter.description -like '*Loopback Adapter*')
}

# All network adapters with a connection name: index, name (alias), description, hardware id, PnP id.
function Get-LvsAdapters {
  if (Test-LvsModern) {
    foreach ($a in @(Get-NetAdapter)) {
      @{ index = [int]$a.ifIndex; name = [string]$a.Name; description = [string]$a.InterfaceDescription
        componentId = [string]$a.ComponentID; pnp = [string]$a.PnPDeviceID; service = '' }
    }
  } else {
    foreach ($a in @(Get-WmiObject -Class Win32_NetworkAdapter)) {
      if (-not $a.NetConnectionID) { continue }
      @{ index = [int]$a.InterfaceIndex; name = [string]$a.NetConnectionID; description = [string]$a.Name
        componentId = ''; pnp = [string]$a.PNPDeviceID; service = [string]$a.ServiceName }
    }
  }
}

# The adapter whose alias is exactly $Alias (Windows compares names case-insensitively), or $null.
function Find-LvsAdapterByName([string]$Alias) {
  foreach ($a in @(Get-LvsAdapters)) { if ($a.name -eq $Alias) { return $a } }
  return $null
}

# The role's loopback adapter; $null when it does not exist yet. Fails when the alias is taken by
# an adapter that is not a loopback adapter.
function Find-LvsLoopback([string]$Alias) {
  $a = Find-LvsAdapterByName $Alias
  if ($null -ne $a -and -not (Test-LvsLoopbackAdapter $a)) {
    throw ("the adapter named '" + $Alias + "' is not a Microsoft loopback adapter (" + $a.description + '); choose another loopbackAlias')
  }
  return $a
}

# A NIC facing the directors: by alias ($Alias, else $Opts.nicAlias), else the adapter holding $Opts.nicAddress.
function Find-LvsNic($Opts, [string]$Alias) {
  if (-not $Alias) { $Alias = [string]$Opts.nicAlias }
  if ($Alias) {
    $a = Find-LvsAdapterByName $Alias
    if ($null -eq $a) { throw ("no network adapter is named '" + $Alias + "' (nicAlias / nics)") }
    return $a
  }
  if (-not $Opts.nicAddress) { throw 'set nicAlias: the host address is unknown, so the NIC facing the directors cannot be found' }
  $index = $null
  if (Test-LvsModern) {
    foreach ($ip in @(Get-NetIPAddress -AddressFamily IPv4 -ErrorAction SilentlyContinue)) {
      if ($ip.IPAddress -eq $Opts.nicAddress) { $index = [int]$ip.InterfaceIndex }
    }
  } else {
    foreach ($c in @(Get-WmiObject -Class Win32_NetworkAdapterConfiguration)) {
      if (@($c.IPAddress) -contains $Opts.nicAddress) { $index = [int]$c.InterfaceIndex }
    }
  }
  if ($null -ne $index) {
    foreach ($a in @(Get-LvsAdapters)) { if ($a.index -eq $index) { return $a } }
  }
  throw ('no network adapter holds ' + $Opts.nicAddress + '; set nicAlias to the NIC facing the directors')
}

# Runs netsh with argv tokens; returns its output lines; throws with its message on failure.
function Invoke-LvsNetsh([string[]]$Arguments, [switch]$AllowFailure) {
  # Continue here: on Windows PowerShell, native stderr redirected under 'Stop' would throw.
  $ErrorActionPreference = 'Continue'
  $out = @(& netsh @Arguments 2>&1 | ForEach-Object { [string]$_ })
  $code = $LASTEXITCODE
  if ($code -ne 0 -and -not $AllowFailure) {
    throw ('netsh ' + ($Arguments -join ' ') + ' failed (' + $code + '): ' + (($out | Where-Object { $_.Trim() }) -join ' '))
  }
  return @{ code = $code; lines = $out }
}

# The value after "Label:" / "Label :" in netsh output, or $null.
function Get-LvsNetshField([string[]]$Lines, [string]$Label) {
  foreach ($l in $Lines) {
    $i = $l.IndexOf(':')
    if ($i -gt 0 -and $l.Substring(0, $i).Trim() -eq $Label) { return $l.Substring($i + 1).Trim() }
  }
  return $null
}

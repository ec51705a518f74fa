# SIMULATION: NetAdapter and NetTCPIP cmdlets over the sim state (dot-sourced by LvsPlayWindowsSim.psm1).

function ConvertTo-SimNetAdapter($a) {
  [pscustomobject]@{
    PSTypeName = 'LvsPlaySim.NetAdapter'
    Name = $a.name; InterfaceAlias = $a.name; ifIndex = [int]$a.ifIndex; InterfaceIndex = [int]$a.ifIndex
    InterfaceDescription = $a.description; DriverDescription = $a.description
    ComponentID = $a.componentId; PnPDeviceID = $a.pnpDeviceId; MacAddress = $a.macAddress; Status = $a.status
  }
}

function ConvertTo-SimNetIPAddress($a, $ip) {
  [pscustomobject]@{
    PSTypeName = 'LvsPlaySim.NetIPAddress'
    IPAddress = $ip.ip; InterfaceIndex = [int]$a.ifIndex; InterfaceAlias = $a.name; AddressFamily = 'IPv4'
    PrefixLength = [int]$ip.prefixLength; SkipAsSource = [bool]$ip.skipAsSource; PrefixOrigin = $ip.prefixOrigin; Type = 'Unicast'
  }
}

function ConvertTo-SimNetIPInterface($a) {
  [pscustomobject]@{
    PSTypeName = 'LvsPlaySim.NetIPInterface'
    InterfaceIndex = [int]$a.ifIndex; InterfaceAlias = $a.name; AddressFamily = 'IPv4'
    WeakHostSend = $a.ipv4.weakHostSend; WeakHostReceive = $a.ipv4.weakHostReceive; Dhcp = $a.ipv4.dhcp; Forwarding = $a.ipv4.forwarding
  }
}

function Get-NetAdapter {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string[]]$Name, [uint32[]]$InterfaceIndex, [string[]]$InterfaceDescription, [switch]$IncludeHidden, [switch]$Physical)
  $s = Read-SimState
  $list = @($s.adapters)
  if ($Name) {
    foreach ($n in $Name) {
      if (-not [WildcardPattern]::ContainsWildcardCharacters($n) -and -not ($list | Where-Object { $_.name -eq $n })) {
        Write-Error -Category ObjectNotFound -Message "No MSFT_NetAdapter objects found with property 'Name' equal to '$n'.  Verify the value of the property and retry."
      }
    }
    $list = $list | Where-Object { $an = $_.name; @($Name | Where-Object { $an -like $_ }).Count -gt 0 }
  }
  if ($InterfaceIndex) {
    foreach ($i in $InterfaceIndex) {
      if (-not ($list | Where-Object { [int]$_.ifIndex -eq $i })) {
        Write-Error -Category ObjectNotFound -Message "No MSFT_NetAdapter objects found with property 'InterfaceIndex' equal to '$i'.  Verify the value of the property and retry."
      }
    }
    $list = $list | Where-Object { $InterfaceIndex -contains [uint32]$_.ifIndex }
  }
  if ($InterfaceDescription) { $list = $list | Where-Object { $d = $_.description; @($InterfaceDescription | Where-Object { $d -like $_ }).Count -gt 0 } }
  foreach ($a in @($list)) { if ($null -ne $a) { ConvertTo-SimNetAdapter $a } }
}

function Rename-NetAdapter {
  [CmdletBinding(SupportsShouldProcess)]
  param([Parameter(Position = 0)][string[]]$Name, [Parameter(ValueFromPipeline)]$InputObject,
    [Parameter(Mandatory)][string]$NewName, [switch]$PassThru)
  process {
    $s = Read-SimState
    $targets = @()
    if ($null -ne $InputObject) { $targets += Get-SimAdapter $s ([int]$InputObject.ifIndex) $null 'Rename-NetAdapter' }
    foreach ($n in @($Name)) { if ($n) { $targets += @($s.adapters | Where-Object { $_.name -like $n }) } }
    if ($targets.Count -eq 0) { throw "Rename-NetAdapter: No MSFT_NetAdapter objects found with property 'Name' equal to '$Name'." }
    foreach ($a in $targets) {
      if ($a.name -ceq $NewName) { continue }
      if ($s.adapters | Where-Object { $_ -ne $a -and $_.name -eq $NewName }) {
        throw "Rename-NetAdapter: {Object Exists} An attempt was made to create an object and the object name already existed. ($NewName)"
      }
      $old = $a.name
      $a.name = $NewName
      Write-SimState $s "Rename-NetAdapter $($a.ifIndex) '$old' -> '$NewName'"
      if ($PassThru) { ConvertTo-SimNetAdapter $a }
    }
  }
}

function Get-NetIPAddress {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string[]]$IPAddress, [uint32[]]$InterfaceIndex, [string[]]$InterfaceAlias,
    [ValidateSet('IPv4', 'IPv6')][string[]]$AddressFamily, [string[]]$PrefixOrigin)
  $s = Read-SimState
  $out = @()
  foreach ($a in @($s.adapters)) {
    if ($InterfaceIndex -and $InterfaceIndex -notcontains [uint32]$a.ifIndex) { continue }
    if ($InterfaceAlias -and -not (@($InterfaceAlias | Where-Object { $a.name -like $_ }).Count)) { continue }
    foreach ($ip in @($a.addresses)) {
      if ($IPAddress -and $IPAddress -notcontains $ip.ip) { continue }
      if ($AddressFamily -and $AddressFamily -notcontains 'IPv4') { continue }
      if ($PrefixOrigin -and $PrefixOrigin -notcontains $ip.prefixOrigin) { continue }
      $out += ConvertTo-SimNetIPAddress $a $ip
    }
  }
  if ($out.Count -eq 0) {
    Write-Error -Category ObjectNotFound -Message 'No matching MSFT_NetIPAddress objects found by CIM query for instances of the ROOT/StandardCimv2/MSFT_NetIPAddress class on the CIM server'
  }
  $out
}

function New-NetIPAddress {
  [CmdletBinding()]
  param([Parameter(Mandatory)][string]$IPAddress, [uint32]$InterfaceIndex, [string]$InterfaceAlias, [byte]$PrefixLength = 32,
    [ValidateSet('IPv4', 'IPv6')][string]$AddressFamily = 'IPv4', [bool]$SkipAsSource = $false, [string]$Type = 'Unicast',
    [string]$DefaultGateway, [string]$PolicyStore = 'PersistentStore')
  $s = Read-SimState
  $idx = if ($PSBoundParameters.ContainsKey('InterfaceIndex')) { $InterfaceIndex } else { $null }
  $a = Get-SimAdapter $s $idx $InterfaceAlias 'New-NetIPAddress'
  if (-not (Test-SimIPv4 $IPAddress)) { throw "New-NetIPAddress: Invalid parameter IPAddress $IPAddress" }
  if ($PrefixLength -gt 32) { throw "New-NetIPAddress: Invalid parameter PrefixLength $PrefixLength" }
  if ($a.ipv4.dhcp -eq 'Enabled') { throw 'New-NetIPAddress: Inconsistent parameters PolicyStore PersistentStore and Dhcp Enabled' }
  foreach ($other in @($s.adapters)) {
    if (@($other.addresses | Where-Object { $_.ip -eq $IPAddress }).Count) { throw "New-NetIPAddress: The object already exists. ($IPAddress)" }
  }
  $a.addresses = @($a.addresses) + @(@{ ip = $IPAddress; prefixLength = [int]$PrefixLength; skipAsSource = $SkipAsSource; prefixOrigin = 'Manual' })
  Write-SimState $s "New-NetIPAddress $IPAddress/$PrefixLength SkipAsSource=$SkipAsSource on $($a.ifIndex)"
  ConvertTo-SimNetIPAddress $a $a.addresses[-1]
}

function Remove-NetIPAddress {
  [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
  param([Parameter(Position = 0)][string[]]$IPAddress, [uint32[]]$InterfaceIndex, [string[]]$InterfaceAlias,
    [Parameter(ValueFromPipeline)]$InputObject, [string]$AddressFamily, [switch]$PassThru)
  process {
    $s = Read-SimState
    $ips = @($IPAddress)
    $indexes = @($InterfaceIndex)
    if ($null -ne $InputObject) { $ips = @($InputObject.IPAddress); $indexes = @([uint32]$InputObject.InterfaceIndex) }
    $removed = 0
    foreach ($a in @($s.adapters)) {
      if ($indexes.Count -and $null -ne $indexes[0] -and $indexes -notcontains [uint32]$a.ifIndex) { continue }
      if ($InterfaceAlias -and $InterfaceAlias -notcontains $a.name) { continue }
      $keep = @($a.addresses | Where-Object { -not ($ips.Count -and $null -ne $ips[0] -and $ips -contains $_.ip) })
      if ($keep.Count -ne @($a.addresses).Count) {
        $removed += @($a.addresses).Count - $keep.Count
        $a.addresses = $keep
      }
    }
    if ($removed -eq 0) { throw 'Remove-NetIPAddress: No matching MSFT_NetIPAddress objects found' }
    Write-SimState $s "Remove-NetIPAddress $($ips -join ',')"
  }
}

function Get-NetIPInterface {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string[]]$InterfaceAlias, [uint32[]]$InterfaceIndex, [ValidateSet('IPv4', 'IPv6')][string[]]$AddressFamily)
  $s = Read-SimState
  $found = $false
  foreach ($a in @($s.adapters)) {
    if ($InterfaceIndex -and $InterfaceIndex -notcontains [uint32]$a.ifIndex) { continue }
    if ($InterfaceAlias -and -not (@($InterfaceAlias | Where-Object { $a.name -like $_ }).Count)) { continue }
    if ($AddressFamily -and $AddressFamily -notcontains 'IPv4') { continue }
    $found = $true
    ConvertTo-SimNetIPInterface $a
  }
  if (-not $found) { Write-Error -Category ObjectNotFound -Message 'No MSFT_NetIPInterface objects found with the given properties' }
}

function Set-NetIPInterface {
  [CmdletBinding(SupportsShouldProcess)]
  param([Parameter(Position = 0)][string[]]$InterfaceAlias, [uint32[]]$InterfaceIndex, [Parameter(ValueFromPipeline)]$InputObject,
    [ValidateSet('IPv4', 'IPv6')][string]$AddressFamily, [ValidateSet('Enabled', 'Disabled')][string]$WeakHostSend,
    [ValidateSet('Enabled', 'Disabled')][string]$WeakHostReceive, [ValidateSet('Enabled', 'Disabled')][string]$Dhcp,
    [ValidateSet('Enabled', 'Disabled')][string]$Forwarding, [switch]$PassThru)
  process {
    $s = Read-SimState
    $targets = @(Resolve-SimAdapters $s $InterfaceIndex $InterfaceAlias $InputObject 'Set-NetIPInterface')
    if ($targets.Count -eq 0) { throw 'Set-NetIPInterface: No MSFT_NetIPInterface objects found' }
    if ($AddressFamily -eq 'IPv6') { return }
    foreach ($a in $targets) {
      if ($WeakHostSend) { $a.ipv4.weakHostSend = $WeakHostSend }
      if ($WeakHostReceive) { $a.ipv4.weakHostReceive = $WeakHostReceive }
      if ($Forwarding) { $a.ipv4.forwarding = $Forwarding }
      if ($Dhcp) {
        $a.ipv4.dhcp = $Dhcp
        if ($Dhcp -eq 'Disabled') { $a.addresses = @($a.addresses | Where-Object { $_.prefixOrigin -notin 'Dhcp', 'WellKnown' }) }
      }
    }
    $what = (@('WeakHostSend', 'WeakHostReceive', 'Dhcp', 'Forwarding') | Where-Object { $PSBoundParameters.ContainsKey($_) } | ForEach-Object { "$_=$($PSBoundParameters[$_])" }) -join ' '
    Write-SimState $s "Set-NetIPInterface $(($targets | ForEach-Object { $_.ifIndex }) -join ',') $what"
    if ($PassThru) { $targets | ForEach-Object { ConvertTo-SimNetIPInterface $_ } }
  }
}

function Get-LvsSimState {
  # Test helper (not a Windows cmdlet): the raw sim state.
  Read-SimState
}

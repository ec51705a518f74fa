# SIMULATION: NetSecurity firewall cmdlets over the sim state (dot-sourced by LvsPlayWindowsSim.psm1).

function ConvertTo-SimFirewallRule($r) {
  [pscustomobject]@{
    PSTypeName = 'LvsPlaySim.NetFirewallRule'
    Name = $r.name; InstanceID = $r.name; DisplayName = $r.displayName; Group = $r.group; DisplayGroup = $r.group
    Enabled = $r.enabled; Direction = $r.direction; Action = $r.action; Profile = $r.profile
  }
}

function Find-SimFirewallRules([hashtable]$State, [string[]]$Name, [string[]]$DisplayName, [string[]]$Group) {
  @($State.firewallRules) | Where-Object {
    $r = $_
    (-not $Name -or @($Name | Where-Object { $r.name -like $_ }).Count) -and
    (-not $DisplayName -or @($DisplayName | Where-Object { $r.displayName -like $_ }).Count) -and
    (-not $Group -or @($Group | Where-Object { $r.group -like $_ }).Count)
  }
}

function Get-NetFirewallRule {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string[]]$Name, [string[]]$DisplayName, [string[]]$Group)
  $s = Read-SimState
  $rules = @(Find-SimFirewallRules $s $Name $DisplayName $Group)
  if ($rules.Count -eq 0 -and ($Name -or $DisplayName)) {
    Write-Error -Category ObjectNotFound -Message "No MSFT_NetFirewallRule objects found with property 'InstanceID' equal to '$Name'.  Verify the value of the property and retry."
  }
  foreach ($r in $rules) { ConvertTo-SimFirewallRule $r }
}

function ConvertTo-SimList($Value, [string]$Default) {
  $v = @($Value | Where-Object { $null -ne $_ -and "$_" -ne '' } | ForEach-Object { "$_" })
  if ($v.Count -eq 0) { return @($Default) }
  return $v
}

function New-NetFirewallRule {
  [CmdletBinding()]
  param([string]$Name, [Parameter(Mandatory)][string]$DisplayName, [string]$Group = '', [string]$Description = '',
    [ValidateSet('Inbound', 'Outbound')][string]$Direction = 'Inbound', [ValidateSet('Allow', 'Block')][string]$Action = 'Allow',
    [string]$Protocol = 'Any', [string[]]$LocalPort, [string[]]$LocalAddress, [string[]]$RemoteAddress,
    [ValidateSet('True', 'False')][string]$Enabled = 'True', [string]$Profile = 'Any')
  $s = Read-SimState
  if (-not $Name) { $Name = [guid]::NewGuid().ToString('B') }
  if (@(Find-SimFirewallRules $s @([WildcardPattern]::Escape($Name)) $null $null).Count) {
    throw "New-NetFirewallRule: Cannot create a file when that file already exists. (rule '$Name')"
  }
  foreach ($ip in @($LocalAddress)) { if ($ip -and $ip -ne 'Any' -and -not (Test-SimIPv4 $ip)) { throw "New-NetFirewallRule: The address is invalid: $ip" } }
  if ($LocalPort -and $Protocol -notin 'TCP', 'UDP', '6', '17') { throw 'New-NetFirewallRule: The port filter requires TCP or UDP' }
  $rule = @{
    name = $Name; displayName = $DisplayName; group = $Group; description = $Description; direction = $Direction; action = $Action
    protocol = $Protocol.ToUpperInvariant(); localPort = @(ConvertTo-SimList $LocalPort 'Any'); localAddress = @(ConvertTo-SimList $LocalAddress 'Any')
    remoteAddress = @(ConvertTo-SimList $RemoteAddress 'Any'); enabled = $Enabled; profile = $Profile
  }
  $s.firewallRules = @($s.firewallRules) + @($rule)
  Write-SimState $s "New-NetFirewallRule '$Name' $Protocol $($rule.localAddress -join ',') : $($rule.localPort -join ',')"
  ConvertTo-SimFirewallRule $rule
}

function Set-NetFirewallRule {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string[]]$Name, [string[]]$DisplayName, [Parameter(ValueFromPipeline)]$InputObject,
    [string]$NewDisplayName, [ValidateSet('Inbound', 'Outbound')][string]$Direction, [ValidateSet('Allow', 'Block')][string]$Action,
    [string]$Protocol, [string[]]$LocalPort, [string[]]$LocalAddress, [string[]]$RemoteAddress, [ValidateSet('True', 'False')][string]$Enabled,
    [string]$Profile)
  process {
    $s = Read-SimState
    if ($null -ne $InputObject) { $Name = @([WildcardPattern]::Escape($InputObject.Name)) }
    $rules = @(Find-SimFirewallRules $s $Name $DisplayName $null)
    if ($rules.Count -eq 0) { throw "Set-NetFirewallRule: No MSFT_NetFirewallRule objects found with property 'InstanceID' equal to '$Name'." }
    foreach ($r in $rules) {
      if ($NewDisplayName) { $r.displayName = $NewDisplayName }
      if ($Direction) { $r.direction = $Direction }
      if ($Action) { $r.action = $Action }
      if ($Protocol) { $r.protocol = $Protocol.ToUpperInvariant() }
      if ($PSBoundParameters.ContainsKey('LocalPort')) { $r.localPort = @(ConvertTo-SimList $LocalPort 'Any') }
      if ($PSBoundParameters.ContainsKey('LocalAddress')) {
        foreach ($ip in @($LocalAddress)) { if ($ip -and $ip -ne 'Any' -and -not (Test-SimIPv4 $ip)) { throw "Set-NetFirewallRule: The address is invalid: $ip" } }
        $r.localAddress = @(ConvertTo-SimList $LocalAddress 'Any')
      }
      if ($PSBoundParameters.ContainsKey('RemoteAddress')) { $r.remoteAddress = @(ConvertTo-SimList $RemoteAddress 'Any') }
      if ($Enabled) { $r.enabled = $Enabled }
      if ($Profile) { $r.profile = $Profile }
    }
    Write-SimState $s "Set-NetFirewallRule '$($rules[0].name)'"
  }
}

function Remove-NetFirewallRule {
  [CmdletBinding(SupportsShouldProcess)]
  param([Parameter(Position = 0)][string[]]$Name, [string[]]$DisplayName, [string[]]$Group, [Parameter(ValueFromPipeline)]$InputObject)
  process {
    $s = Read-SimState
    if ($null -ne $InputObject) { $Name = @([WildcardPattern]::Escape($InputObject.Name)) }
    $gone = @(Find-SimFirewallRules $s $Name $DisplayName $Group)
    if ($gone.Count -eq 0) { throw "Remove-NetFirewallRule: No MSFT_NetFirewallRule objects found with property 'InstanceID' equal to '$Name'." }
    $s.firewallRules = @($s.firewallRules | Where-Object { $gone -notcontains $_ })
    Write-SimState $s "Remove-NetFirewallRule $(($gone | ForEach-Object { "'$($_.name)'" }) -join ',')"
  }
}

function Get-SimRuleFor($AssociatedNetFirewallRule, [string]$Command) {
  $s = Read-SimState
  $r = @(Find-SimFirewallRules $s @([WildcardPattern]::Escape($AssociatedNetFirewallRule.Name)) $null $null)
  if ($r.Count -eq 0) { throw "${Command}: the associated rule does not exist" }
  return $r[0]
}

function Get-NetFirewallAddressFilter {
  [CmdletBinding()]
  param([Parameter(Mandatory, ValueFromPipeline)]$AssociatedNetFirewallRule)
  process {
    $r = Get-SimRuleFor $AssociatedNetFirewallRule 'Get-NetFirewallAddressFilter'
    $la = @($r.localAddress); $ra = @($r.remoteAddress)
    [pscustomobject]@{ PSTypeName = 'LvsPlaySim.NetFirewallAddressFilter'; InstanceID = $r.name
      LocalAddress = $(if ($la.Count -eq 1) { $la[0] } else { $la }); RemoteAddress = $(if ($ra.Count -eq 1) { $ra[0] } else { $ra }) }
  }
}

function Get-NetFirewallPortFilter {
  [CmdletBinding()]
  param([Parameter(Mandatory, ValueFromPipeline)]$AssociatedNetFirewallRule)
  process {
    $r = Get-SimRuleFor $AssociatedNetFirewallRule 'Get-NetFirewallPortFilter'
    $lp = @($r.localPort)
    [pscustomobject]@{ PSTypeName = 'LvsPlaySim.NetFirewallPortFilter'; InstanceID = $r.name; Protocol = $r.protocol
      LocalPort = $(if ($lp.Count -eq 1) { $lp[0] } else { $lp }); RemotePort = 'Any' }
  }
}

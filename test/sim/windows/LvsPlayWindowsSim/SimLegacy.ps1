# SIMULATION: the tools of a 2008 R2 host — netsh and WMI (dot-sourced by LvsPlayWindowsSim.psm1).
# netsh takes its arguments as argv tokens (like the real netsh.exe), prints text, and sets
# $LASTEXITCODE (0 ok, 1 error).

function Split-SimNetshArgs([string[]]$Tokens, [string[]]$Positional) {
  $named = @{}
  $i = 0
  foreach ($t in $Tokens) {
    $eq = $t.IndexOf('=')
    if ($eq -gt 0) { $named[$t.Substring(0, $eq).ToLowerInvariant()] = $t.Substring($eq + 1) }
    elseif ($i -lt $Positional.Count) { $named[$Positional[$i]] = $t; $i++ }
    else { $named["extra$i"] = $t; $i++ }
  }
  return $named
}

function Find-SimNetshInterface([hashtable]$State, [string]$Key) {
  foreach ($a in @($State.adapters)) {
    if ($Key -match '^\d+$' -and [int]$a.ifIndex -eq [int]$Key) { return $a }
    if ($a.name -eq $Key) { return $a }
  }
  return $null
}

function ConvertTo-SimPrefix([string]$Mask) {
  $bits = 0
  foreach ($o in $Mask.Split('.')) { $bits += ([Convert]::ToString([int]$o, 2).ToCharArray() | Where-Object { $_ -eq '1' }).Count }
  return $bits
}

function ConvertTo-SimMask([int]$Prefix) {
  [uint64]$v = 0
  for ($i = 0; $i -lt $Prefix; $i++) { $v = $v -bor ([uint64]1 -shl (31 - $i)) }
  return (3, 2, 1, 0 | ForEach-Object { ($v -shr (8 * $_)) -band 255 }) -join '.'
}

function Invoke-SimNetshIpv4([hashtable]$State, [string[]]$Rest) {
  $verb = "$($Rest[0]) $($Rest[1])".ToLowerInvariant()
  $tail = @($Rest | Select-Object -Skip 2)
  switch -regex ($verb) {
    '^show interfaces?$' {
      $p = Split-SimNetshArgs $tail @('interface')
      $a = Find-SimNetshInterface $State $p['interface']
      if (-not $a) { return @{ code = 1; out = @('The filename, directory name, or volume label syntax is incorrect.') } }
      $out = @('', "Interface $($a.name) Parameters", '----------------------------------------------',
        "IfLuid                             : ethernet_$($a.ifIndex)", "IfIndex                            : $($a.ifIndex)",
        'State                              : connected', 'Metric                             : 25',
        "DHCP/Static IP coexistence         : disabled",
        "Weak Host Sends                    : $($a.ipv4.weakHostSend.ToLowerInvariant())",
        "Weak Host Receives                 : $($a.ipv4.weakHostReceive.ToLowerInvariant())", '')
      return @{ code = 0; out = $out }
    }
    '^set interface$' {
      $p = Split-SimNetshArgs $tail @('interface')
      $a = Find-SimNetshInterface $State $p['interface']
      if (-not $a) { return @{ code = 1; out = @('Element not found.') } }
      foreach ($k in 'weakhostsend', 'weakhostreceive') {
        if ($p.ContainsKey($k)) {
          if ($p[$k] -notin 'enabled', 'disabled') { return @{ code = 1; out = @("The parameter is incorrect. ($k)") } }
          $v = (Get-Culture).TextInfo.ToTitleCase($p[$k].ToLowerInvariant())
          if ($k -eq 'weakhostsend') { $a.ipv4.weakHostSend = $v } else { $a.ipv4.weakHostReceive = $v }
        }
      }
      Write-SimState $State "netsh interface ipv4 set interface $($a.ifIndex) $((@($tail | Select-Object -Skip 1)) -join ' ')"
      return @{ code = 0; out = @('Ok.') }
    }
    '^show (addresses|address|config)$' {
      $p = Split-SimNetshArgs $tail @('name')
      $a = Find-SimNetshInterface $State $p['name']
      if (-not $a) { return @{ code = 1; out = @('The filename, directory name, or volume label syntax is incorrect.') } }
      $out = @('', "Configuration for interface `"$($a.name)`"", "    DHCP enabled:                         $(if ($a.ipv4.dhcp -eq 'Enabled') { 'Yes' } else { 'No' })")
      foreach ($ip in @($a.addresses)) {
        $out += "    IP Address:                           $($ip.ip)"
        $out += "    Subnet Prefix:                        $($ip.ip)/$($ip.prefixLength) (mask $(ConvertTo-SimMask $ip.prefixLength))"
      }
      $out += '    InterfaceMetric:                      25', ''
      return @{ code = 0; out = $out }
    }
    '^(add|set|delete) address$' {
      $op = $Rest[0].ToLowerInvariant()
      $p = Split-SimNetshArgs $tail @('name', 'source', 'address', 'mask')
      if ($op -ne 'set') { $p = Split-SimNetshArgs $tail @('name', 'address', 'mask') }
      $a = Find-SimNetshInterface $State $p['name']
      if (-not $a) { return @{ code = 1; out = @('The filename, directory name, or volume label syntax is incorrect.') } }
      if ($op -eq 'set' -and $p['source'] -eq 'dhcp') {
        $a.ipv4.dhcp = 'Enabled'; $a.addresses = @()
        Write-SimState $State "netsh interface ipv4 set address $($a.ifIndex) dhcp"
        return @{ code = 0; out = @('Ok.') }
      }
      $ip = $p['address']
      if (-not $ip -or -not (Test-SimIPv4 $ip)) { return @{ code = 1; out = @("The parameter is incorrect. (address=$ip)") } }
      if ($op -eq 'delete') {
        $keep = @($a.addresses | Where-Object { $_.ip -ne $ip })
        if ($keep.Count -eq @($a.addresses).Count) { return @{ code = 1; out = @('Element not found.') } }
        $a.addresses = $keep
        Write-SimState $State "netsh interface ipv4 delete address $($a.ifIndex) $ip"
        return @{ code = 0; out = @('Ok.') }
      }
      $prefix = if ($p['mask']) { ConvertTo-SimPrefix $p['mask'] } else { 32 }
      $entry = @{ ip = $ip; prefixLength = $prefix; skipAsSource = $false; prefixOrigin = 'Manual' }
      if ($op -eq 'set') {
        $a.ipv4.dhcp = 'Disabled'; $a.addresses = @($entry)
      } else {
        if ($a.ipv4.dhcp -eq 'Enabled') { return @{ code = 1; out = @('DHCP is enabled on this interface.') } }
        foreach ($o in @($State.adapters)) { if (@($o.addresses | Where-Object { $_.ip -eq $ip }).Count) { return @{ code = 1; out = @('The object already exists.') } } }
        $a.addresses = @($a.addresses) + @($entry)
      }
      Write-SimState $State "netsh interface ipv4 $op address $($a.ifIndex) $ip/$prefix"
      return @{ code = 0; out = @('Ok.') }
    }
  }
  return @{ code = 1; out = @("The following command was not found: interface ipv4 $($Rest -join ' ').") }
}

function Invoke-SimNetshFirewall([hashtable]$State, [string[]]$Rest) {
  $verb = "$($Rest[0]) $($Rest[1])".ToLowerInvariant()
  $p = Split-SimNetshArgs @($Rest | Select-Object -Skip 2) @()
  $name = $p['name']
  if (-not $name) { return @{ code = 1; out = @('A specified value is not valid. (name)') } }
  $matching = @($State.firewallRules | Where-Object { $_.name -eq $name -or $_.displayName -eq $name })
  switch ($verb) {
    'show rule' {
      if ($matching.Count -eq 0) { return @{ code = 1; out = @('', 'No rules match the specified criteria.') } }
      $out = @('')
      foreach ($r in $matching) {
        $ips = @($r.localAddress | ForEach-Object { if ($_ -eq 'Any') { 'Any' } else { "$_/32" } }) -join ','
        $out += "Rule Name:                            $($r.displayName)", ('-' * 70),
          "Enabled:                              $(if ($r.enabled -eq 'True') { 'Yes' } else { 'No' })",
          "Direction:                            $(if ($r.direction -eq 'Inbound') { 'In' } else { 'Out' })",
          'Profiles:                             Domain,Private,Public', "Grouping:                             $($r.group)",
          "LocalIP:                              $ips", 'RemoteIP:                             Any',
          "Protocol:                             $($r.protocol)", "LocalPort:                            $(@($r.localPort) -join ',')",
          'RemotePort:                           Any', 'Edge traversal:                       No',
          "Action:                               $($r.action)", ''
      }
      return @{ code = 0; out = $out + @('Ok.') }
    }
    'delete rule' {
      if ($matching.Count -eq 0) { return @{ code = 1; out = @('', 'No rules match the specified criteria.') } }
      $State.firewallRules = @($State.firewallRules | Where-Object { $matching -notcontains $_ })
      Write-SimState $State "netsh advfirewall firewall delete rule '$name'"
      return @{ code = 0; out = @('', "Deleted $($matching.Count) rule(s).", 'Ok.') }
    }
    'add rule' {
      foreach ($k in 'dir', 'action') { if (-not $p[$k]) { return @{ code = 1; out = @("A specified value is not valid. ($k)") } } }
      $ips = @(([string]$p['localip']).Split(',') | Where-Object { $_ } | ForEach-Object { $_ -replace '/32$', '' })
      foreach ($ip in $ips) { if ($ip -ne 'any' -and -not (Test-SimIPv4 $ip)) { return @{ code = 1; out = @("A specified IP address or address keyword is not valid. ($ip)") } } }
      $rule = @{
        name = $name; displayName = $name; group = ''; description = ''
        direction = $(if ($p['dir'] -eq 'in') { 'Inbound' } else { 'Outbound' }); action = (Get-Culture).TextInfo.ToTitleCase($p['action'])
        protocol = ([string]$p['protocol']).ToUpperInvariant(); localPort = @(ConvertTo-SimList (([string]$p['localport']).Split(',')) 'Any')
        localAddress = @(ConvertTo-SimList $ips 'Any'); remoteAddress = @('Any'); enabled = $(if ($p['enable'] -eq 'no') { 'False' } else { 'True' }); profile = 'Any'
      }
      $State.firewallRules = @($State.firewallRules) + @($rule)
      Write-SimState $State "netsh advfirewall firewall add rule '$name'"
      return @{ code = 0; out = @('Ok.') }
    }
  }
  return @{ code = 1; out = @("The following command was not found: advfirewall firewall $($Rest -join ' ').") }
}

function netsh {
  # SIMULATION of netsh.exe (subset used by lvs-play): argv tokens in, text out, $LASTEXITCODE set.
  $tokens = @($args | ForEach-Object { [string]$_ })
  $s = Read-SimState
  $ctx = (@($tokens | Select-Object -First 2) -join ' ').ToLowerInvariant()
  if ($ctx -eq 'interface ipv4' -or $ctx -eq 'int ipv4') { $r = Invoke-SimNetshIpv4 $s @($tokens | Select-Object -Skip 2) }
  elseif ($ctx -eq 'advfirewall firewall') { $r = Invoke-SimNetshFirewall $s @($tokens | Select-Object -Skip 2) }
  else { $r = @{ code = 1; out = @("The following command was not found: $($tokens -join ' ').") } }
  $global:LASTEXITCODE = $r.code
  $r.out
}

function Get-WmiObject {
  # SIMULATION of Get-WmiObject for Win32_NetworkAdapter and Win32_NetworkAdapterConfiguration.
  [CmdletBinding()]
  param([Parameter(Mandatory, Position = 0)][Alias('ClassName')][string]$Class, [string]$Filter, [string]$Namespace = 'root\cimv2')
  if ($Filter) { throw 'LvsPlayWindowsSim: -Filter is not simulated; filter with Where-Object' }
  $s = Read-SimState
  foreach ($a in @($s.adapters)) {
    if ($Class -eq 'Win32_NetworkAdapter') {
      $o = [pscustomobject]@{ PSTypeName = 'LvsPlaySim.Win32_NetworkAdapter'; Name = $a.description; Description = $a.description
        NetConnectionID = $a.name; InterfaceIndex = [int]$a.ifIndex; PNPDeviceID = $a.pnpDeviceId; ServiceName = $a.serviceName
        MACAddress = ($a.macAddress -replace '-', ':'); NetEnabled = $true }
      $o | Add-Member -MemberType ScriptMethod -Name Put -Value {
        $st = Read-SimState
        $ad = @($st.adapters | Where-Object { [int]$_.ifIndex -eq $this.InterfaceIndex })[0]
        if ($ad.name -cne $this.NetConnectionID) {
          if (@($st.adapters | Where-Object { $_ -ne $ad -and $_.name -eq $this.NetConnectionID }).Count) { throw 'Exception calling "Put": "The object already exists."' }
          $old = $ad.name; $ad.name = $this.NetConnectionID
          Write-SimState $st "Win32_NetworkAdapter.Put $($ad.ifIndex) '$old' -> '$($ad.name)'"
        }
      }
      $o
    } elseif ($Class -eq 'Win32_NetworkAdapterConfiguration') {
      [pscustomobject]@{ PSTypeName = 'LvsPlaySim.Win32_NetworkAdapterConfiguration'; Description = $a.description; InterfaceIndex = [int]$a.ifIndex
        IPEnabled = $true; DHCPEnabled = ($a.ipv4.dhcp -eq 'Enabled'); IPAddress = @($a.addresses | ForEach-Object { $_.ip })
        IPSubnet = @($a.addresses | ForEach-Object { ConvertTo-SimMask $_.prefixLength }) }
    } else {
      throw "LvsPlayWindowsSim: WMI class $Class is not simulated"
    }
  }
}

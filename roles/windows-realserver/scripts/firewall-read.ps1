# Reads the role's firewall rule(s) named $data.opts.ruleName.
$name = [string]$data.opts.ruleName
$rules = @()
if (Test-LvsModern) {
  foreach ($r in @(Get-NetFirewallRule -Name ([WildcardPattern]::Escape($name)) -ErrorAction SilentlyContinue)) {
    $af = $r | Get-NetFirewallAddressFilter
    $pf = $r | Get-NetFirewallPortFilter
    $rules += @{
      displayName = [string]$r.DisplayName; group = [string]$r.Group; enabled = ([string]$r.Enabled -eq 'True')
      direction = ([string]$r.Direction).ToLowerInvariant(); action = ([string]$r.Action).ToLowerInvariant()
      protocol = ([string]$pf.Protocol).ToUpperInvariant(); localPorts = @($pf.LocalPort | ForEach-Object { [string]$_ })
      localAddresses = @($af.LocalAddress | ForEach-Object { ([string]$_) -replace '/32$', '' })
    }
  }
} else {
  $out = Invoke-LvsNetsh @('advfirewall', 'firewall', 'show', 'rule', ('name=' + $name), 'verbose') -AllowFailure
  $block = $null
  foreach ($l in $out.lines) {
    $i = $l.IndexOf(':')
    if ($i -le 0) { continue }
    $k = $l.Substring(0, $i).Trim(); $v = $l.Substring($i + 1).Trim()
    if ($k -eq 'Rule Name') { if ($null -ne $block) { $rules += $block }; $block = @{ displayName = $v; group = ''; localPorts = @(); localAddresses = @() }; continue }
    if ($null -eq $block) { continue }
    switch ($k) {
      'Enabled' { $block.enabled = ($v -eq 'Yes') }
      'Direction' { $block.direction = $(if ($v -eq 'In') { 'inbound' } else { 'outbound' }) }
      'Action' { $block.action = $v.ToLowerInvariant() }
      'Protocol' { $block.protocol = $v.ToUpperInvariant() }
      'Grouping' { $block.group = $v }
      'LocalPort' { $block.localPorts = @($v.Split(',') | ForEach-Object { $_.Trim() } | Where-Object { $_ }) }
      'LocalIP' { $block.localAddresses = @($v.Split(',') | ForEach-Object { $_.Trim() -replace '/32$', '' } | Where-Object { $_ }) }
    }
  }
  if ($null -ne $block) { $rules += $block }
}
@{ modern = (Test-LvsModern); rules = $rules }

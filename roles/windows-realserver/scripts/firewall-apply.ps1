# Makes exactly one rule named $data.opts.ruleName: inbound, allow, TCP $data.opts.tcpPorts to $data.opts.vips.
$name = [string]$data.opts.ruleName
$ports = @($data.opts.tcpPorts | ForEach-Object { [string]$_ })
$vips = @($data.opts.vips | ForEach-Object { [string]$_ })
if (Test-LvsModern) {
  $existing = @(Get-NetFirewallRule -Name ([WildcardPattern]::Escape($name)) -ErrorAction SilentlyContinue)
  if ($existing.Count -eq 1) {
    Set-NetFirewallRule -Name ([WildcardPattern]::Escape($name)) -Direction Inbound -Action Allow -Protocol TCP -LocalPort $ports -LocalAddress $vips -Enabled True
  } else {
    if ($existing.Count -gt 1) { $existing | Remove-NetFirewallRule }
    $null = New-NetFirewallRule -Name $name -DisplayName $name -Group ([string]$data.opts.ruleGroup) -Direction Inbound -Action Allow `
      -Protocol TCP -LocalPort $ports -LocalAddress $vips -Enabled True -Profile Any
  }
} else {
  $null = Invoke-LvsNetsh @('advfirewall', 'firewall', 'delete', 'rule', ('name=' + $name)) -AllowFailure
  $null = Invoke-LvsNetsh @('advfirewall', 'firewall', 'add', 'rule', ('name=' + $name), 'dir=in', 'action=allow', 'protocol=TCP',
    ('localport=' + ($ports -join ',')), ('localip=' + ($vips -join ',')), 'enable=yes', 'profile=any')
}
@{ name = $name }

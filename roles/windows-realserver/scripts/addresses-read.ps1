# Reads the IPv4 addresses of the loopback adapter (and whether DHCP is on).
$lo = Find-LvsLoopback ([string]$data.opts.loopbackAlias)
if ($null -eq $lo) { return @{ exists = $false; modern = (Test-LvsModern); dhcp = $false; addresses = @() } }
$addresses = @()
if (Test-LvsModern) {
  $if = Get-NetIPInterface -InterfaceIndex $lo.index -AddressFamily IPv4
  $dhcp = ([string]$if.Dhcp -eq 'Enabled')
  foreach ($ip in @(Get-NetIPAddress -InterfaceIndex $lo.index -AddressFamily IPv4 -ErrorAction SilentlyContinue)) {
    $addresses += @{ ip = [string]$ip.IPAddress; prefixLength = [int]$ip.PrefixLength; skipAsSource = [bool]$ip.SkipAsSource }
  }
} else {
  $r = Invoke-LvsNetsh @('interface', 'ipv4', 'show', 'addresses', ('name=' + $lo.index))
  $dhcp = ((Get-LvsNetshField $r.lines 'DHCP enabled') -eq 'Yes')
  foreach ($l in $r.lines) {
    $m = [regex]::Match($l, '^\s*Subnet Prefix:\s*(\d+\.\d+\.\d+\.\d+)/(\d+)')
    if ($m.Success) { $addresses += @{ ip = $m.Groups[1].Value; prefixLength = [int]$m.Groups[2].Value; skipAsSource = $null } }
  }
  # "Subnet Prefix" shows the network; the address itself is on the "IP Address" line before it.
  $ips = @($r.lines | ForEach-Object { [regex]::Match($_, '^\s*IP Address:\s*(\d+\.\d+\.\d+\.\d+)') } | Where-Object { $_.Success } | ForEach-Object { $_.Groups[1].Value })
  for ($i = 0; $i -lt $addresses.Count -and $i -lt $ips.Count; $i++) { $addresses[$i].ip = $ips[$i] }
}
@{ exists = $true; modern = (Test-LvsModern); index = $lo.index; dhcp = $dhcp; addresses = $addresses }

# Applies the loopback's addresses: DHCP off, $data.change.remove removed, $data.change.add added
# with prefix length 32 (and SkipAsSource on 2012+).
$lo = Find-LvsLoopback ([string]$data.opts.loopbackAlias)
if ($null -eq $lo) { throw ("the loopback adapter '" + $data.opts.loopbackAlias + "' does not exist") }
$add = @($data.change.add | Where-Object { $_ })
$remove = @($data.change.remove | Where-Object { $_ })
if (Test-LvsModern) {
  if ($data.change.disableDhcp) { Set-NetIPInterface -InterfaceIndex $lo.index -AddressFamily IPv4 -Dhcp Disabled }
  foreach ($ip in $remove) {
    $found = @(Get-NetIPAddress -InterfaceIndex $lo.index -AddressFamily IPv4 -ErrorAction SilentlyContinue | Where-Object { $_.IPAddress -eq $ip })
    if ($found.Count -gt 0) { Remove-NetIPAddress -InterfaceIndex $lo.index -IPAddress ([string]$ip) -Confirm:$false }
  }
  foreach ($ip in $add) {
    $null = New-NetIPAddress -InterfaceIndex $lo.index -AddressFamily IPv4 -IPAddress ([string]$ip) -PrefixLength 32 -SkipAsSource $true
  }
} else {
  $idx = 'name=' + $lo.index
  $mask = 'mask=255.255.255.255'
  if ($data.change.disableDhcp -and $add.Count -gt 0) {
    # "source=static" turns DHCP off and replaces every address with this one.
    $null = Invoke-LvsNetsh @('interface', 'ipv4', 'set', 'address', $idx, 'source=static', ('address=' + $add[0]), $mask)
    $add = @($add | Select-Object -Skip 1)
  } else {
    foreach ($ip in $remove) { $null = Invoke-LvsNetsh @('interface', 'ipv4', 'delete', 'address', $idx, ('address=' + $ip)) }
  }
  foreach ($ip in $add) { $null = Invoke-LvsNetsh @('interface', 'ipv4', 'add', 'address', $idx, ('address=' + $ip), $mask) }
}
@{ index = $lo.index }

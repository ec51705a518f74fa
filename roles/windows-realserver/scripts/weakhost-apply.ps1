# Enables weak host send and/or receive ($data.change.send / .receive true) on the NIC or the loopback.
if ($data.target -eq 'nic') { $a = Find-LvsNic $data.opts ([string]$data.nic) } else { $a = Find-LvsLoopback ([string]$data.opts.loopbackAlias) }
if ($null -eq $a) { throw ("the loopback adapter '" + $data.opts.loopbackAlias + "' does not exist") }
if (Test-LvsModern) {
  $p = @{ InterfaceIndex = $a.index; AddressFamily = 'IPv4' }
  if ($data.change.send) { $p.WeakHostSend = 'Enabled' }
  if ($data.change.receive) { $p.WeakHostReceive = 'Enabled' }
  Set-NetIPInterface @p
} else {
  $argv = @('interface', 'ipv4', 'set', 'interface', ('interface=' + $a.index))
  if ($data.change.send) { $argv += 'weakhostsend=enabled' }
  if ($data.change.receive) { $argv += 'weakhostreceive=enabled' }
  $null = Invoke-LvsNetsh $argv
}
@{ index = $a.index }

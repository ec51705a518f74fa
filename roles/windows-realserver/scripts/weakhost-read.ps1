# Reads the weak host send/receive flags of the NIC ($data.target = 'nic'; $data.nic: its alias, or null for the one holding the host address) or the loopback ('loopback').
if ($data.target -eq 'nic') { $a = Find-LvsNic $data.opts ([string]$data.nic) } else { $a = Find-LvsLoopback ([string]$data.opts.loopbackAlias) }
if ($null -eq $a) { return @{ exists = $false; modern = (Test-LvsModern) } }
if (Test-LvsModern) {
  $if = Get-NetIPInterface -InterfaceIndex $a.index -AddressFamily IPv4
  $send = ([string]$if.WeakHostSend).ToLowerInvariant()
  $receive = ([string]$if.WeakHostReceive).ToLowerInvariant()
} else {
  $r = Invoke-LvsNetsh @('interface', 'ipv4', 'show', 'interfaces', ('interface=' + $a.index))
  $send = ([string](Get-LvsNetshField $r.lines 'Weak Host Sends')).ToLowerInvariant()
  $receive = ([string](Get-LvsNetshField $r.lines 'Weak Host Receives')).ToLowerInvariant()
}
@{ exists = $true; modern = (Test-LvsModern); index = $a.index; name = $a.name; send = $send; receive = $receive }

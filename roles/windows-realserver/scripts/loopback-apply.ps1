# Applies: installs a loopback adapter (SetupAPI) when none is free, then gives it the alias.
# $data.change: @{ action = 'install' } or @{ action = 'rename'; index = N }
$alias = [string]$data.opts.loopbackAlias
$index = $null
if ($data.change.action -eq 'install') {
  $before = @(Get-LvsAdapters | ForEach-Object { $_.index })
  $instance = Install-LvsLoopbackAdapter
  $deadline = (Get-Date).AddSeconds(60)
  while ($null -eq $index) {
    foreach ($a in @(Get-LvsAdapters)) {
      if ((Test-LvsLoopbackAdapter $a) -and (($instance -and $a.pnp -eq $instance) -or ($before -notcontains $a.index))) { $index = $a.index }
    }
    if ($null -eq $index) {
      if ((Get-Date) -gt $deadline) { throw ('the new loopback adapter ' + $instance + ' did not appear within 60 s') }
      Start-Sleep -Milliseconds 500
    }
  }
} elseif ($data.change.action -eq 'rename') {
  $index = [int]$data.change.index
} else {
  throw ('unknown change: ' + $data.change.action)
}
if (Test-LvsModern) {
  $adapter = Get-NetAdapter -InterfaceIndex $index
  if ($adapter.Name -ne $alias) { $adapter | Rename-NetAdapter -NewName $alias }
} else {
  $adapter = @(Get-WmiObject -Class Win32_NetworkAdapter | Where-Object { [int]$_.InterfaceIndex -eq $index })[0]
  if ($null -eq $adapter) { throw ('no network adapter with interface index ' + $index) }
  if ($adapter.NetConnectionID -ne $alias) { $adapter.NetConnectionID = $alias; $null = $adapter.Put() }
}
@{ index = $index; name = $alias }

# Reads: does the loopback adapter named $data.opts.loopbackAlias exist; which loopback adapters exist.
$alias = [string]$data.opts.loopbackAlias
$named = Find-LvsLoopback $alias
$loopbacks = @(Get-LvsAdapters | Where-Object { Test-LvsLoopbackAdapter $_ } | ForEach-Object { @{ index = $_.index; name = $_.name; description = $_.description } })
$namedOut = $null
if ($null -ne $named) { $namedOut = @{ index = $named.index; name = $named.name; description = $named.description } }
@{ modern = (Test-LvsModern); named = $namedOut; loopbacks = $loopbacks }

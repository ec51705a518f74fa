@{
  # SIMULATION of Windows networking cmdlets for lvs-play tests on Linux. Not Windows.
  RootModule        = 'LvsPlayWindowsSim.psm1'
  ModuleVersion     = '0.1.0'
  GUID              = '5d0c8f2e-4b7a-4d6e-9a51-6c1f3e2b7a90'
  Author            = 'lvs-play'
  Description       = 'lvs-play SIMULATION of the Windows network stack (NetAdapter, NetTCPIP, NetSecurity, netsh, WMI) over a JSON state file'
  PowerShellVersion = '7.0'
  FunctionsToExport = @(
    'Get-NetAdapter', 'Rename-NetAdapter',
    'Get-NetIPAddress', 'New-NetIPAddress', 'Remove-NetIPAddress', 'Get-NetIPInterface', 'Set-NetIPInterface',
    'Get-NetFirewallRule', 'New-NetFirewallRule', 'Set-NetFirewallRule', 'Remove-NetFirewallRule',
    'Get-NetFirewallAddressFilter', 'Get-NetFirewallPortFilter',
    'netsh', 'Get-WmiObject', 'Get-LvsSimState'
  )
  CmdletsToExport   = @()
  AliasesToExport   = @()
  VariablesToExport = @()
}

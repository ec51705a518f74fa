# SIMULATION: the SetupAPI seam (dot-sourced by LvsPlayWindowsSim.psm1).
#
# The role's Install-LvsLoopbackAdapter compiles the .NET type [LvsPlay.LoopbackDevice]
# (SetupDiCreateDeviceInfo + DIF_REGISTERDEVICE + UpdateDriverForPlugAndPlayDevices) ONLY when no
# type of that name is loaded yet, then calls [LvsPlay.LoopbackDevice]::Install(infPath, hardwareId)
# and expects the new device's instance id back. This module loads its own type of that name
# first, whose Install creates a loopback adapter in the sim state. The role's script is unchanged.

if (-not ('LvsPlay.LoopbackDevice' -as [type])) {
  Add-Type -TypeDefinition @'
namespace LvsPlay {
  public static class LoopbackDevice {
    // SIMULATION (LvsPlayWindowsSim): set by the module; the real type calls SetupAPI instead.
    public static System.Func<string, string, string> Handler;
    public static readonly bool IsSimulation = true;
    public static string Install(string infPath, string hardwareId) {
      if (Handler == null) throw new System.InvalidOperationException("LvsPlayWindowsSim: no handler");
      return Handler(infPath, hardwareId);
    }
  }
}
'@
}

function New-SimLoopbackDevice([string]$InfPath, [string]$HardwareId) {
  if ([System.IO.Path]::GetFileName(($InfPath -replace '\\', '/')) -ne 'netloop.inf' -or -not (Test-Path -LiteralPath $InfPath)) {
    throw "SetupDiGetINFClass failed: The system cannot find the file specified. ($InfPath)"
  }
  if ($HardwareId -ne '*MSLOOP') { throw "UpdateDriverForPlugAndPlayDevices failed: no driver for $HardwareId in netloop.inf" }
  $s = Read-SimState
  $idx = [int]$s.nextIfIndex
  if ($idx -le 0) { $idx = 1 + (@($s.adapters | ForEach-Object { [int]$_.ifIndex }) | Measure-Object -Maximum).Maximum }
  $s.nextIfIndex = $idx + 1
  $n = 1 + @($s.adapters | Where-Object { $_.componentId -eq '*MSLOOP' }).Count
  $instance = 'ROOT\NET\{0:D4}' -f ($n - 1)
  $legacy = [bool]$s.legacy
  $base = if ($legacy) { 'Local Area Connection' } else { 'Ethernet' }
  $k = 2
  while (@($s.adapters | Where-Object { $_.name -eq "$base $k" }).Count) { $k++ }
  $s.adapters = @($s.adapters) + @(@{
      ifIndex = $idx; name = "$base $k"; componentId = '*MSLOOP'; pnpDeviceId = $instance; status = 'Up'
      description = $(if ($legacy) { 'Microsoft Loopback Adapter' } else { 'Microsoft KM-TEST Loopback Adapter' })
      serviceName = $(if ($legacy) { 'msloop' } else { 'kmloop' })
      macAddress = ('02-00-4C-4F-4F-{0:X2}' -f ($n % 256))
      ipv4 = @{ dhcp = 'Enabled'; weakHostSend = 'Disabled'; weakHostReceive = 'Disabled'; forwarding = 'Disabled' }
      addresses = @(@{ ip = "169.254.$(10 + $n).$(20 + $idx % 200)"; prefixLength = 16; skipAsSource = $false; prefixOrigin = 'WellKnown' })
    })
  Write-SimState $s "SetupAPI: installed $HardwareId from $InfPath as $instance (ifIndex $idx)"
  return $instance
}

[LvsPlay.LoopbackDevice]::Handler = [System.Func[string, string, string]] { param($inf, $hw) New-SimLoopbackDevice $inf $hw }

# %WinDir% of the simulated host: <state dir>/Windows, with Inf\netloop.inf in it.
if (-not $env:windir) {
  $simWindows = Join-Path (Split-Path -Parent (Get-SimStatePath)) 'Windows'
  $null = New-Item -ItemType Directory -Force -Path (Join-Path $simWindows 'Inf')
  $inf = Join-Path (Join-Path $simWindows 'Inf') 'netloop.inf'
  if (-not (Test-Path -LiteralPath $inf)) { Set-Content -LiteralPath $inf -Value '; SIMULATION of %WinDir%\Inf\netloop.inf (LvsPlayWindowsSim)' }
  $env:windir = $simWindows
}

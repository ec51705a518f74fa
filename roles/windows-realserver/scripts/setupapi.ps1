# Install-LvsLoopbackAdapter: adds a Microsoft loopback adapter without devcon, through SetupAPI:
# SetupDiCreateDeviceInfo + DIF_REGISTERDEVICE, then UpdateDriverForPlugAndPlayDevices on
# %WinDir%\Inf\netloop.inf with hardware id *MSLOOP. Returns the new device's instance id.
# The C# type is compiled only when no type named LvsPlay.LoopbackDevice is loaded yet (a test
# simulation may provide one with the same Install method). C# 5: Windows PowerShell's compiler.
function Install-LvsLoopbackAdapter {
  $inf = Join-Path $env:windir 'Inf\netloop.inf'
  if (-not (Test-Path -LiteralPath $inf)) { throw ('netloop.inf not found at ' + $inf) }
  if (-not ('LvsPlay.LoopbackDevice' -as [type])) {
    Add-Type -TypeDefinition @'
using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;

namespace LvsPlay {
  public static class LoopbackDevice {
    const int DIF_REGISTERDEVICE = 0x19;
    const int DIF_REMOVE = 0x05;
    const int DICD_GENERATE_ID = 0x1;
    const int SPDRP_HARDWAREID = 0x1;
    const int INSTALLFLAG_FORCE = 0x1;

    [StructLayout(LayoutKind.Sequential)]
    struct SP_DEVINFO_DATA { public int cbSize; public Guid ClassGuid; public int DevInst; public IntPtr Reserved; }

    [DllImport("setupapi.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    static extern bool SetupDiGetINFClass(string infName, out Guid classGuid, StringBuilder className, int classNameSize, out int requiredSize);
    [DllImport("setupapi.dll", SetLastError = true)]
    static extern IntPtr SetupDiCreateDeviceInfoList(ref Guid classGuid, IntPtr hwndParent);
    [DllImport("setupapi.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    static extern bool SetupDiCreateDeviceInfo(IntPtr set, string deviceName, ref Guid classGuid, string description, IntPtr hwndParent, int flags, ref SP_DEVINFO_DATA data);
    [DllImport("setupapi.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    static extern bool SetupDiSetDeviceRegistryProperty(IntPtr set, ref SP_DEVINFO_DATA data, int property, byte[] buffer, int size);
    [DllImport("setupapi.dll", SetLastError = true)]
    static extern bool SetupDiCallClassInstaller(int installFunction, IntPtr set, ref SP_DEVINFO_DATA data);
    [DllImport("setupapi.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    static extern bool SetupDiGetDeviceInstanceId(IntPtr set, ref SP_DEVINFO_DATA data, StringBuilder id, int size, out int requiredSize);
    [DllImport("setupapi.dll", SetLastError = true)]
    static extern bool SetupDiDestroyDeviceInfoList(IntPtr set);
    [DllImport("newdev.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    static extern bool UpdateDriverForPlugAndPlayDevices(IntPtr hwndParent, string hardwareId, string infPath, int flags, out bool rebootRequired);

    static Exception Fail(string what) {
      int code = Marshal.GetLastWin32Error();
      return new Win32Exception(code, what + " failed: " + new Win32Exception(code).Message);
    }

    public static string Install(string infPath, string hardwareId) {
      Guid classGuid;
      StringBuilder className = new StringBuilder(256);
      int required;
      if (!SetupDiGetINFClass(infPath, out classGuid, className, className.Capacity, out required)) throw Fail("SetupDiGetINFClass");
      IntPtr set = SetupDiCreateDeviceInfoList(ref classGuid, IntPtr.Zero);
      if (set == new IntPtr(-1)) throw Fail("SetupDiCreateDeviceInfoList");
      try {
        SP_DEVINFO_DATA data = new SP_DEVINFO_DATA();
        data.cbSize = Marshal.SizeOf(typeof(SP_DEVINFO_DATA));
        if (!SetupDiCreateDeviceInfo(set, className.ToString(), ref classGuid, null, IntPtr.Zero, DICD_GENERATE_ID, ref data)) throw Fail("SetupDiCreateDeviceInfo");
        byte[] ids = Encoding.Unicode.GetBytes(hardwareId + "\0\0");
        if (!SetupDiSetDeviceRegistryProperty(set, ref data, SPDRP_HARDWAREID, ids, ids.Length)) throw Fail("SetupDiSetDeviceRegistryProperty");
        if (!SetupDiCallClassInstaller(DIF_REGISTERDEVICE, set, ref data)) throw Fail("SetupDiCallClassInstaller(DIF_REGISTERDEVICE)");
        StringBuilder id = new StringBuilder(512);
        if (!SetupDiGetDeviceInstanceId(set, ref data, id, id.Capacity, out required)) id.Length = 0;
        bool reboot;
        if (!UpdateDriverForPlugAndPlayDevices(IntPtr.Zero, hardwareId, infPath, INSTALLFLAG_FORCE, out reboot)) {
          Exception e = Fail("UpdateDriverForPlugAndPlayDevices");
          SetupDiCallClassInstaller(DIF_REMOVE, set, ref data);
          throw e;
        }
        return id.ToString();
      } finally {
        SetupDiDestroyDeviceInfoList(set);
      }
    }
  }
}
'@
  }
  $type = 'LvsPlay.LoopbackDevice' -as [type]
  return [string]$type::Install($inf, '*MSLOOP')
}

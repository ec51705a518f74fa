/**
 * The one read of each host for `lvs-play status`: a director script, a Linux real-server script
 * and a Windows real-server script. Read-only by construction: they only print (no temp files, no
 * signals, no module loading: ipvsadm runs only when /proc/net/ip_vs exists, so it never loads
 * ip_vs itself); test/lab/operate.test.ts checks on the hosts that nothing was written.
 * Output: sections, each after a `@@NAME` line.
 */
import { DRAINED_DIR, drainedListCommand } from '../site/drained.js';
import { KEEPALIVED_CONF } from '../site/members.js';
import { raw, sh } from '../shell/quote.js';
import { CONN_STATES_PIPE } from './sync.js';
import { ps } from '../shell/powershell.js';
import type { PsScript, ShellCommand } from '../types.js';


export function directorScript(o: { conf?: string; drainedDir?: string } = {}): ShellCommand {
  return sh`conf=${o.conf ?? KEEPALIVED_CONF}
echo @@pid
pid=$(cat /run/keepalived.pid 2>/dev/null)
case "$pid" in ''|*[!0-9]*) pid='' ;; esac
if [ -z "$pid" ] || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != keepalived ]; then pid=$(pgrep -o -x keepalived 2>/dev/null); fi
echo "$pid"
echo @@version
if [ -n "$pid" ]; then exe=$(readlink "/proc/$pid/exe" 2>/dev/null | sed 's/ (deleted)$//'); [ -x "$exe" ] && "$exe" --version 2>&1 </dev/null | head -n1; fi
echo @@conf
[ -r "$conf" ] && sed -e 's/[#!].*//' -e '/auth_pass/d' "$conf"
echo @@addr
ip -o addr show
echo @@link
ip -o link show
echo @@ipvs
if [ ! -e /proc/net/ip_vs ]; then echo 'no IPVS in this kernel (ip_vs is not loaded)'
elif ! command -v ipvsadm >/dev/null 2>&1; then echo 'ipvsadm is not installed'
else echo ok
echo @@list
ipvsadm -L -n --exact 2>&1
echo @@stats
ipvsadm -L -n --stats --exact 2>&1
echo @@rate
ipvsadm -L -n --rate --exact 2>&1
echo @@syncd
ipvsadm -L --daemon 2>&1
echo @@conns
ipvsadm -L -n -c 2>/dev/null | ${raw(CONN_STATES_PIPE)}
fi
echo @@drained
${raw(drainedListCommand(o.drainedDir ?? DRAINED_DIR))}
echo @@end
`;
}

export function linuxRealServerScript(): ShellCommand {
  return sh`echo @@addr
ip -o addr show
echo @@sysctl
for f in /proc/sys/net/ipv4/conf/*/arp_ignore /proc/sys/net/ipv4/conf/*/arp_announce; do printf '%s %s\\n' "$f" "$(cat "$f" 2>/dev/null)"; done
echo @@listen
ss -H -l -t -n 2>/dev/null
echo @@end
`;
}

/**
 * Windows (2012+ cmdlets): the loopback adapter and its addresses, weak host send/receive of the
 * loopback and of the NIC holding the host's address ($data.address), listening TCP ports.
 * Each part degrades to $null when its cmdlet is missing (e.g. 2008 R2).
 */
export const windowsRealServerScript: PsScript = ps`
$out = @{ modern = [bool](Get-Command Set-NetIPInterface -ErrorAction SilentlyContinue); loopback = $null; nic = $null; listening = $null }
if ($out.modern) {
  $adapters = @(Get-NetAdapter -IncludeHidden -ErrorAction SilentlyContinue)
  $lo = $adapters | Where-Object { $_.ComponentID -like '*msloop' -or $_.DriverDescription -like '*Loopback Adapter*' -or $_.InterfaceDescription -like '*Loopback Adapter*' } | Select-Object -First 1
  $nicIp = Get-NetIPAddress -AddressFamily IPv4 -ErrorAction SilentlyContinue | Where-Object { $_.IPAddress -eq [string]$data.address } | Select-Object -First 1
  foreach ($pair in @(@('loopback', $(if ($lo) { $lo.ifIndex } else { $null })), @('nic', $(if ($nicIp) { $nicIp.InterfaceIndex } else { $null })))) {
    $idx = $pair[1]
    if ($null -eq $idx) { continue }
    $if = Get-NetIPInterface -InterfaceIndex $idx -AddressFamily IPv4 -ErrorAction SilentlyContinue
    $ips = @(Get-NetIPAddress -InterfaceIndex $idx -AddressFamily IPv4 -ErrorAction SilentlyContinue | ForEach-Object { [string]$_.IPAddress })
    $out[$pair[0]] = @{ index = [int]$idx; addresses = $ips; weakHostSend = ([string]$if.WeakHostSend).ToLowerInvariant(); weakHostReceive = ([string]$if.WeakHostReceive).ToLowerInvariant() }
  }
  if (Get-Command Get-NetTCPConnection -ErrorAction SilentlyContinue) {
    $out.listening = @(Get-NetTCPConnection -State Listen -ErrorAction SilentlyContinue | ForEach-Object { ([string]$_.LocalAddress) + ' ' + ([string]$_.LocalPort) })
  }
}
$out
`;

/** Splits `@@NAME` sections. */
export function sections(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | null = null;
  let buf: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^@@(\w+)$/.exec(line);
    if (m) {
      if (name) out.set(name, buf.join('\n'));
      name = m[1]!;
      buf = [];
    } else buf.push(line);
  }
  if (name && name !== 'end') out.set(name, buf.join('\n'));
  return out;
}

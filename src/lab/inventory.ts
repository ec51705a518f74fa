/**
 * The lab as an inventory (`-i lab`): groups and hosts from lab/topology.json and the extra real
 * servers of `lab up --realservers N` (in linux_realservers, with weights), keys from labDir().
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GroupSpec, HostSpec, InventorySpec, PsrpSshConnection, SshConnection, Vars, WinRmConnection } from '../types.js';
import { secret } from '../inventory/secret.js';
import { labDir, paths } from './paths.js';
import { KEEPALIVED_TARBALL, sourcesDir } from './sources.js';
import { labHosts, loadTopology } from './topology.js';
import { extraHosts } from './extras.js';
import { labBastion } from './bastion.js';

/** The built-in lab's inventory spec (`-i lab` when the working directory has no inventory/lab.*). */
export function labInventory(): InventorySpec {
  const topo = loadTopology();
  // behind `lab up --bastion` every host is reached through it (its key: the lab's known_hosts)
  const bastion = labBastion();
  const via = bastion ? { sshOptions: { ProxyJump: `root@${bastion.address}` } } : {};
  const ssh: SshConnection = { type: 'ssh', user: 'root', keyFile: paths.key(), knownHosts: paths.knownHosts(), ...via };
  const psrp: PsrpSshConnection = { type: 'psrp-ssh', user: 'root', keyFile: paths.key(), knownHosts: paths.knownHosts(), ...via };
  const groups: Record<string, { hosts: Record<string, HostSpec>; kinds: Set<string> }> = {};
  for (const h of [...labHosts(topo), ...extraHosts()]) {
    for (const g of h.groups) {
      const grp = (groups[g] ??= { hosts: {}, kinds: new Set() });
      const winrm = h.kind === 'powershell' ? labWinRm(h.name) : null;
      grp.hosts[h.name] = { address: h.address, vars: { ...h.vars, ...(runsAsVm(h.name) ? VM_DIRECTOR_VARS : {}) }, ...(winrm ? { connection: winrm } : {}) };
      grp.kinds.add(h.kind);
    }
  }
  const out: Record<string, GroupSpec> = {};
  for (const [name, g] of Object.entries(groups)) {
    const onlyPs = g.kinds.size === 1 && g.kinds.has('powershell');
    out[name] = { hosts: g.hosts, connection: onlyPs ? psrp : ssh };
  }
  return {
    // keepalived_tarball: the upstream tarball `lab up` caches, for the site's source builds
    vars: { ...topo.vars, keepalived_tarball: join(sourcesDir(), KEEPALIVED_TARBALL), ...(topo.network.vip ? { vip: topo.network.vip } : {}) },
    connection: ssh,
    groups: out,
  };
}

/**
 * A Windows lab host is reached over WinRM (HTTP 5985: NTLM with message encryption, as a stock
 * 2008 R2 … 2022 is) when `lab up` gave it an endpoint: its account is LABDIR/NAME-winrm.json.
 * Without one (an older lab), or with LVS_PLAY_LAB_WINDOWS=psrp-ssh, its group's PowerShell over SSH.
 */
function labWinRm(name: string): WinRmConnection | null {
  if (process.env.LVS_PLAY_LAB_WINDOWS === 'psrp-ssh') return null;
  try {
    const a = JSON.parse(readFileSync(join(labDir(), `${name}-winrm.json`), 'utf8')) as { user?: unknown; password?: unknown; http_port?: unknown };
    if (typeof a.user !== 'string' || typeof a.password !== 'string') return null;
    return { type: 'winrm', user: a.user, password: secret.value(a.password), ...(typeof a.http_port === 'number' ? { port: a.http_port } : {}) };
  } catch {
    return null;
  }
}

/**
 * A director replaced by a qemu VM (`lab up --directors vm`) has a real IPVS kernel and systemd:
 * keepalived comes from Debian's package there (building under TCG is slow) and runs in full, and
 * the IPVS sysctls are set, and the directors sync their connections (lvs_sync).
 */
const VM_DIRECTOR_VARS: Vars = { keepalived_install: 'package', keepalived_args: ['-D'], ipvs_tuning: true, lvs_sync: true };

/** Whether the lab VM of this name runs now (its qemu pidfile names a live qemu). Sync, cheap. */
function runsAsVm(name: string): boolean {
  const pidfile = join(labDir(), 'vm', name, 'qemu.pid');
  try {
    const pid = Number.parseInt(readFileSync(pidfile, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 1 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(pidfile);
  } catch {
    return false;
  }
}

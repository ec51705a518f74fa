/** The lab as an inventory (`-i lab`): groups and hosts from lab/topology.json, keys from labDir(). */
import type { GroupSpec, HostSpec, InventorySpec, PsrpSshConnection, SshConnection } from '../types.js';
import { paths } from './paths.js';
import { labHosts, loadTopology } from './topology.js';

export function labInventory(): InventorySpec {
  const topo = loadTopology();
  const ssh: SshConnection = { type: 'ssh', user: 'root', keyFile: paths.key(), knownHosts: paths.knownHosts() };
  const psrp: PsrpSshConnection = { type: 'psrp-ssh', user: 'root', keyFile: paths.key(), knownHosts: paths.knownHosts() };
  const groups: Record<string, { hosts: Record<string, HostSpec>; kinds: Set<string> }> = {};
  for (const h of labHosts(topo)) {
    for (const g of h.groups) {
      const grp = (groups[g] ??= { hosts: {}, kinds: new Set() });
      grp.hosts[h.name] = { address: h.address, vars: { ...h.vars } };
      grp.kinds.add(h.kind);
    }
  }
  const out: Record<string, GroupSpec> = {};
  for (const [name, g] of Object.entries(groups)) {
    const onlyPs = g.kinds.size === 1 && g.kinds.has('powershell');
    out[name] = { hosts: g.hosts, connection: onlyPs ? psrp : ssh };
  }
  return {
    vars: { ...topo.vars, ...(topo.network.vip ? { vip: topo.network.vip } : {}) },
    connection: ssh,
    groups: out,
  };
}

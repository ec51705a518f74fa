/**
 * Rules for the grouping blocks of one director's config: `vrrp_sync_group` (instances that move
 * together) and `virtual_server_group` (a service's addresses), and the virtual servers that name
 * a group. Called by validate.ts's checkConfig; reports through its collector.
 */
import { canonicalIp } from 'lvs-play/kit';
import type { KeepalivedConfig } from './model.js';
import { checkIp, checkPort, type Report } from './validate-fields.js';

/** Each sync group names two or more defined instances; an instance is in one sync group at most. */
export function checkSyncGroups(cfg: KeepalivedConfig, base: string, err: Report): void {
  const instances = new Set(cfg.vrrpInstances.map((i) => i.name));
  const names = new Set<string>();
  const memberOf = new Map<string, string>();
  (cfg.vrrpSyncGroups ?? []).forEach((g, i) => {
    const at = `${base}.vrrpSyncGroups[${i}]`;
    if (names.has(g.name)) err(`${at}.name`, 'duplicate vrrp_sync_group name', g.name, 'give every vrrp_sync_group its own name');
    names.add(g.name);
    if (g.instances.length < 2) err(`${at}.instances`, 'a vrrp_sync_group needs two or more instances', g.instances, 'list the vrrp_instances that must move together, or drop the sync group');
    g.instances.forEach((n, j) => {
      if (!instances.has(n)) err(`${at}.instances[${j}]`, 'vrrp_sync_group names no vrrp_instance', n, `use one of: ${[...instances].join(', ') || '(none defined)'}`);
      const other = memberOf.get(n);
      if (other !== undefined) err(`${at}.instances[${j}]`, `vrrp_instance ${n} is already in vrrp_sync_group ${other}`, n, 'put an instance in one sync group only');
      else memberOf.set(n, g.name);
    });
  });
}

/** Each virtual_server_group has a unique name and valid members; returns the names defined. */
export function checkServerGroups(cfg: KeepalivedConfig, base: string, err: Report): Set<string> {
  const names = new Set<string>();
  (cfg.virtualServerGroups ?? []).forEach((g, i) => {
    const at = `${base}.virtualServerGroups[${i}]`;
    if (names.has(g.name)) err(`${at}.name`, 'duplicate virtual_server_group name', g.name, 'give every virtual_server_group its own name');
    names.add(g.name);
    if (g.members.length === 0) err(`${at}.members`, 'an empty virtual_server_group', g.members, 'list its addresses, e.g. [{ vip: "10.77.0.10", port: 80 }]');
    const seen = new Set<string>();
    g.members.forEach((m, j) => {
      const mat = `${at}.members[${j}]`;
      let key: string | null = null;
      if ('fwmark' in m) {
        if (m.fwmark < 1 || m.fwmark > 0xffffffff) err(`${mat}.fwmark`, 'fwmark out of range', m.fwmark, 'give a mark from 1 to 4294967295');
        else key = `fwmark ${m.fwmark}`;
      } else if (checkIp(m.vip, `${mat}.vip`, 'the virtual IP', err) && checkPort(m.port, `${mat}.port`, err)) key = `${canonicalIp(m.vip)} ${m.port}`;
      if (key !== null && seen.has(key)) err(mat, 'duplicate member of virtual_server_group', key, 'list each address once');
      if (key !== null) seen.add(key);
    });
  });
  return names;
}

/** A `virtual_server group NAME`: no vip, port or fwmark of its own, and the group defined. Returns its key. */
export function checkGroupServer(vs: KeepalivedConfig['virtualServers'][number], at: string, groups: ReadonlySet<string>, err: Report): string | null {
  if (vs.vip !== undefined || vs.port !== undefined || vs.fwmark !== undefined) {
    err(at, 'a virtual server has either group, fwmark, or vip and port', { vip: vs.vip, port: vs.port, fwmark: vs.fwmark, group: vs.group }, 'drop vip/port/fwmark for a group virtual server (the group lists the addresses)');
  }
  if (vs.group !== undefined && !groups.has(vs.group)) {
    err(`${at}.group`, 'virtual_server names no virtual_server_group', vs.group, `define it in virtualServerGroups, or use one of: ${[...groups].join(', ') || '(none defined)'}`);
    return null;
  }
  return `group ${vs.group ?? ''}`;
}

/**
 * Several VIPs, active/active: one VRRP instance per VIP group, each with its own
 * virtual_router_id and MASTER (each director can be MASTER for one group and BACKUP for another),
 * `vrrp_sync_group`s of groups that must move together, and `virtual_server_group`s for a service
 * on every VIP of a group. Pure; site.ts calls these when the site has `vipGroups`.
 */
import { LvsError } from 'lvs-play/kit';
import type { VirtualServer, VirtualServerGroup, VrrpInstance, VrrpSyncGroup } from './model.js';

/** A VIP group of a director site: its own VRRP instance, VIPs, master and router id. */
export interface SiteVipGroup {
  /** The vrrp_instance's name (letters, digits, "_", "-", "."). */
  name: string;
  /** Its VIPs: bare addresses (`/32 dev IFACE` is added) or full virtual_ipaddress entries. */
  vips: readonly string[];
  /** The director that is MASTER for this group; default: the director whose `vrrp.state` is MASTER. */
  master?: string;
  virtualRouterId: number;
}

/** What vip-groups needs of a director: its configured state and priority. */
interface Ranked {
  state: 'MASTER' | 'BACKUP';
  priority: number;
}

/** The group's MASTER: its `master`, else the (first) director configured MASTER. */
export function groupMaster(g: SiteVipGroup, directors: Readonly<Record<string, Ranked>>): string | undefined {
  return g.master ?? Object.keys(directors).sort().find((h) => directors[h]!.state === 'MASTER');
}

/**
 * The priority and state of `host` in a group: the directors' priorities, highest first, are
 * handed out to the group's master first, then to the others in their own order (highest first).
 * Two directors at 150 and 100: the group's master gets 150, the other 100.
 */
export function rankIn(g: SiteVipGroup, host: string, directors: Readonly<Record<string, Ranked>>): Ranked {
  const master = groupMaster(g, directors);
  const byPriority = Object.keys(directors).sort((a, b) => directors[b]!.priority - directors[a]!.priority || (a < b ? -1 : 1));
  const order = [...byPriority.filter((h) => h === master), ...byPriority.filter((h) => h !== master)];
  const i = order.indexOf(host);
  const own = directors[host];
  if (i < 0 || !own) return { state: 'BACKUP', priority: own?.priority ?? 1 };
  return { state: host === master ? 'MASTER' : 'BACKUP', priority: directors[byPriority[i]!]!.priority };
}

/** The instances of `host`: the base instance (interface, auth, advert_int, unicast, notify…) once per group. */
export function vipGroupInstances(
  base: VrrpInstance,
  groups: readonly SiteVipGroup[],
  host: string,
  directors: Readonly<Record<string, Ranked>>,
  vipEntry: (v: string) => string,
): VrrpInstance[] {
  return groups.map((g) => ({ ...base, name: g.name, virtualRouterId: g.virtualRouterId, ...rankIn(g, host, directors), virtualIpAddresses: g.vips.map(vipEntry) }));
}

/** `vrrp_sync_group`s: each names VIP groups (the instances of the same names). */
export function syncGroupsOf(sync: Readonly<Record<string, readonly string[]>> | undefined): VrrpSyncGroup[] {
  return Object.entries(sync ?? {}).map(([name, instances]) => ({ name, instances: [...instances] }));
}

/** The name of the virtual_server_group of a VIP group's service on `port`. */
export const serverGroupName = (group: string, port: number): string => `${group}_${port}`;

/** A service's address part: `fwmark N`, a VIP group's virtual_server_group, or its VIP and port (with the protocol). */
export function serviceAddress(
  s: { port: number; vip?: string; vipGroup?: string; fwmark?: number; protocol?: 'TCP' | 'UDP' },
  firstVip: string,
): Pick<VirtualServer, 'vip' | 'port' | 'group' | 'fwmark' | 'protocol'> {
  if (s.fwmark !== undefined) return { fwmark: s.fwmark };
  const protocol = s.protocol ?? 'TCP';
  return s.vipGroup !== undefined ? { group: serverGroupName(s.vipGroup, s.port), protocol } : { vip: s.vip ?? firstVip, port: s.port, protocol };
}

/** The virtual_server_group of a VIP group's service on `port`: every VIP of the group on that port. */
export function serverGroupOf(g: SiteVipGroup, port: number, bareVip: (v: string) => string): VirtualServerGroup {
  return { name: serverGroupName(g.name, port), members: g.vips.map((v) => ({ vip: bareVip(v), port })) };
}

/**
 * The site's VIP groups checked against the directors before any config is built: unique names,
 * each VIP in one group, a master that is one of the directors, sync groups of known VIP groups
 * with one master (instances that move together must be held by one director).
 */
export function vipGroupErrors(
  groups: readonly SiteVipGroup[],
  sync: Readonly<Record<string, readonly string[]>> | undefined,
  directors: Readonly<Record<string, Ranked>>,
  bareVip: (v: string) => string,
  file: { file?: string },
): LvsError[] {
  const out: LvsError[] = [];
  const bad = (field: string, message: string, value: unknown, fix: string) => out.push(new LvsError('E_VALIDATION', message, { ...file, field, value, fix }));
  const names = new Set<string>();
  const vipOwner = new Map<string, string>();
  groups.forEach((g, i) => {
    if (names.has(g.name)) bad(`vip_groups[${i}].name`, `two VIP groups are named ${g.name}`, g.name, 'give every VIP group its own name (it names its vrrp_instance)');
    names.add(g.name);
    if (g.vips.length === 0) bad(`vip_groups[${i}].vips`, `VIP group ${g.name} has no VIP`, g.vips, 'list its VIPs, e.g. vips: [10.77.0.11]');
    for (const v of g.vips.map(bareVip)) {
      const other = vipOwner.get(v);
      if (other !== undefined && other !== g.name) bad(`vip_groups[${i}].vips`, `the VIP ${v} is in VIP groups ${other} and ${g.name}`, v, 'put each VIP in one group: one vrrp_instance moves it');
      vipOwner.set(v, g.name);
    }
    const master = groupMaster(g, directors);
    if (g.master !== undefined && Object.keys(directors).length > 1 && !(g.master in directors)) {
      bad(`vip_groups[${i}].master`, `VIP group ${g.name}: ${g.master} is not a director`, g.master, `name one of the directors: ${Object.keys(directors).sort().join(', ')}`);
    } else if (master === undefined && Object.keys(directors).length > 1) bad(`vip_groups[${i}].master`, `VIP group ${g.name} has no master`, undefined, 'name the director that holds it (master: lvs1), or give a director vrrp.state MASTER');
  });
  for (const [name, members] of Object.entries(sync ?? {})) {
    const masters = new Set<string>();
    members.forEach((m, j) => {
      const g = groups.find((x) => x.name === m);
      if (!g) bad(`vrrp_sync_groups.${name}[${j}]`, `sync group ${name} names no VIP group ${m}`, m, `use the names of vip_groups: ${[...names].join(', ') || '(none)'}`);
      else masters.add(groupMaster(g, directors) ?? '?');
    });
    if (masters.size > 1) bad(`vrrp_sync_groups.${name}`, `sync group ${name} joins VIP groups with different masters (${[...masters].sort().join(', ')})`, members, 'VIP groups that move together need the same master: set the same master on each, or drop the sync group');
  }
  return out;
}

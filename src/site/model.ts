/**
 * The site of an inventory, read once: which hosts are the directors and the real servers (by the
 * group settings, groups.ts), the real servers' typed weights, the VIPs and the service ports.
 * `lvs-play status`, `drain`/`undrain` and `init --from-ansible` see the site through this, as
 * playbooks/site.ts does through the same per-host reads (members.ts).
 */
import { LvsError } from '../errors.js';
import type { HostView, Inventory } from '../types.js';
import { siteGroupsIn, SITE_GROUPS, type SiteGroups } from './groups.js';
import { configuredVips, keepalivedConfOf, memberOf, portsOf, realServersOf, type SiteMember } from './members.js';

/** The site of an inventory (siteOf). */
export interface Site {
  /** The inventory file, for messages. */
  source: string;
  /** Every host of the inventory. */
  hosts: readonly HostView[];
  /** The group of each part (the settings, or their defaults). */
  groups: SiteGroups;
  /** The hosts of the directors group. */
  directors: readonly HostView[];
  /** The real servers the directors balance (`realserver_groups`, default the Linux and Windows groups). */
  realServers: readonly SiteMember[];
  /** Every VIP the directors and real servers name (`vips` / `vip`), each once. */
  vips: string[];
  /** The service ports (as the first director sees them; default [80]). */
  ports: number[];
  /** Each director's keepalived.conf, by host name (`keepalived_conf`). */
  keepalivedConf: Readonly<Record<string, string>>;
}

/** Reads the site of an inventory; a mistyped setting throws E_INVENTORY naming host and variable. */
export function siteOf(inv: Inventory): Site {
  const byName = new Map(inv.hosts.map((h) => [h.name, h]));
  const group = (g: string): HostView[] => (inv.groups[g] ?? []).map((n) => byName.get(n)).filter((h): h is HostView => !!h);
  const groups = siteGroupsIn(inv.vars ?? {}, inv.source);
  const directors = group(groups.directors);
  const ref = directors[0] ?? inv.hosts[0];
  const realServers = ref ? realServersOf(ref, group) : [];
  const vips = [...new Set([...directors, ...realServers.map((m) => m.host)].flatMap((h) => configuredVips(h) ?? []))];
  const keepalivedConf = Object.fromEntries(directors.map((d) => [d.name, keepalivedConfOf(d)]));
  return { source: inv.source, hosts: inv.hosts, groups, directors, realServers, vips, ports: ref ? portsOf(ref) : [80], keepalivedConf };
}

/** Throws unless the site has directors (status and drain work on them). */
export function requireDirectors(site: Site): void {
  if (site.directors.length > 0) return;
  const setting = SITE_GROUPS.directors.name;
  throw new LvsError('E_VALIDATION', `the inventory has no group "${site.groups.directors}"`, {
    file: site.source,
    fix: `put the keepalived directors in a group named ${site.groups.directors}, or name their group with ${setting} (in the inventory's all vars or -e ${setting}=NAME)`,
  });
}

/**
 * The real server `name`, for drain and undrain: a host of the inventory that is not a director
 * (a host outside the real-server groups is taken as it is, with its own `weight`). The site must
 * have directors.
 */
export function realServerNamed(site: Site, name: string): SiteMember {
  const member = site.realServers.find((m) => m.name === name);
  const h = member?.host ?? site.hosts.find((x) => x.name === name);
  if (!h) {
    throw new LvsError('E_VALIDATION', `no host named ${name} in the inventory`, { file: site.source, fix: `give a real server's inventory name, one of: ${site.hosts.map((x) => x.name).join(', ')}` });
  }
  requireDirectors(site);
  if (site.directors.some((d) => d.name === name)) throw new LvsError('E_VALIDATION', `${name} is a director, not a real server`, { file: site.source, fix: 'drain a real server (a host the directors send traffic to)' });
  return member ?? memberOf(h);
}

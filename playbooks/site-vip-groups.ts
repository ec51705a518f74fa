/**
 * The site's VRRP instances and service addresses: one instance holding every VIP (the seed), or
 * with `vip_groups` one instance per group (active/active), `vrrp_sync_groups` of groups that move
 * together, and a group's VIPs served as one virtual_server_group when it asks for it
 * (docs/site.md "Several VIPs").
 */
import { portsOf, syncGroupsOf, vipGroupsOf, vipsOf, type HostView } from 'lvs-play';
import type { DirectorSite, SiteVipGroup } from 'lvs-play/roles';

/** Where one virtual service listens: a VIP, every VIP of a group (its virtual_server_group), or a firewall mark. */
export type ServiceAddress = { vip: string } | { vipGroup: string } | { fwmark: number };

export interface SiteVips {
  vips: string[];
  /** Present with `vip_groups`. */
  vipGroups?: SiteVipGroup[];
  syncGroups?: Record<string, string[]>;
  /** One virtual service per address and port (one per fwmark: all its ports). */
  addresses: ServiceAddress[];
  /** The firewall's marks for the fwmark services: each VIP and port of the group. */
  marks: { vip: string; port: number; mark: number }[];
}

/** The VIPs as the directors' site needs them; `routerId`: vrrp_router_id (group i defaults to routerId + i). */
export function siteVipsOf(host: HostView, routerId: number): SiteVips {
  const vips = vipsOf(host);
  const groups = vipGroupsOf(host);
  if (!groups) return { vips, addresses: vips.map((vip) => ({ vip })), marks: [] };
  const sync = syncGroupsOf(host);
  return {
    vips,
    vipGroups: groups.map((g, i) => ({ name: g.name, vips: g.vips, virtualRouterId: g.router_id ?? routerId + i, ...(g.master ? { master: g.master } : {}) })),
    ...(sync ? { syncGroups: sync } : {}),
    addresses: groups.flatMap((g): ServiceAddress[] => (g.fwmark !== undefined ? [{ fwmark: g.fwmark }] : g.virtual_server_group ? [{ vipGroup: g.name }] : g.vips.map((vip) => ({ vip })))),
    marks: groups.flatMap((g) => (g.fwmark === undefined ? [] : g.vips.flatMap((vip) => portsOf(host).map((port) => ({ vip, port, mark: g.fwmark! }))))),
  };
}

/** The instance part of the site from those (nothing for the one-instance site: its render stays as it was). */
export function instancesPart(v: SiteVips): Pick<DirectorSite, 'vipGroups' | 'syncGroups'> {
  return { ...(v.vipGroups ? { vipGroups: v.vipGroups } : {}), ...(v.syncGroups ? { syncGroups: v.syncGroups } : {}) };
}

/** The firewall's marks for fwmark VIP groups (nothing without them: the firewall stays as it was). */
export function marksOf(host: HostView): { marks?: SiteVips['marks'] } {
  const marks = siteVipsOf(host, 1).marks;
  return marks.length > 0 ? { marks } : {};
}

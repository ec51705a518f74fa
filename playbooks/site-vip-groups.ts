/**
 * The site's VRRP instances and service addresses: one instance holding every VIP (the seed), or
 * with `vip_groups` one instance per group (active/active), `vrrp_sync_groups` of groups that move
 * together, and a group's VIPs served as one virtual_server_group when it asks for it
 * (docs/site.md "Several VIPs").
 */
import { syncGroupsOf, vipGroupsOf, vipsOf, type HostView } from 'lvs-play';
import type { DirectorSite, SiteVipGroup } from 'lvs-play/roles';

/** Where one virtual service listens: a VIP, or every VIP of a group (its virtual_server_group). */
export type ServiceAddress = { vip: string } | { vipGroup: string };

export interface SiteVips {
  vips: string[];
  /** Present with `vip_groups`. */
  vipGroups?: SiteVipGroup[];
  syncGroups?: Record<string, string[]>;
  /** One virtual service per address and port. */
  addresses: ServiceAddress[];
}

/** The VIPs as the directors' site needs them; `routerId`: vrrp_router_id (group i defaults to routerId + i). */
export function siteVipsOf(host: HostView, routerId: number): SiteVips {
  const vips = vipsOf(host);
  const groups = vipGroupsOf(host);
  if (!groups) return { vips, addresses: vips.map((vip) => ({ vip })) };
  const sync = syncGroupsOf(host);
  return {
    vips,
    vipGroups: groups.map((g, i) => ({ name: g.name, vips: g.vips, virtualRouterId: g.router_id ?? routerId + i, ...(g.master ? { master: g.master } : {}) })),
    ...(sync ? { syncGroups: sync } : {}),
    addresses: groups.flatMap((g): ServiceAddress[] => (g.virtual_server_group ? [{ vipGroup: g.name }] : g.vips.map((vip) => ({ vip })))),
  };
}

/** The instance part of the site from those (nothing for the one-instance site: its render stays as it was). */
export function instancesPart(v: SiteVips): Pick<DirectorSite, 'vipGroups' | 'syncGroups'> {
  return { ...(v.vipGroups ? { vipGroups: v.vipGroups } : {}), ...(v.syncGroups ? { syncGroups: v.syncGroups } : {}) };
}

/**
 * Several VIPs, active/active (`vip_groups`): each group is one VRRP instance with its own
 * virtual_router_id and master, so each director can hold one group and back up the other;
 * `vrrp_sync_groups` name the groups that must move together. Read once through one schema
 * (`host.var`); a site without `vip_groups` is the one-instance site of `vips`/`vip`.
 */
import { z } from 'zod';
import { ipv4, listOf, structured, wholeNumber, flag } from '../schema/schemas.js';
import type { HostView } from '../types.js';

const NAME = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a name of letters, digits, "_", "-" or "." (it names the vrrp_instance)');

/** One entry of `vip_groups`: a VRRP instance of its own, holding its VIPs. */
export interface VipGroupVar {
  name: string;
  vips: string[];
  /** The director that is MASTER for it (default: the one with vrrp.state MASTER). */
  master?: string | undefined;
  /** Its virtual_router_id (default: vrrp_router_id + its position: 51, 52, …). */
  router_id?: number | undefined;
  /** Serve its VIPs as one virtual_server_group per port. */
  virtual_server_group?: boolean | undefined;
  /** Serve its VIPs and ports as one fwmark service: the directors' firewall marks them N. */
  fwmark?: number | undefined;
}

const vipGroup: z.ZodType<VipGroupVar, z.ZodTypeDef, unknown> = z
  .object({
    name: NAME,
    vips: listOf(ipv4),
    /** The director that is MASTER for it (default: the one with vrrp.state MASTER). */
    master: z.string().min(1).optional(),
    /** Its virtual_router_id (default: vrrp_router_id + its position: 51, 52, …). */
    router_id: wholeNumber(1, 255, 'a VRRP router id is 1-255').optional(),
    /** Serve its VIPs as one virtual_server_group per port (one health check per real server for all of them). */
    virtual_server_group: flag.optional(),
    /** Serve its VIPs and ports as one fwmark service: the directors' firewall marks them N. */
    fwmark: wholeNumber(1, 4294967295, 'a firewall mark from 1 to 4294967295').optional(),
  })
  .strict()
  .refine((g) => !(g.fwmark !== undefined && g.virtual_server_group), { message: 'a VIP group is served either as one fwmark service or as a virtual_server_group: drop one', path: ['fwmark'] });

const VIP_GROUPS = structured(z.array(vipGroup).min(1))
  .describe('[{ name: VI_web, vips: [10.77.0.10], master: lvs1 }, { name: VI_api, vips: [10.77.0.11], master: lvs2 }]')
  .optional();
const SYNC_GROUPS = structured(z.record(NAME, listOf(NAME))).describe('{ VG_1: [VI_web, VI_api] }').optional();

/** `vip_groups`, or undefined for the one-instance site. */
export const vipGroupsOf = (host: HostView): VipGroupVar[] | undefined => host.var('vip_groups', VIP_GROUPS);

/** `vrrp_sync_groups`: name → the VIP groups that move together (default none). */
export const syncGroupsOf = (host: HostView): Record<string, string[]> | undefined => host.var('vrrp_sync_groups', SYNC_GROUPS);

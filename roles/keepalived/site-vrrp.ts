/**
 * The VRRP options of a site beyond the basic instance: the VRRP version, the director's own
 * health (track_interface / track_script, with weights) and IPVS connection sync between the
 * directors. `vrrpExtras` gives the parts of one director's config they add. Pure.
 */
import type { GlobalDefs, ScriptCommand, TrackInterfaceRef, VrrpInstance, VrrpScript } from './model.js';

/**
 * A check the director runs on itself: a vrrp_script the site's instance tracks. Its `weight` is
 * put on the instance's track_script line (negative: subtracted while the script fails; none:
 * FAULT on failure).
 */
export type SiteTrackScript = Omit<VrrpScript, 'user'>;

/** IPVS connection sync (`lvs_sync_daemon`); the interface defaults to the VRRP interface. */
export interface SiteLvsSync {
  interface?: string;
  /** 0–255; default keepalived's: the instance's virtual_router_id. */
  syncId?: number;
  maxlen?: number;
}

/** A director site's VRRP extras: VRRP version, tracked interfaces and scripts, connection sync. */
export interface SiteVrrpOptions {
  /** 2 (default) or 3 (sub-second advert_int, no authentication). */
  vrrpVersion?: 2 | 3;
  /** Other interfaces whose loss makes the director give up the VIP (weight 0: FAULT; negative: lower priority). */
  trackInterfaces?: readonly (string | TrackInterfaceRef)[];
  trackScripts?: readonly SiteTrackScript[];
  /** Connection sync between the directors (needs IPVS in the directors' kernel). */
  lvsSync?: SiteLvsSync;
}

/** What the options add to one director's config whose VRRP instance is `instance` on `iface`. */
export function vrrpExtras(o: SiteVrrpOptions, instance: string, iface: string): {
  globalDefs: Partial<GlobalDefs>;
  instance: Partial<VrrpInstance>;
  vrrpScripts: VrrpScript[];
} {
  const scripts: VrrpScript[] = (o.trackScripts ?? []).map((s) => ({
    name: s.name,
    script: s.script,
    ...(s.interval !== undefined ? { interval: s.interval } : {}),
    ...(s.timeout !== undefined ? { timeout: s.timeout } : {}),
    ...(s.fall !== undefined ? { fall: s.fall } : {}),
    ...(s.rise !== undefined ? { rise: s.rise } : {}),
  }));
  // the weight goes on the instance's track_script line: one script, one effect per instance
  const refs = (o.trackScripts ?? []).map((s) => (s.weight === undefined ? s.name : { name: s.name, weight: s.weight }));
  const sync = o.lvsSync;
  return {
    globalDefs: {
      ...(o.vrrpVersion !== undefined ? { vrrpVersion: o.vrrpVersion } : {}),
      ...(sync
        ? { lvsSyncDaemon: { interface: sync.interface ?? iface, instance, ...(sync.syncId !== undefined ? { syncId: sync.syncId } : {}), ...(sync.maxlen !== undefined ? { maxlen: sync.maxlen } : {}) } }
        : {}),
    },
    instance: {
      ...(o.trackInterfaces && o.trackInterfaces.length > 0 ? { trackInterfaces: [...o.trackInterfaces] } : {}),
      ...(refs.length > 0 ? { trackScripts: refs } : {}),
    },
    vrrpScripts: scripts,
  };
}

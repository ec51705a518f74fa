/**
 * The VRRP version and the advertisement interval it allows: VRRPv2 (RFC 3768) counts advert_int
 * in whole seconds (keepalived rounds a fraction, acassen/keepalived#1615), VRRPv3 (RFC 5798) in
 * centiseconds up to 40.95 s, and has no authentication. Pure.
 */
import type { KeepalivedConfig, VrrpInstance } from './model.js';

type Report = (field: string, message: string, value: unknown, fix: string) => void;

/** The version an instance runs: the global vrrp_version, else 2; an IPv6 instance always 3. */
export function versionOf(cfg: KeepalivedConfig, inst: VrrpInstance): 2 | 3 {
  const v6 = inst.virtualIpAddresses.length > 0 && inst.virtualIpAddresses.every((v) => (v.trim().split(/[\s/]/)[0] ?? '').includes(':'));
  return v6 ? 3 : cfg.globalDefs.vrrpVersion ?? 2;
}

/** advert_int as the instance's version can carry it; authentication only under VRRPv2. */
export function checkVrrpTiming(cfg: KeepalivedConfig, inst: VrrpInstance, at: string, err: Report): void {
  const a = inst.advertInt;
  if (!(a > 0 && a <= 255)) return; // the field rule reported it
  if (versionOf(cfg, inst) === 2) {
    if (!Number.isInteger(a)) {
      err(`${at}.advertInt`, `advert_int ${a} is not a whole number of seconds: VRRPv2 cannot send it (keepalived rounds it)`, a, 'set vrrp_version: 3 for sub-second adverts (VRRPv3 counts centiseconds), or give whole seconds');
    }
    return;
  }
  if (a > 40.95 || Math.abs(a * 100 - Math.round(a * 100)) > 1e-9) {
    err(`${at}.advertInt`, `advert_int ${a} does not fit VRRPv3 (centiseconds, 0.01 to 40.95 s)`, a, 'give seconds from 0.01 to 40.95 with at most two decimals, e.g. 0.2');
  }
  if (inst.authentication) {
    err(`${at}.authentication`, 'VRRPv3 has no authentication (keepalived ignores it)', inst.authentication.type, 'drop the authentication (in the reference site: vrrp_auth_pass and $LVS_VRRP_PASS), or set vrrp_version: 2');
  }
}

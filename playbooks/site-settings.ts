/**
 * The reference site's settings: inventory vars (any level; group names and the service layout in
 * the `all` vars or -e), each read through a schema with its default, so a missing or mistyped one
 * stops the run before any host is contacted, naming the inventory file, host and variable.
 * docs/site.md lists them with the seed walkthrough's values.
 */
import { directorsOf, secretFromEnv, type HostView } from 'lvs-play';
import { absPath, anyIpv4, flag, ifaceName, listOf, scheduler, wholeNumber, words, z, type SchedulerName } from 'lvs-play/kit';
import { programsIpvs } from 'lvs-play/roles';

// Which hosts play which part, the VIPs, ports and weights: the site model ('lvs-play': groupOf,
// groupPattern, vipsOf, portsOf, weightOf, realServersOf; src/site), which status, drain and init
// read too. Below: the rest of the reference site's settings.

// ─────────────────────────── the service ───────────────────────────

const seconds = wholeNumber(1, 86400);

export interface ServiceSettings {
  persistenceTimeout?: number;
  delayLoop: number;
  /** The IPVS scheduler (the kit's one list: docs/site.md). */
  lbAlgo: SchedulerName;
  check: { connectTimeout: number; retry?: number; delayBeforeRetry?: number };
  /** Served when every real server is down, on the service's port (keepalived requires the same port). */
  sorryServer?: string;
}

export function serviceOf(host: HostView): ServiceSettings {
  const persistenceTimeout = host.var('persistence_timeout', seconds.describe('50').optional());
  const retry = host.var('check_retry', wholeNumber(1, 100).describe('3').optional());
  const delayBeforeRetry = host.var('check_delay_before_retry', seconds.describe('3').optional());
  const sorryServer = host.var('sorry_server', anyIpv4.optional());
  return {
    ...(persistenceTimeout !== undefined ? { persistenceTimeout } : {}),
    delayLoop: host.var('delay_loop', seconds.describe('6'), 6),
    lbAlgo: host.var('lb_algo', scheduler, 'wrr'),
    check: {
      connectTimeout: host.var('check_connect_timeout', seconds.describe('3'), 3),
      ...(retry !== undefined ? { retry } : {}),
      ...(delayBeforeRetry !== undefined ? { delayBeforeRetry } : {}),
    },
    ...(sorryServer ? { sorryServer } : {}),
  };
}

// ─────────────────────────── VRRP ───────────────────────────

export interface VrrpSettings {
  interface: string;
  virtualRouterId: number;
  authPass?: string;
  unicast: boolean;
  notify?: string;
  /** VRRP version (2: whole-second adverts; 3: centiseconds) and the advert interval in seconds. */
  version: 2 | 3;
  advertInt: number;
  trackInterfaces: { name: string; weight?: number }[];
  trackScripts: TrackScriptSetting[];
  /** IPVS connection sync between the directors; absent when off (lvs_sync: false, or one director). */
  lvsSync?: { interface: string; syncId?: number; maxlen?: number };
}

export interface TrackScriptSetting {
  name: string;
  script: string | { path: string; args: string[] };
  interval?: number;
  timeout?: number;
  weight?: number;
  fall?: number;
  rise?: number;
}

/** Seconds as a number (also a numeric string, as INI files give it). */
const secondsNumber = z.preprocess((v) => (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v), z.number().positive('seconds above 0'));
/** VRRPv2 carries advert_int in whole seconds (keepalived rounds a fraction: acassen/keepalived#1615); VRRPv3 in centiseconds. */
const ADVERT_INT = {
  2: secondsNumber
    .refine((v) => Number.isInteger(v), 'VRRPv2 sends whole seconds only (keepalived would round it): set vrrp_version: 3 for a sub-second advert_int')
    .refine((v) => v <= 255, 'at most 255 seconds')
    .describe('1'),
  3: secondsNumber
    .refine((v) => v >= 0.01 && v <= 40.95 && Math.abs(v * 100 - Math.round(v * 100)) < 1e-9, 'VRRPv3 counts centiseconds: give 0.01 to 40.95 seconds, at most two decimals')
    .describe('0.2'),
} as const;

const trackWeight = z.number().int('a whole number').min(-253, 'a weight from -253 to 253').max(253, 'a weight from -253 to 253');
const TRACK_INTERFACES = listOf(z.union([ifaceName, z.object({ interface: ifaceName, weight: trackWeight.optional() }).strict()])).describe('[eth1, { interface: eth2, weight: -60 }]');
const TRACK_SCRIPTS = listOf(
  z.object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a name of letters, digits and _ . -'),
    /** An absolute path, or [path, arg, …]. */
    script: z.union([absPath, z.array(z.string().min(1)).min(1)]),
    interval: secondsNumber.optional(),
    timeout: secondsNumber.optional(),
    weight: trackWeight.optional(),
    fall: wholeNumber(1, 255).optional(),
    rise: wholeNumber(1, 255).optional(),
  }).strict(),
).describe('[{ name: chk_web, script: /usr/local/sbin/check-web, weight: -60 }]');

function trackScriptsOf(host: HostView): TrackScriptSetting[] {
  return (host.var('vrrp_track_scripts', TRACK_SCRIPTS.optional()) ?? []).map(({ script, ...rest }) => ({
    ...rest,
    script: typeof script === 'string' ? script : { path: script[0] ?? '', args: script.slice(1) },
  }));
}

/** keepalived's daemon arguments (`keepalived_args`, default `-D`). */
export function keepalivedArgsOf(host: HostView): string[] {
  return host.var('keepalived_args', words.describe('[-D]'), ['-D']);
}

/**
 * Connection sync: on by default when the site has two or more directors and keepalived runs its
 * checker (programs IPVS); keepalived with VRRP only (`--vrrp`, a kernel without IPVS) has no
 * connections to sync, and its VRRP process crashes on lvs_sync_daemon there (`lvs_sync`).
 */
function lvsSyncOf(host: HostView, vrrpInterface: string): VrrpSettings['lvsSync'] {
  if (!host.var('lvs_sync', flag, programsIpvs(keepalivedArgsOf(host))) || directorsOf(host).length < 2) return undefined;
  const syncId = host.var('lvs_sync_id', wholeNumber(0, 255).describe('51').optional());
  const maxlen = host.var('lvs_sync_maxlen', wholeNumber(1, 65507).describe('1400').optional());
  return { interface: host.var('lvs_sync_interface', ifaceName, vrrpInterface), ...(syncId !== undefined ? { syncId } : {}), ...(maxlen !== undefined ? { maxlen } : {}) };
}

export function vrrpOf(host: HostView): VrrpSettings {
  // an empty $LVS_VRRP_PASS is no password (as for every secret): the inventory's, else no auth;
  // vrrp_auth_pass '' (e.g. -e vrrp_auth_pass=) says no authentication (VRRPv3 has none)
  const authPass = secretFromEnv('LVS_VRRP_PASS') ?? host.var('vrrp_auth_pass', z.string().max(8, 'at most 8 bytes (keepalived PASS auth)').optional());
  const notify = host.var('vrrp_notify', absPath.describe('/usr/local/sbin/vrrp-notify').optional());
  const iface = host.var('vrrp_interface', ifaceName, 'eth0');
  const version = host.var('vrrp_version', z.preprocess((v) => (v === '2' || v === '3' ? Number(v) : v), z.union([z.literal(2), z.literal(3)])).describe('2'), 2);
  const sync = lvsSyncOf(host, iface);
  return {
    interface: iface,
    virtualRouterId: host.var('vrrp_router_id', wholeNumber(1, 255, 'a VRRP router id is 1-255').describe('51'), 51),
    ...(authPass ? { authPass } : {}),
    unicast: host.var('vrrp_unicast', flag, false),
    ...(notify ? { notify } : {}),
    version,
    advertInt: host.var('vrrp_advert_int', ADVERT_INT[version], 1),
    trackInterfaces: (host.var('vrrp_track_interfaces', TRACK_INTERFACES.optional()) ?? []).map((t) => (typeof t === 'string' ? { name: t } : { name: t.interface, ...(t.weight !== undefined ? { weight: t.weight } : {}) })),
    trackScripts: trackScriptsOf(host),
    ...(sync ? { lvsSync: sync } : {}),
  };
}

// ─────────────────────────── real servers ───────────────────────────

export const checkListenersOf = (host: HostView): boolean => host.var('check_listeners', flag, true);

/** Windows NICs switched to weak host (default: the one holding the host address) and send on them. */
export function windowsNicsOf(host: HostView): { nics?: string[]; weakHostSend: boolean } {
  const nics = host.var('windows_nics', listOf(z.string().min(1)).describe('[extranet, intranet]').optional());
  return { ...(nics ? { nics } : {}), weakHostSend: host.var('windows_weak_host_send', flag, false) };
}

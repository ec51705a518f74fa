/**
 * The reference site's settings: inventory vars (any level; group names and the service layout in
 * the `all` vars or -e), each read through a schema with its default, so a missing or mistyped one
 * stops the run before any host is contacted, naming the inventory file, host and variable.
 * docs/site.md lists them with the seed walkthrough's values.
 */
import { secretFromEnv, type HostView } from 'lvs-play';
import { absPath, anyIpv4, flag, ifaceName, listOf, scheduler, wholeNumber, z, type SchedulerName } from 'lvs-play/kit';

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
}

export function vrrpOf(host: HostView): VrrpSettings {
  // an empty $LVS_VRRP_PASS is no password (as for every secret): the inventory's, else no auth
  const authPass = secretFromEnv('LVS_VRRP_PASS') ?? host.var('vrrp_auth_pass', z.string().min(1).max(8, 'at most 8 bytes (keepalived PASS auth)').optional());
  const notify = host.var('vrrp_notify', absPath.describe('/usr/local/sbin/vrrp-notify').optional());
  return {
    interface: host.var('vrrp_interface', ifaceName, 'eth0'),
    virtualRouterId: host.var('vrrp_router_id', wholeNumber(1, 255, 'a VRRP router id is 1-255').describe('51'), 51),
    ...(authPass ? { authPass } : {}),
    unicast: host.var('vrrp_unicast', flag, false),
    ...(notify ? { notify } : {}),
  };
}

// ─────────────────────────── real servers ───────────────────────────

export const checkListenersOf = (host: HostView): boolean => host.var('check_listeners', flag, true);

/** Windows NICs switched to weak host (default: the one holding the host address) and send on them. */
export function windowsNicsOf(host: HostView): { nics?: string[]; weakHostSend: boolean } {
  const nics = host.var('windows_nics', listOf(z.string().min(1)).describe('[extranet, intranet]').optional());
  return { ...(nics ? { nics } : {}), weakHostSend: host.var('windows_weak_host_send', flag, false) };
}

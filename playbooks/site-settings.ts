/**
 * The reference site's settings: inventory vars (any level; group names and the service layout in
 * the `all` vars or -e), each read through a schema with its default, so a missing or mistyped one
 * stops the run before any host is contacted, naming the inventory file, host and variable.
 * docs/site.md lists them with the seed walkthrough's values.
 */
import { LvsError, type HostView, type Vars } from 'lvs-play';
import { absPath, anyIpv4, ifaceName, ipv4, z } from 'lvs-play/kit';

// ─────────────────────────── which groups play which part ───────────────────────────

const groupName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, "a group name: a letter or '_' first, then letters, digits, '_' or '-'");

export const GROUP_SETTINGS = {
  directors: { name: 'directors_group', fallback: 'directors' },
  linux: { name: 'linux_realservers_group', fallback: 'linux_realservers' },
  windows: { name: 'windows_realservers_group', fallback: 'windows' },
} as const;
export type GroupRole = keyof typeof GROUP_SETTINGS;

/**
 * A play's pattern: the group named by the setting, from the inventory's `all` vars and -e (a play
 * is matched before any host's vars are read). A group that does not exist is an empty set, with
 * a warning suggesting near names.
 */
export const groupPattern =
  (role: GroupRole) =>
  (vars: Vars): string => {
    const s = GROUP_SETTINGS[role];
    const r = groupName.safeParse(vars[s.name] ?? s.fallback);
    if (!r.success) {
      throw new LvsError('E_VALIDATION', `${s.name} is not a group name`, { field: `vars.${s.name}`, value: vars[s.name], fix: `${r.error.issues[0]?.message}; set it in the inventory's all vars or with -e ${s.name}=NAME` });
    }
    return r.data;
  };

/** The same setting, as a host sees it (host.var: its errors name the host and the variable). */
export const groupOf = (host: HostView, role: GroupRole): string => host.var(GROUP_SETTINGS[role].name, groupName, GROUP_SETTINGS[role].fallback);

// ─────────── values as INI files give them ([group:vars] values are strings in Ansible) ───────────

/** A boolean; also Ansible's spellings as strings (yes/no, true/false, on/off, 1/0). */
export const flag = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  return ['yes', 'true', 'on', '1'].includes(s) ? true : ['no', 'false', 'off', '0'].includes(s) ? false : v;
}, z.boolean());

/** A whole number; also as a string of digits. */
const int = (min: number, max: number, what = `a whole number from ${min} to ${max}`) =>
  z.preprocess((v) => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v), z.number().int(what).min(min, what).max(max, what));

/** A list; also one comma-separated string (`80,443`; INI `[all:vars]`). */
const listOf = <T extends z.ZodTypeAny>(item: T) => z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean) : v), z.array(item).min(1));

/** A list of words; also one string of space-separated words (`-D --vrrp`). */
export const words = z.preprocess((v) => (typeof v === 'string' ? v.trim().split(/\s+/).filter(Boolean) : v), z.array(z.string()));

// ─────────────────────────── the service ───────────────────────────

const seconds = int(1, 86400);
/** The VIPs: `vips` (a list), else `vip`. */
export function vipsOf(host: HostView): string[] {
  const list = host.var('vips', listOf(ipv4).describe('[192.168.1.10, 192.168.1.11]').optional());
  return list ?? [host.var('vip', ipv4)];
}

/** The service ports (virtual services: every VIP × every port). The seed: [80]. */
export const portsOf = (host: HostView): number[] => host.var('ports', listOf(int(1, 65535)).describe('[80, 443]'), [80]);

export interface ServiceSettings {
  persistenceTimeout?: number;
  delayLoop: number;
  lbAlgo: 'rr' | 'wrr' | 'lc' | 'wlc' | 'sh' | 'sed' | 'nq';
  check: { connectTimeout: number; retry?: number; delayBeforeRetry?: number };
  /** Served when every real server is down, on the service's port (keepalived requires the same port). */
  sorryServer?: string;
}

export function serviceOf(host: HostView): ServiceSettings {
  const persistenceTimeout = host.var('persistence_timeout', seconds.describe('50').optional());
  const retry = host.var('check_retry', int(1, 100).describe('3').optional());
  const delayBeforeRetry = host.var('check_delay_before_retry', seconds.describe('3').optional());
  const sorryServer = host.var('sorry_server', anyIpv4.optional());
  return {
    ...(persistenceTimeout !== undefined ? { persistenceTimeout } : {}),
    delayLoop: host.var('delay_loop', seconds.describe('6'), 6),
    lbAlgo: host.var('lb_algo', z.enum(['rr', 'wrr', 'lc', 'wlc', 'sh', 'sed', 'nq']), 'wrr'),
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
  const authPass = process.env.LVS_VRRP_PASS || host.var('vrrp_auth_pass', z.string().min(1).max(8, 'at most 8 bytes (keepalived PASS auth)').optional());
  const notify = host.var('vrrp_notify', absPath.describe('/usr/local/sbin/vrrp-notify').optional());
  return {
    interface: host.var('vrrp_interface', ifaceName, 'eth0'),
    virtualRouterId: host.var('vrrp_router_id', int(1, 255, 'a VRRP router id is 1-255').describe('51'), 51),
    ...(authPass ? { authPass } : {}),
    unicast: host.var('vrrp_unicast', flag, false),
    ...(notify ? { notify } : {}),
  };
}

// ─────────────────────────── real servers ───────────────────────────

export const weightOf = (rs: HostView): number => rs.var('weight', int(0, 65535).describe('1'), 1);
export const checkListenersOf = (host: HostView): boolean => host.var('check_listeners', flag, true);

/** Windows NICs switched to weak host (default: the one holding the host address) and send on them. */
export function windowsNicsOf(host: HostView): { nics?: string[]; weakHostSend: boolean } {
  const nics = host.var('windows_nics', listOf(z.string().min(1)).describe('[extranet, intranet]').optional());
  return { ...(nics ? { nics } : {}), weakHostSend: host.var('windows_weak_host_send', flag, false) };
}

/**
 * One site description (VIPs, VRID, auth, services, real servers) + per-director vars (state,
 * priority, router_id) → every director's keepalived config, checked against each other with
 * `validateDirectorPair` (same VRID/auth/VIPs, MASTER priority above every BACKUP's). Pure.
 */
import type { HostView } from 'lvs-play';
import { canonicalIp, ipFamily, LvsError, ValidationErrors, z } from 'lvs-play/kit';
import type { HealthCheck, KeepalivedConfig, LbAlgo, LbKind, ScriptCommand, VirtualServer, VrrpInstance } from './model.js';
import { validateDirectorPair, validateKeepalived } from './validate.js';
import { vrrpExtras, type SiteVrrpOptions } from './site-vrrp.js';
import { ipKey } from './validate-fields.js';
import { serverGroupOf, serviceAddress, syncGroupsOf, vipGroupErrors, vipGroupInstances, type SiteVipGroup } from './vip-groups.js';

/** A real server of a site service: its address, port, weight and health check. */
export interface SiteRealServer {
  address: string;
  /** Default: the service's port. */
  port?: number;
  weight?: number;
  /** Default: TCP_CHECK on the real server's port, connect_timeout 3. `false`: no check. */
  check?: HealthCheck | false;
  /** A failed check sets weight 0 instead of removing the server (`inhibit_on_failure`). */
  inhibitOnFailure?: boolean;
}

/** A service of the site: its port, protocol, scheduler, forwarding, VIP and real servers. */
export interface SiteService {
  port: number;
  protocol?: 'TCP' | 'UDP';
  lbAlgo?: LbAlgo;
  lbKind?: LbKind;
  persistenceTimeout?: number;
  delayLoop?: number;
  /** Default: the site's first VIP. */
  vip?: string;
  /** Instead of `vip`: every VIP of this VIP group, as one `virtual_server_group` (vip-groups.ts). */
  vipGroup?: string;
  /**
   * Instead of `vip`/`vipGroup`: the packets the firewall marks N (`virtual_server fwmark N`: one
   * service, and one persistence, for several ports); `port` is then the port health checks connect to.
   */
  fwmark?: number;
  /** Served when every real server is down (`sorry_server ADDRESS PORT`). */
  sorryServer?: { address: string; port: number };
  realServers: readonly SiteRealServer[];
}

/** VRRP notify scripts (keepalived runs them on a state change: `notify` gets TYPE NAME STATE PRIORITY). */
export interface SiteNotify {
  master?: ScriptCommand;
  backup?: ScriptCommand;
  fault?: ScriptCommand;
  /** Every transition. */
  any?: ScriptCommand;
}

/** A director pair's site, as keepalived needs it: VIPs, interface, VRRP router id and auth, services. */
export interface DirectorSite extends SiteVrrpOptions {
  /** VIPs, bare addresses (`/32 dev IFACE` is added) or full virtual_ipaddress entries. */
  vips: readonly string[];
  interface: string;
  virtualRouterId: number;
  /** auth_pass (≤ 8 bytes); omit for no authentication. */
  authPass?: string;
  advertInt?: number;
  instanceName?: string;
  /**
   * VRRP by unicast instead of multicast (clouds and many switches drop multicast): each director
   * sends from its own address (`unicast_src_ip`) to every other director's (`unicast_peer`),
   * taken from the directors' inventory addresses.
   */
  unicast?: boolean;
  notify?: SiteNotify;
  /**
   * Several VRRP instances (active/active), one per group, instead of one holding `vips`: each
   * with its own virtual_router_id and master (vip-groups.ts). `vips` still lists every VIP.
   */
  vipGroups?: readonly SiteVipGroup[];
  /** `vrrp_sync_group`s: name → the VIP groups that move together. */
  syncGroups?: Readonly<Record<string, readonly string[]>>;
  services: readonly SiteService[];
  /** Extra keepalived.conf text appended verbatim (not validated by the model). */
  raw?: string;
}

/** Per-director vars (`host.vars.vrrp`), read with `host.var('vrrp', directorVarsSchema)`. */
export const directorVarsSchema = z
  .object({
    state: z.enum(['MASTER', 'BACKUP']),
    priority: z.number().int('a whole number').min(1, 'give a priority from 1 to 254 (MASTER highest)').max(254, 'give a priority from 1 to 254 (MASTER highest)'),
    /** Default: the host name. */
    routerId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a router id of letters, digits and _ . -').optional(),
  })
  .strict()
  .describe('{ state: MASTER, priority: 150 }');

/** A director's own vars (`vrrp`: state, priority, routerId), after validation. */
export type DirectorVars = z.output<typeof directorVarsSchema>;

/**
 * A director's vars with its own address (inventory), checked against the VIPs and the other
 * directors'; unicast VRRP's source and the others' peer.
 */
export type DirectorWithAddress = DirectorVars & { address?: string };

function vipEntry(v: string, iface: string): string {
  return /\s/.test(v.trim()) || v.includes('/') ? v : `${v}/32 dev ${iface}`;
}

function bareVip(v: string): string {
  return v.trim().split(/[\s/]/)[0] ?? v;
}

function notifyOf(n: SiteNotify | undefined): Partial<VrrpInstance> {
  if (!n) return {};
  return {
    ...(n.master !== undefined ? { notifyMaster: n.master } : {}),
    ...(n.backup !== undefined ? { notifyBackup: n.backup } : {}),
    ...(n.fault !== undefined ? { notifyFault: n.fault } : {}),
    ...(n.any !== undefined ? { notify: n.any } : {}),
  };
}

/** keepalived runs scripts for MISC_CHECKs too (and refuses them without script security). */
const runsMiscChecks = (services: readonly VirtualServer[]): boolean => services.some((v) => v.realServers.some((r) => r.check?.type === 'MISC_CHECK'));

/**
 * One director's config as the site gives it, not yet validated (directorConfig and directorConfigs
 * validate it). `services`: the site's virtual servers (the same on every director: directorConfigs
 * builds them once and the directors share them).
 */
function buildDirectorConfig(
  site: DirectorSite, host: string, vars: DirectorWithAddress, peers: readonly string[],
  directors: Readonly<Record<string, DirectorVars>> = { [host]: vars }, services = virtualServersOf(site),
): KeepalivedConfig {
  // the sync daemons follow one instance (keepalived starts one role per director): with VIP
  // groups, the first group's, so the connections through that group's VIPs are the ones kept
  const extras = vrrpExtras(site, site.vipGroups?.[0]?.name ?? site.instanceName ?? 'VI_1', site.interface);
  const inst: VrrpInstance = {
    name: site.instanceName ?? 'VI_1',
    state: vars.state,
    interface: site.interface,
    virtualRouterId: site.virtualRouterId,
    priority: vars.priority,
    advertInt: site.advertInt ?? 1,
    ...(site.authPass !== undefined ? { authentication: { type: 'PASS' as const, pass: site.authPass } } : {}),
    virtualIpAddresses: site.vips.map((v) => vipEntry(v, site.interface)),
    ...(site.unicast ? { ...(vars.address ? { unicastSrcIp: vars.address } : {}), unicastPeers: [...peers] } : {}),
    ...notifyOf(site.notify),
    ...extras.instance,
  };
  const group = (s: SiteService) => site.vipGroups?.find((g) => g.name === s.vipGroup);
  const scripts = (site.notify && Object.keys(site.notify).length > 0) || extras.vrrpScripts.length > 0;
  return {
    // scripts run as root with script security on (keepalived refuses scripts without either)
    globalDefs: { routerId: vars.routerId ?? host, ...(scripts || runsMiscChecks(services) ? { enableScriptSecurity: true, scriptUser: 'root' } : {}), ...extras.globalDefs },
    ...(extras.vrrpScripts.length > 0 ? { vrrpScripts: extras.vrrpScripts } : {}),
    vrrpInstances: site.vipGroups ? vipGroupInstances(inst, site.vipGroups, host, directors, (v) => vipEntry(v, site.interface)) : [inst],
    ...(site.syncGroups && Object.keys(site.syncGroups).length > 0 ? { vrrpSyncGroups: syncGroupsOf(site.syncGroups) } : {}),
    ...(site.services.some((s) => group(s)) ? { virtualServerGroups: site.services.flatMap((s) => { const g = group(s); return g ? [serverGroupOf(g, s.port, bareVip)] : []; }) } : {}),
    virtualServers: services,
    ...(site.raw !== undefined ? { raw: site.raw } : {}),
  };
}

/** The site's virtual servers, as every director's config has them. */
function virtualServersOf(site: DirectorSite): VirtualServer[] {
  const firstVip = site.vips[0] === undefined ? '' : bareVip(site.vips[0]);
  return site.services.map((s) => ({
    ...serviceAddress(s, firstVip),
    ...(s.delayLoop !== undefined ? { delayLoop: s.delayLoop } : {}),
    lbAlgo: s.lbAlgo ?? 'wrr',
    lbKind: s.lbKind ?? 'DR',
    ...(s.persistenceTimeout !== undefined ? { persistenceTimeout: s.persistenceTimeout } : {}),
    ...(s.sorryServer ? { sorryServer: s.sorryServer } : {}),
    realServers: s.realServers.map((r) => {
      const port = r.port ?? s.port;
      const check: HealthCheck | undefined = r.check === false ? undefined : r.check ?? { type: 'TCP_CHECK', connectTimeout: 3, connectPort: port };
      return { address: r.address, ...(s.fwmark === undefined ? { port } : {}), weight: r.weight ?? 1, ...(r.inhibitOnFailure ? { inhibitOnFailure: true } : {}), ...(check ? { check } : {}) };
    }),
  }));
}

/**
 * One director's config, validated as `directorConfigs` validates each (the site's addresses, then
 * the model's rules: throws ValidationErrors naming `${field}.${host}.…`, never an auth_pass).
 * `peers`: the other directors' addresses, for unicast VRRP. For a pair, use `directorConfigs`,
 * which also checks the directors against each other.
 */
export function directorConfig(site: DirectorSite, host: string, vars: DirectorWithAddress, peers: readonly string[] = [], where: SiteWhere = {}): KeepalivedConfig {
  const addressErrors = siteAddressErrors(site, { [host]: vars }, where);
  if (addressErrors.length > 0) throw new ValidationErrors(addressErrors);
  return validateKeepalived(buildDirectorConfig(site, host, vars, peers), { ...(where.file ? { file: where.file } : {}), field: `${where.field ?? 'directors'}.${host}` });
}

/** Where a site's configs come from, for messages. */
export interface SiteWhere {
  file?: string;
  field?: string;
  /** The inventory host of an address (names real servers in messages). */
  hostOf?: (address: string) => string | undefined;
}

/**
 * Every director's config from one site description, validated one by one and as a set
 * (throws ValidationErrors naming `${field}.${host}.…`).
 */
export function directorConfigs(
  site: DirectorSite,
  directors: Readonly<Record<string, DirectorWithAddress>>,
  where: SiteWhere = {},
): Record<string, KeepalivedConfig> {
  const addressErrors = siteAddressErrors(site, directors, where);
  if (addressErrors.length > 0) throw new ValidationErrors(addressErrors);
  const peersOf = (host: string): string[] =>
    Object.entries(directors)
      .filter(([h, v]) => h !== host && v.address !== undefined)
      .map(([, v]) => v.address as string);
  const services = virtualServersOf(site);
  const configs = Object.fromEntries(Object.entries(directors).map(([h, v]) => [h, buildDirectorConfig(site, h, v, peersOf(h), directors, services)]));
  return validateDirectorPair(configs, { ...(where.file ? { file: where.file } : {}), field: where.field ?? 'directors' });
}

/**
 * Addresses that must differ, checked before any host is contacted (on the hosts they fail late and
 * obscurely): a VIP is nobody's own address (not a real server's, not a director's), and no two
 * directors share one.
 */
export function siteAddressErrors(site: DirectorSite, directors: Readonly<Record<string, DirectorWithAddress>>, where: SiteWhere = {}): LvsError[] {
  const out: LvsError[] = [];
  const file = where.file ? { file: where.file } : {};
  const base = where.field ?? 'directors';
  const vips = [...site.vips.map(bareVip), ...(site.vipGroups ?? []).flatMap((g) => g.vips.map(bareVip)), ...site.services.flatMap((s) => (s.vip !== undefined ? [s.vip] : []))];
  const bad = [...new Set(vips)].filter((v) => ipFamily(v) === null);
  if (bad.length > 0) {
    // one error per bad VIP here, not one per config field it would reach
    return bad.map((v) => new LvsError('E_VALIDATION', `the VIP ${JSON.stringify(v)} is not an IP address`, { ...file, field: 'vips', value: v, fix: 'give an IPv4 address like 10.77.0.10 or an IPv6 address like 2001:db8::10 (in the reference site: the inventory var vip)' }));
  }
  if (site.vipGroups) out.push(...vipGroupErrors(site.vipGroups, site.syncGroups, directors, bareVip, file));
  site.services.forEach((s, i) => {
    if (s.vipGroup !== undefined && !site.vipGroups?.some((g) => g.name === s.vipGroup)) {
      out.push(new LvsError('E_VALIDATION', `service ${s.port} names no VIP group ${s.vipGroup}`, { ...file, field: `services[${i}].vipGroup`, value: s.vipGroup, fix: `use one of the vip_groups: ${(site.vipGroups ?? []).map((g) => g.name).join(', ') || '(none)'}` }));
    }
  });
  const named = Object.entries(directors).filter(([, v]) => v.address !== undefined) as [string, DirectorVars & { address: string }][];
  // each address's key once (a site's real servers: thousands)
  const realServerKeys = site.services.map((s) => s.realServers.map((r) => ipKey(r.address)));
  for (const vip of [...new Set(vips)]) {
    const vipKey = ipKey(vip);
    for (const [host, v] of named) {
      if (vipKey === ipKey(v.address)) {
        out.push(new LvsError('E_VALIDATION', `the VIP ${vip} is also the address of director ${host}`, { ...file, field: `${base}.${host}.address`, value: v.address, fix: 'a VIP moves between the directors: give it an address of its own, which no host has (in the reference site: the inventory var vip)' }));
      }
    }
    site.services.forEach((s, i) => s.realServers.forEach((r, j) => {
      if (vipKey === realServerKeys[i]![j]) {
        const name = where.hostOf?.(r.address);
        out.push(new LvsError('E_VALIDATION', `the VIP ${vip} is also the address of real server ${name ?? r.address}`, { ...file, ...(name ? {} : { field: `services[${i}].realServers[${j}].address` }), value: r.address, fix: 'a real server holds the VIP only on lo and needs an address of its own: give the VIP an address no host has (in the reference site: the inventory var vip)' }));
      }
    }));
  }
  const byAddress = new Map<string, string>();
  for (const [host, v] of named) {
    const key = ipFamily(v.address) ? canonicalIp(v.address) : v.address;
    const first = byAddress.get(key);
    if (first === undefined) byAddress.set(key, host);
    else out.push(new LvsError('E_VALIDATION', `directors ${first} and ${host} have the same address ${v.address}`, { ...file, field: `${base}.${host}.address`, value: v.address, fix: 'give every director its own address: VRRP runs between two machines' }));
  }
  return out;
}

/**
 * The vrrp vars of hosts (`host.vars.vrrp`), for `directorConfigs(site, directorVarsOf(host.group('directors')))`.
 * A missing or mistyped `vrrp` is reported as the inventory's problem (host, variable, fix).
 */
export function directorVarsOf(hosts: readonly HostView[]): Record<string, DirectorWithAddress> {
  return Object.fromEntries(hosts.map((h) => [h.name, { ...h.var('vrrp', directorVarsSchema), ...(h.address ? { address: h.address } : {}) }]));
}

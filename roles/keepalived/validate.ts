/**
 * Rules for keepalived configs, one director (`validateKeepalived`) and all directors of a site
 * (`validateDirectorPair`). Every problem is reported at once; messages name file, field, value
 * and fix, and never contain an auth_pass value.
 */
import { LvsError, pathSuffix, ruleOf, ValidationErrors, valueAt } from 'lvs-play/kit';
import { canonicalIp, ipFamily, isInterfaceName } from 'lvs-play/kit';
import {
  scriptWords, type HealthCheck, type KaRealServer, type KeepalivedConfig, type ScriptCommand, type VirtualServer,
  type VrrpInstance, type Where,
} from './model.js';
import { normaliseVip } from './render.js';
import { checkLvsSync, checkLvsSyncPair } from './sync.js';
import { checkVrrpTiming } from './vrrp-version.js';
import { checkGroupServer, checkServerGroups, checkSyncGroups } from './validate-groups.js';
import { checkIp, checkPort, ipKey, type Report } from './validate-fields.js';
import { parseConfig, sameJson, type VirtualServersParses } from './parse.js';


function collector(where: Where): { errors: LvsError[]; err: Report } {
  const errors: LvsError[] = [];
  const err: Report = (field, message, value, fix) => {
    errors.push(new LvsError('E_VALIDATION', message, { ...(where.file ? { file: where.file } : {}), field, value, fix }));
  };
  return { errors, err };
}

/** Checks one director's config; returns it typed or throws ValidationErrors listing all problems. */
export function validateKeepalived(cfg: unknown, where: Where): KeepalivedConfig {
  const { errors, err } = collector(where);
  const typed = checkConfig(cfg, where.field, err);
  if (errors.length > 0 || !typed) throw new ValidationErrors(errors);
  return typed;
}

/**
 * Checks the configs of all directors (host name → config) one by one and against each other:
 * unique router_id; per VRRP instance the same virtual_router_id, authentication and VIPs, one
 * MASTER whose priority is above every BACKUP's; the same virtual servers everywhere.
 * Fields are named `${where.field}.${host}.…`.
 */
export function validateDirectorPair(configsByHost: Record<string, unknown>, where: Where): Record<string, KeepalivedConfig> {
  const { errors, err } = collector(where);
  const typed: [string, KeepalivedConfig][] = [];
  // the directors of a site share their virtual servers (site.ts): parsed once
  const parses: VirtualServersParses = new Map();
  for (const host of Object.keys(configsByHost).sort()) {
    const t = checkConfig(configsByHost[host], `${where.field}.${host}`, err, parses);
    if (t) typed.push([host, t]);
  }
  const at: HostField = (host, rest) => `${where.field}.${host}${rest}`;
  checkRouterIds(typed, at, err);
  for (const [name, members] of instancesByName(typed)) {
    const [first, ...rest] = members;
    if (!first) continue;
    for (const m of rest) checkSameInstance(name, first, m, at, err);
    checkMasterPriority(name, members, at, err);
  }
  checkLvsSyncPair(typed, at, err);
  checkSameServers(typed, at, err);
  if (errors.length > 0) throw new ValidationErrors(errors);
  return Object.fromEntries(typed);
}

/** Names the field `rest` of one director's config: `${where.field}.${host}${rest}`. */
type HostField = (host: string, rest: string) => string;

/** One director's VRRP instance, where it sits in that director's config. */
interface Member { host: string; i: number; inst: VrrpInstance }

/** The field `k` of a member's instance. */
const memberField = (at: HostField, m: Member, k: string): string => at(m.host, `.vrrpInstances[${m.i}]${k}`);

/** Every director has its own router_id. */
function checkRouterIds(typed: readonly [string, KeepalivedConfig][], at: HostField, err: Report): void {
  const routerIds = new Map<string, string>();
  for (const [host, c] of typed) {
    const other = routerIds.get(c.globalDefs.routerId);
    if (other !== undefined) {
      err(at(host, '.globalDefs.routerId'), `router_id is also used by ${other}`, c.globalDefs.routerId, 'give every director its own router_id (e.g. its host name)');
    } else routerIds.set(c.globalDefs.routerId, host);
  }
}

/** The VRRP instances of all directors grouped by instance name, in host order. */
function instancesByName(typed: readonly [string, KeepalivedConfig][]): Map<string, Member[]> {
  const byName = new Map<string, Member[]>();
  for (const [host, c] of typed) {
    c.vrrpInstances.forEach((inst, i) => byName.set(inst.name, [...(byName.get(inst.name) ?? []), { host, i, inst }]));
  }
  return byName;
}

/** One director's instance `m` has the first director's virtual_router_id, authentication and VIPs. */
function checkSameInstance(name: string, first: Member, m: Member, at: HostField, err: Report): void {
  if (m.inst.virtualRouterId !== first.inst.virtualRouterId) {
    err(memberField(at, m, '.virtualRouterId'), `vrrp_instance ${name}: virtual_router_id differs from ${first.host}'s ${first.inst.virtualRouterId}`, m.inst.virtualRouterId, 'use the same virtual_router_id on every director of one instance');
  }
  const a = first.inst.authentication;
  const b = m.inst.authentication;
  if ((a?.type ?? 'none') !== (b?.type ?? 'none')) {
    err(memberField(at, m, '.authentication.type'), `vrrp_instance ${name}: auth_type differs from ${first.host}'s ${a?.type ?? 'none'}`, b?.type ?? 'none', 'use the same authentication on every director of one instance');
  } else if (a && b && a.pass !== b.pass) {
    // The value is a secret: say where, never what.
    err(memberField(at, m, '.authentication.pass'), `vrrp_instance ${name}: auth_pass differs from ${first.host}'s`, undefined, 'use the same auth_pass on every director of one instance');
  }
  const vipsA = first.inst.virtualIpAddresses.map(normaliseVip).join(', ');
  const vipsB = m.inst.virtualIpAddresses.map(normaliseVip).join(', ');
  if (vipsA !== vipsB) {
    err(memberField(at, m, '.virtualIpAddresses'), `vrrp_instance ${name}: virtual_ipaddress differs from ${first.host}'s [${vipsA}]`, m.inst.virtualIpAddresses, 'list the same virtual addresses on every director of one instance');
  }
}

/** One instance has one MASTER, and its priority is above every BACKUP's. */
function checkMasterPriority(name: string, members: readonly Member[], at: HostField, err: Report): void {
  const masters = members.filter((m) => m.inst.state === 'MASTER');
  for (const m of masters.slice(1)) {
    err(memberField(at, m, '.state'), `vrrp_instance ${name}: ${masters[0]?.host} is MASTER too`, 'MASTER', 'make exactly one director MASTER, the others BACKUP');
  }
  for (const master of masters.slice(0, 1)) {
    for (const b of members.filter((m) => m.inst.state === 'BACKUP')) {
      if (b.inst.priority >= master.inst.priority) {
        err(memberField(at, b, '.priority'), `vrrp_instance ${name}: BACKUP ${b.host} has priority ${b.inst.priority}, not below MASTER ${master.host}'s ${master.inst.priority}`, b.inst.priority, `give the MASTER the highest priority: set this below ${master.inst.priority} (or raise the MASTER's)`);
      }
    }
  }
}

/** Every director has the first director's virtual servers and groups. */
function checkSameServers(typed: readonly [string, KeepalivedConfig][], at: HostField, err: Report): void {
  const [firstHost, ...others] = typed;
  if (!firstHost) return;
  for (const [host, c] of others) {
    if (!sameJson(c.virtualServers, firstHost[1].virtualServers)) {
      err(at(host, '.virtualServers'), `virtual_server blocks differ from ${firstHost[0]}'s`, c.virtualServers.map((v) => v.fwmark !== undefined ? `fwmark ${v.fwmark}` : `${v.vip} ${v.port}`), 'give every director the same virtual servers, so a BACKUP that takes over balances the same way');
    }
    for (const k of ['vrrpSyncGroups', 'virtualServerGroups'] as const) {
      if (!sameJson(c[k] ?? [], firstHost[1][k] ?? [])) err(at(host, `.${k}`), `${k === 'vrrpSyncGroups' ? 'vrrp_sync_group' : 'virtual_server_group'} blocks differ from ${firstHost[0]}'s`, (c[k] ?? []).map((g) => g.name), 'give every director the same groups');
    }
  }
}

// ───────────────────────────── one config ─────────────────────────────

const NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;
/** Printable ASCII keepalived reads as one bare word: no space, quote, backslash, comment or brace. */
const PASS_RE = /^[!-~]+$/;
const PASS_BAD = /["'\\#!${}]/;

/** Checks one director's config (fields named from `base`); returns it typed, or null when its shape is broken. */
function checkConfig(input: unknown, base: string, err: Report, parses: VirtualServersParses = new Map()): KeepalivedConfig | null {
  const cfg = typedConfig(input, base, err, parses);
  if (!cfg) return null;
  const g = cfg.globalDefs;
  if (g.scriptGroup !== undefined && g.scriptUser === undefined) err(`${base}.globalDefs.scriptGroup`, 'scriptGroup without scriptUser', g.scriptGroup, 'set scriptUser too');
  const scripts = checkScripts(cfg, base, err);
  const names = new Set<string>();
  const vrids = new Map<string, string>();
  cfg.vrrpInstances.forEach((inst, i) => checkInstance(inst, `${base}.vrrpInstances[${i}]`, cfg, scripts, names, vrids, err));
  checkLvsSync(cfg, base, err);
  checkSyncGroups(cfg, base, err);
  const serverGroups = checkServerGroups(cfg, base, err);
  const vsKeys = new Set<string>();
  cfg.virtualServers.forEach((vs, i) => checkVirtualServer(vs, `${base}.virtualServers[${i}]`, serverGroups, vsKeys, err));
  return cfg;
}

/**
 * The config as the model's schema reads it, each of its problems reported; null when its shape
 * is broken (a field rule leaves the shape intact: the rules between fields still run).
 */
function typedConfig(input: unknown, base: string, err: Report, parses: VirtualServersParses): KeepalivedConfig | null {
  const parsed = parseConfig(input, parses);
  if (parsed.success) return parsed.data as KeepalivedConfig;
  let shapeBroken = false;
  for (const issue of parsed.issues) {
    // Never echo a value that might be the auth_pass.
    const value = issue.path.includes('authentication') ? undefined : valueAt(input, issue.path);
    const rule = ruleOf(issue);
    if (rule) err(`${base}${pathSuffix(issue.path)}`, rule.reason, value, rule.fix);
    else if (issue.code === 'unrecognized_keys') {
      shapeBroken = true;
      for (const k of issue.keys) err(`${base}${pathSuffix([...issue.path, k])}`, 'unknown field', k, 'remove it, or put options the model lacks in `raw`');
    } else {
      shapeBroken = true;
      err(`${base}${pathSuffix(issue.path)}`, issue.message, value, 'see the KeepalivedConfig types in roles/keepalived/model.ts');
    }
  }
  return shapeBroken ? null : (input as KeepalivedConfig);
}

/** Every vrrp_script has its own name and a command keepalived.conf can hold; returns their names. */
function checkScripts(cfg: KeepalivedConfig, base: string, err: Report): Set<string> {
  const scripts = new Set<string>();
  (cfg.vrrpScripts ?? []).forEach((s, i) => {
    const at = `${base}.vrrpScripts[${i}]`;
    if (NAME_RE.test(s.name) && scripts.has(s.name)) err(`${at}.name`, 'duplicate vrrp_script name', s.name, 'give every vrrp_script its own name');
    scripts.add(s.name);
    checkCommand(s.script, `${at}.script`, err);
  });
  return scripts;
}

/** One virtual_server: listed once (`vsKeys`: those seen before), its sorry server, its real servers. */
function checkVirtualServer(vs: VirtualServer, at: string, serverGroups: ReadonlySet<string>, vsKeys: Set<string>, err: Report): void {
  const key = virtualServerKey(vs, at, serverGroups, err);
  if (key !== null) {
    if (vsKeys.has(key)) err(at, 'duplicate virtual_server', key, 'list each virtual server once; merge their real servers');
    vsKeys.add(key);
  }
  if (vs.sorryServer) {
    checkIp(vs.sorryServer.address, `${at}.sorryServer.address`, 'the sorry server', err);
    checkPort(vs.sorryServer.port, `${at}.sorryServer.port`, err);
  }
  const seen = new Map<string, number>();
  vs.realServers.forEach((r, j) => checkRealServer(vs, r, j, `${at}.realServers[${j}]`, seen, err));
  checkSorryIsNotInhibited(vs, at, err);
}

/** A real server that is also the sorry server may not have inhibit_on_failure: keepalived -t refuses the pair. */
function checkSorryIsNotInhibited(vs: VirtualServer, at: string, err: Report): void {
  const sorry = vs.sorryServer;
  if (!sorry) return;
  const sorryIp = ipKey(sorry.address);
  vs.realServers.forEach((r, j) => {
    if (!r.inhibitOnFailure || sorryIp === null || ipKey(r.address) !== sorryIp) return;
    if ((r.port ?? vs.port) !== sorry.port) return;
    err(`${at}.realServers[${j}].inhibitOnFailure`, 'this real server is also the sorry server: keepalived refuses inhibit_on_failure on it ("matches sorry server, but inhibit setting differs")', true,
      'give the sorry server another address or port (in the reference site: sorry_server), or drop inhibit_on_failure');
  });
}

/** Checks what names a virtual_server (its group, fwmark, or vip and port); returns its key, or null when unreadable. */
function virtualServerKey(vs: VirtualServer, at: string, serverGroups: ReadonlySet<string>, err: Report): string | null {
  if (vs.group !== undefined) return checkGroupServer(vs, at, serverGroups, err);
  if (vs.fwmark !== undefined) {
    if (vs.protocol !== undefined) err(`${at}.protocol`, 'a fwmark virtual server has no protocol', vs.protocol, 'drop protocol (keepalived ignores it: the firewall mark selects the packets)');
    if (vs.vip !== undefined || vs.port !== undefined) err(at, 'a virtual server has either fwmark or vip and port', { vip: vs.vip, port: vs.port, fwmark: vs.fwmark }, 'drop vip/port for a fwmark virtual server, or drop fwmark');
    if (vs.fwmark < 1 || vs.fwmark > 0xffffffff) {
      err(`${at}.fwmark`, 'fwmark out of range', vs.fwmark, 'give a mark from 1 to 4294967295');
      return null;
    }
    return `fwmark ${vs.fwmark}`;
  }
  const okIp = checkIp(vs.vip, `${at}.vip`, 'the virtual IP', err);
  const okPort = checkPort(vs.port, `${at}.port`, err);
  return okIp && okPort ? `${canonicalIp(vs.vip ?? '')} ${vs.port} ${vs.protocol ?? 'TCP'}` : null;
}

/** One real_server (the `j`th, at `rat`): address, port as the forwarding allows, listed once (`seen`), its check. */
function checkRealServer(vs: VirtualServer, r: KaRealServer, j: number, rat: string, seen: Map<string, number>, err: Report): void {
  const okIp = checkIp(r.address, `${rat}.address`, 'a real server', err);
  let okPort = true;
  if (vs.fwmark === undefined) okPort = checkPort(r.port, `${rat}.port`, err);
  else if (r.port !== undefined) {
    okPort = false;
    err(`${rat}.port`, 'a real server of a fwmark virtual server has no port', r.port, 'drop port (keepalived clears it: the firewall mark decides which ports reach it)');
  }
  if (okPort && (vs.lbKind ?? 'DR') === 'DR' && vs.fwmark === undefined && vs.port !== undefined && r.port !== vs.port && vs.port >= 1 && vs.port <= 65535) {
    err(`${rat}.port`, `real server port ${r.port} differs from the virtual port ${vs.port}`, r.port, 'in DR mode the real server port must equal the virtual port (or use lbKind "NAT" to map ports)');
  }
  if (okIp && okPort) {
    const key = r.port === undefined ? canonicalIp(r.address) : `${canonicalIp(r.address)} ${r.port}`;
    const first = seen.get(key);
    if (first !== undefined) err(rat, `duplicate real_server ${key} (also realServers[${first}])`, key, 'list each real server once per virtual server');
    else seen.set(key, j);
  }
  if (r.check) checkHealthCheck(r.check, `${rat}.check`, err);
}

/** A real server's health check: a MISC_CHECK's command, the connect port, an HTTP check's urls. */
function checkHealthCheck(c: HealthCheck, cat: string, err: Report): void {
  if (c.type === 'MISC_CHECK') {
    checkCommand(c.script, `${cat}.script`, err);
    return;
  }
  if (c.connectPort !== undefined) checkPort(c.connectPort, `${cat}.connectPort`, err);
  if (c.type === 'TCP_CHECK') return;
  if (c.url.length === 0) err(`${cat}.url`, `${c.type} needs at least one url`, c.url, 'add { path: "/", statusCode: 200 }');
}

function checkInstance(
  inst: VrrpInstance, at: string, cfg: KeepalivedConfig, scripts: Set<string>,
  names: Set<string>, vrids: Map<string, string>, err: Report,
): void {
  if (NAME_RE.test(inst.name) && names.has(inst.name)) err(`${at}.name`, 'duplicate vrrp_instance name', inst.name, 'give every vrrp_instance its own name');
  names.add(inst.name);
  if (inst.virtualRouterId >= 1 && inst.virtualRouterId <= 255) {
    const key = `${inst.interface} ${inst.virtualRouterId}`;
    const other = vrids.get(key);
    if (other !== undefined) err(`${at}.virtualRouterId`, `virtual_router_id also used by vrrp_instance ${other} on ${inst.interface}`, inst.virtualRouterId, 'give each instance on one interface its own virtual_router_id');
    else vrids.set(key, inst.name);
  }
  if (inst.addressOwner) {
    if (inst.priority !== 255) err(`${at}.priority`, 'an address owner has priority 255', inst.priority, 'set priority 255, or drop addressOwner');
  } else if (inst.priority < 1 || inst.priority > 254) {
    err(`${at}.priority`, 'priority out of range', inst.priority, inst.priority === 255 ? 'use 1–254; 255 is only for the owner of the virtual addresses (set addressOwner: true)' : 'give a priority from 1 to 254 (MASTER highest)');
  }
  if (inst.nopreempt && inst.state !== 'BACKUP') err(`${at}.nopreempt`, 'nopreempt needs state BACKUP', inst.state, 'set state BACKUP on every director (highest priority wins) to use nopreempt');
  if (inst.nopreempt && inst.preemptDelay !== undefined) err(`${at}.preemptDelay`, 'preempt_delay does nothing with nopreempt', inst.preemptDelay, 'drop preemptDelay, or drop nopreempt (keepalived resets one)');
  const auth = inst.authentication;
  if (auth) {
    const bytes = Buffer.byteLength(auth.pass, 'utf8');
    if (bytes === 0) err(`${at}.authentication.pass`, 'auth_pass is empty', undefined, 'give a password of 1 to 8 bytes, the same on every director');
    // the length of a secret is not said (it narrows a guess): only that it is over the limit
    else if (bytes > 8) err(`${at}.authentication.pass`, 'auth_pass is longer than 8 bytes', undefined, 'keepalived silently cuts auth_pass to 8 bytes: give at most 8');
    if (bytes > 0 && (!PASS_RE.test(auth.pass) || PASS_BAD.test(auth.pass))) {
      err(`${at}.authentication.pass`, 'auth_pass has characters keepalived.conf cannot hold as one word', undefined, 'use printable ASCII without spaces, quotes, backslash, "#", "!", "$" or braces');
    }
    if (cfg.globalDefs.vrrpStrict) err(`${at}.authentication`, 'authentication is not allowed with vrrp_strict', auth.type, 'drop authentication (RFC 5798 has none), or drop globalDefs.vrrpStrict');
  }
  const fam = checkVips(inst, at, err);
  if (inst.unicastSrcIp !== undefined) checkIp(inst.unicastSrcIp, `${at}.unicastSrcIp`, 'unicast_src_ip', err);
  (inst.unicastPeers ?? []).forEach((p, j) => checkIp(p, `${at}.unicastPeers[${j}]`, 'a unicast peer', err));
  if (cfg.globalDefs.vrrpStrict && (inst.unicastPeers?.length ?? 0) > 0) {
    err(`${at}.unicastPeers`, 'unicast peers are not allowed with vrrp_strict', inst.unicastPeers, 'drop unicastPeers (use multicast), or drop globalDefs.vrrpStrict');
  }
  if (fam === 'mixed') err(`${at}.virtualIpAddresses`, 'IPv4 and IPv6 virtual addresses in one instance', inst.virtualIpAddresses, 'put IPv6 addresses in a vrrp_instance of their own');
  checkVrrpTiming(cfg, inst, at, err);
  const ifaces = new Set<string>();
  (inst.trackInterfaces ?? []).forEach((t, j) => {
    const name = typeof t === 'string' ? t : t.name;
    if (name === inst.interface) err(`${at}.trackInterfaces[${j}]`, 'the instance interface is tracked anyway', name, 'drop it from trackInterfaces (keepalived ignores it): list other interfaces only');
    else if (ifaces.has(name)) err(`${at}.trackInterfaces[${j}]`, 'duplicate track_interface', name, 'track each interface once');
    ifaces.add(name);
  });
  const tracked = new Set<string>();
  (inst.trackScripts ?? []).forEach((t, j) => {
    const name = typeof t === 'string' ? t : t.name;
    if (tracked.has(name)) err(`${at}.trackScripts[${j}]`, 'duplicate track_script', name, 'track each vrrp_script once (keepalived ignores the repeat)');
    tracked.add(name);
    if (!scripts.has(name)) err(`${at}.trackScripts[${j}]`, 'track_script names no vrrp_script', name, `define it in vrrpScripts, or use one of: ${[...scripts].join(', ') || '(none defined)'}`);
  });
  for (const k of ['notifyMaster', 'notifyBackup', 'notifyFault', 'notify'] as const) {
    const c = inst[k];
    if (c !== undefined) checkCommand(c, `${at}.${k}`, err);
  }
}

/** `ADDR[/PREFIX] [dev IFACE] [label LABEL] [brd ADDR] [scope SCOPE]`. Returns the family seen. */
function checkVips(inst: VrrpInstance, at: string, err: Report): 'inet' | 'inet6' | 'mixed' | null {
  if (inst.virtualIpAddresses.length === 0) err(`${at}.virtualIpAddresses`, 'no virtual address', inst.virtualIpAddresses, 'list the VIP(s) this instance moves, e.g. ["10.77.0.10/32 dev eth0"]');
  const fams = new Set<string>();
  inst.virtualIpAddresses.forEach((entry, j) => {
    const f = `${at}.virtualIpAddresses[${j}]`;
    const [addr = '', ...opts] = entry.trim().split(/\s+/);
    const [ip = '', prefix, extra] = addr.split('/');
    const fam = ipFamily(ip);
    if (!fam || extra !== undefined) {
      err(f, 'invalid virtual address', entry, 'give "ADDRESS[/PREFIX] [dev IFACE] [label LABEL]", e.g. "10.77.0.10/32 dev eth0 label eth0:0"');
      return;
    }
    fams.add(fam);
    const max = fam === 'inet' ? 32 : 128;
    if (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= max)) err(f, `invalid prefix length /${prefix}`, entry, `give a prefix from 0 to ${max} (a VIP is usually /${max})`);
    let dev = inst.interface;
    for (let k = 0; k < opts.length; k += 2) {
      const key = opts[k] ?? '';
      const val = opts[k + 1];
      if (val === undefined || !['dev', 'label', 'brd', 'scope'].includes(key)) {
        err(f, `cannot read "${opts.slice(k).join(' ')}" in virtual address`, entry, 'only "dev IFACE", "label LABEL", "brd ADDRESS" and "scope SCOPE" may follow the address');
        return;
      }
      if (key === 'dev') {
        if (!isInterfaceName(val)) err(f, `invalid interface name ${val}`, entry, 'give a Linux interface name after dev, e.g. eth0');
        dev = val;
      } else if (key === 'label' && !(val.length <= 15 && (val === dev || val.startsWith(`${dev}:`)) && /^[A-Za-z0-9_.:@-]+$/.test(val))) {
        err(f, `invalid label ${val}`, entry, `a label starts with the interface name and a colon, at most 15 characters, e.g. ${dev}:0`);
      } else if (key === 'brd' && !ipFamily(val)) err(f, `invalid broadcast address ${val}`, entry, 'give an IPv4 address after brd');
      else if (key === 'scope' && !['global', 'host', 'link', 'site'].includes(val)) err(f, `invalid scope ${val}`, entry, 'use global, host, link or site');
    }
  });
  return fams.size > 1 ? 'mixed' : ((fams.values().next().value as 'inet' | 'inet6' | undefined) ?? null);
}

function checkCommand(c: ScriptCommand, field: string, err: Report): void {
  const words = scriptWords(c);
  if (!(words[0] ?? '').startsWith('/')) err(field, 'script path is not absolute', words[0], 'give the absolute path of the script, e.g. /usr/local/bin/check_web.sh');
  words.forEach((w, k) => {
    // eslint-disable-next-line no-control-regex
    if (w === '' || /["'\\$#!\u0000-\u001f\u007f]/.test(w)) {
      err(k === 0 ? field : `${field}.args[${k - 1}]`, 'script word keepalived.conf cannot quote', w, 'avoid empty words, quotes, backslashes, "$", "#", "!" and control characters (spaces are fine)');
    }
  });
}



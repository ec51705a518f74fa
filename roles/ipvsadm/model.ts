/**
 * The IPVS table as typed data: virtual services and their real servers, the way
 * `ipvsadm -S -n` shows them. Pure: validation and normalisation only, no I/O.
 */
import { fieldRule, SCHEDULER_NAMES, z, type SchedulerName } from 'lvs-play/kit';
import { LvsError, pathSuffix, ruleOf, ValidationErrors, valueAt } from 'lvs-play/kit';
import {
  canonicalIp,
  compareIp,
  formatHostPort,
  ipFamily,
  isIPv4Netmask,
  isPort,
  type IpFamily,
} from 'lvs-play/kit';

/** IPVS schedulers (kernel modules ip_vs_NAME): the kit's one list. */
export const SCHEDULERS = SCHEDULER_NAMES;
/** An IPVS scheduler's name. */
export type Scheduler = SchedulerName;

/** Scheduler flags (`-b`), in the order ipvsadm prints them. */
export const SCHED_FLAGS = ['sh-fallback', 'sh-port', 'mh-fallback', 'mh-port', 'flag-1', 'flag-2', 'flag-3'] as const;
/** A scheduler flag (`-b`). */
export type SchedFlag = (typeof SCHED_FLAGS)[number];

/** A virtual service's protocol: tcp, udp or fwmark. */
export type Protocol = 'tcp' | 'udp' | 'fwmark';
/** dr = `-g` (gatewaying, direct routing), nat = `-m` (masquerading), tunnel = `-i` (ipip). */
export type Forwarding = 'dr' | 'nat' | 'tunnel';
/** A tunnel's encapsulation (`--tun-type`). */
export type TunnelType = 'ipip' | 'gue' | 'gre';
/** A tunnel's checksum mode (`--tun-nocsum`, `--tun-csum`, `--tun-remcsum`). */
export type TunnelCsum = 'nocsum' | 'csum' | 'remcsum';

/** ipvsadm's longest persistence timeout (31 days), in seconds. */
export const MAX_PERSISTENCE = 2_678_400;

/** A real server of a virtual service: address, port, forwarding, weight, thresholds. */
export interface RealServer {
  address: string;
  /** Defaults to the virtual port (tcp/udp); absent for fwmark services means "any" (0). */
  port?: number;
  forwarding: Forwarding;
  /** 0–65535; 0 = quiesced (no new connections). */
  weight: number;
  /** `-x`: stop sending new connections above this many (0/absent = no limit). */
  upperThreshold?: number;
  /** `-y`: resume below this many. */
  lowerThreshold?: number;
  /** Tunnel encapsulation (`--tun-type`, tunnel forwarding only; default ipip). */
  tunType?: TunnelType;
  /** `--tun-port` for gue. */
  tunPort?: number;
  /** `--tun-nocsum|--tun-csum|--tun-remcsum` for gue/gre (default nocsum). */
  tunCsum?: TunnelCsum;
}

/** A virtual service (`ipvsadm -A`): its address and port or fwmark, scheduler, real servers. */
export interface VirtualService {
  protocol: Protocol;
  /** tcp/udp only. */
  vip?: string;
  /** tcp/udp only. */
  port?: number;
  /** fwmark services only. */
  fwmark?: number;
  /** fwmark services only: the address family they match (`-6`); default inet. */
  family?: IpFamily;
  scheduler: Scheduler;
  schedulerFlags?: SchedFlag[];
  /** Persistence timeout in seconds (`-p`). */
  persistence?: number;
  /** `-M`: a dotted netmask for IPv4 services, a prefix length (1–128) for IPv6 ones. */
  persistenceNetmask?: string | number;
  /** `--pe NAME`: persistence engine (e.g. sip). */
  persistenceEngine?: string;
  /** `-o`: one-packet scheduling (udp). */
  onePacket?: boolean;
  realServers: RealServer[];
}

// ───────────────────────────── zod shape ─────────────────────────────
// Types, known keys and the rules of one field (the kit's fieldRule: reason and fix). Rules between
// fields live in `checkService`, which also runs when only field rules failed, so every problem is
// reported at once, with a fix.

const int = z.number().int();
const threshold = (k: string) => fieldRule(int, (v) => v >= 0 && v <= 2147483647, `${k} out of range`, 'give a connection count from 0 (no limit) to 2147483647');
const realServerSchema = z
  .object({
    address: z.string(),
    port: int.optional(),
    forwarding: z.enum(['dr', 'nat', 'tunnel']),
    weight: fieldRule(int, (w) => w >= 0 && w <= 65535, 'weight out of range', 'give a weight from 0 to 65535 (0 stops new connections)'),
    upperThreshold: threshold('upperThreshold').optional(),
    lowerThreshold: threshold('lowerThreshold').optional(),
    tunType: z.enum(['ipip', 'gue', 'gre']).optional(),
    tunPort: int.optional(),
    tunCsum: z.enum(['nocsum', 'csum', 'remcsum']).optional(),
  })
  .strict();

const virtualServiceSchema = z
  .object({
    protocol: z.enum(['tcp', 'udp', 'fwmark']),
    vip: z.string().optional(),
    port: int.optional(),
    fwmark: int.optional(),
    family: z.enum(['inet', 'inet6']).optional(),
    scheduler: fieldRule(z.string(), (x) => (SCHEDULERS as readonly string[]).includes(x), 'unknown scheduler', `use one of: ${SCHEDULERS.join(', ')}`),
    schedulerFlags: z.array(z.string()).optional(),
    persistence: fieldRule(int, (p) => p >= 0 && p <= MAX_PERSISTENCE, 'persistence timeout out of range', `give seconds from 1 to ${MAX_PERSISTENCE} (31 days), or 0/absent for none`).optional(),
    persistenceNetmask: z.union([z.string(), int]).optional(),
    persistenceEngine: z.string().optional(),
    onePacket: z.boolean().optional(),
    realServers: z.array(realServerSchema),
  })
  .strict();

// ───────────────────────────── identity ─────────────────────────────

/** `-t 10.77.0.10:80`, `-u [2001:db8::1]:53`, `-f 7` or `-f 7 -6`: how ipvsadm names a service. */
export function serviceArgs(s: VirtualService): string[] {
  if (s.protocol === 'fwmark') {
    return s.family === 'inet6' ? ['-f', String(s.fwmark ?? 0), '-6'] : ['-f', String(s.fwmark ?? 0)];
  }
  return [s.protocol === 'tcp' ? '-t' : '-u', formatHostPort(canonicalIp(s.vip ?? ''), s.port ?? 0)];
}

/** A stable identity for a virtual service (the same service whatever its settings). */
export function serviceKey(s: VirtualService): string {
  return serviceArgs(s).join(' ');
}

/** The port a real server really gets: the virtual port when absent (tcp/udp), 0 for fwmark. */
export function effectivePort(s: VirtualService, r: RealServer): number {
  return r.port ?? (s.protocol === 'fwmark' ? 0 : (s.port ?? 0));
}

/** A stable identity for a real server within its service. */
export function realServerKey(s: VirtualService, r: RealServer): string {
  return formatHostPort(canonicalIp(r.address), effectivePort(s, r));
}

// ───────────────────────────── normalisation ─────────────────────────────

/**
 * The canonical form of valid services: defaults dropped, addresses canonical, real-server ports
 * explicit (tcp/udp), flags in ipvsadm's order, services and servers in ipvsadm's listing order.
 * `parseIpvsadmSave` returns this form, and reconciliation compares it.
 */
export function normaliseServices(services: readonly VirtualService[]): VirtualService[] {
  return services.map(normaliseService).sort(compareServices);
}

function normaliseService(s: VirtualService): VirtualService {
  const out: VirtualService =
    s.protocol === 'fwmark'
      ? { protocol: 'fwmark', fwmark: s.fwmark ?? 0, ...(s.family === 'inet6' ? { family: 'inet6' as const } : {}), scheduler: s.scheduler, realServers: [] }
      : { protocol: s.protocol, vip: canonicalIp(s.vip ?? ''), port: s.port ?? 0, scheduler: s.scheduler, realServers: [] };
  const flags = SCHED_FLAGS.filter((f) => s.schedulerFlags?.includes(f));
  if (flags.length > 0) out.schedulerFlags = flags;
  if (s.persistence) {
    out.persistence = s.persistence;
    const mask = normaliseNetmask(s.persistenceNetmask, serviceFamily(s));
    if (mask !== undefined) out.persistenceNetmask = mask;
  }
  if (s.persistenceEngine) out.persistenceEngine = s.persistenceEngine;
  if (s.onePacket) out.onePacket = true;
  out.realServers = s.realServers.map((r) => normaliseRealServer(s, r)).sort(compareRealServers);
  return out;
}

function normaliseNetmask(m: string | number | undefined, family: IpFamily): string | number | undefined {
  if (m === undefined) return undefined;
  if (family === 'inet6') {
    const n = typeof m === 'number' ? m : Number(m);
    return n === 128 ? undefined : n;
  }
  return m === '255.255.255.255' ? undefined : String(m);
}

function normaliseRealServer(s: VirtualService, r: RealServer): RealServer {
  const port = effectivePort(s, r);
  const out: RealServer = { address: canonicalIp(r.address), ...(port ? { port } : {}), forwarding: r.forwarding, weight: r.weight };
  if (r.upperThreshold) out.upperThreshold = r.upperThreshold;
  if (r.lowerThreshold) out.lowerThreshold = r.lowerThreshold;
  if (r.forwarding === 'tunnel' && r.tunType && r.tunType !== 'ipip') {
    out.tunType = r.tunType;
    if (r.tunType === 'gue' && r.tunPort !== undefined) out.tunPort = r.tunPort;
    if (r.tunCsum && r.tunCsum !== 'nocsum') out.tunCsum = r.tunCsum;
  }
  return out;
}

/** The address family of a service: from its VIP, or `family` for fwmark services. */
function serviceFamily(s: VirtualService): IpFamily {
  if (s.protocol === 'fwmark') return s.family ?? 'inet';
  return ipFamily(s.vip ?? '') ?? 'inet';
}

const PROTO_ORDER: Record<Protocol, number> = { tcp: 6, udp: 17, fwmark: 0 };

/** ipvsadm's order: by fwmark (0 first), family, protocol, address, port. */
function compareServices(a: VirtualService, b: VirtualService): number {
  return (
    (a.fwmark ?? 0) - (b.fwmark ?? 0) ||
    (serviceFamily(a) === serviceFamily(b) ? 0 : serviceFamily(a) === 'inet' ? -1 : 1) ||
    PROTO_ORDER[a.protocol] - PROTO_ORDER[b.protocol] ||
    compareIp(a.vip ?? '', b.vip ?? '') ||
    (a.port ?? 0) - (b.port ?? 0)
  );
}

function compareRealServers(a: RealServer, b: RealServer): number {
  return compareIp(a.address, b.address) || (a.port ?? 0) - (b.port ?? 0);
}

// ───────────────────────────── validation ─────────────────────────────

/** Where a services list came from, for messages (exported as IpvsadmWhere). */
export interface Where {
  file?: string;
  /** Path of the services list in that file, e.g. "services" or "vars.ipvs.services". */
  field: string;
}

/**
 * Checks user input against the model and returns it typed. Throws `ValidationErrors` listing
 * every problem found (file, field path, bad value, fix), not just the first one.
 */
export function validateServices(input: unknown, where: Where): VirtualService[] {
  const errors: LvsError[] = [];
  const err = (field: string, message: string, value: unknown, fix: string): void => {
    errors.push(new LvsError('E_VALIDATION', message, { ...(where.file ? { file: where.file } : {}), field, value, fix }));
  };
  if (!Array.isArray(input)) {
    err(where.field, 'virtual services must be a list', input, 'give an array of virtual services, e.g. [{ protocol: "tcp", vip, port, scheduler, realServers: [...] }]');
    throw new ValidationErrors(errors);
  }
  const typed: { i: number; s: VirtualService }[] = [];
  input.forEach((raw, i) => {
    const parsed = virtualServiceSchema.safeParse(raw);
    let s: VirtualService;
    if (parsed.success) s = parsed.data as VirtualService;
    else {
      // a field rule leaves the shape intact: the rules between fields still run
      let shapeBroken = false;
      for (const issue of parsed.error.issues) {
        const field = `${where.field}[${i}]${pathSuffix(issue.path)}`;
        const rule = ruleOf(issue);
        if (rule) err(field, rule.reason, valueAt(raw, issue.path), rule.fix);
        else if (issue.code === 'unrecognized_keys') {
          shapeBroken = true;
          for (const k of issue.keys) err(`${where.field}[${i}]${pathSuffix([...issue.path, k])}`, 'unknown field', k, 'remove it: see the VirtualService / RealServer types in roles/ipvsadm/model.ts for the fields');
        } else {
          shapeBroken = true;
          err(field, issue.message, valueAt(raw, issue.path), shapeFix(issue.path));
        }
      }
      if (shapeBroken) return;
      s = raw as VirtualService;
    }
    checkService(s, `${where.field}[${i}]`, err);
    typed.push({ i, s });
  });
  // Duplicate virtual services (only among those whose identity is readable).
  const seen = new Map<string, number>();
  for (const { i, s } of typed) {
    if (!identityValid(s)) continue;
    const key = serviceKey(s);
    const first = seen.get(key);
    if (first !== undefined) {
      err(`${where.field}[${i}]`, `duplicate virtual service ${key} (also ${where.field}[${first}])`, key, 'list each virtual service once; merge their real servers into one entry');
    } else seen.set(key, i);
  }
  if (errors.length > 0) throw new ValidationErrors(errors);
  return typed.map(({ s }) => s);
}

type Report = (field: string, message: string, value: unknown, fix: string) => void;

function identityValid(s: VirtualService): boolean {
  if (s.protocol === 'fwmark') return s.fwmark !== undefined && s.fwmark >= 1 && s.fwmark <= 0xffffffff;
  return ipFamily(s.vip ?? '') !== null && s.port !== undefined && isPort(s.port);
}

const PORT_FIX = 'a port is an integer from 1 to 65535';

/** The rules between one virtual service's fields, and those of each of its real servers. */
function checkService(s: VirtualService, at: string, err: Report): void {
  if (s.protocol === 'fwmark') checkFwmarkIdentity(s, at, err);
  else checkAddressIdentity(s, at, err);
  (s.schedulerFlags ?? []).forEach((f, j) => {
    const known = (SCHED_FLAGS as readonly string[]).includes(f);
    const prefix = f.startsWith('sh-') ? 'sh' : f.startsWith('mh-') ? 'mh' : null;
    if (!known) err(`${at}.schedulerFlags[${j}]`, 'unknown scheduler flag', f, `use one of: ${SCHED_FLAGS.join(', ')}`);
    else if (prefix && prefix !== s.scheduler) err(`${at}.schedulerFlags[${j}]`, `flag ${f} needs the ${prefix} scheduler`, f, `set scheduler to "${prefix}" or drop the flag`);
  });
  const family = identityValid(s) ? serviceFamily(s) : null;
  checkPersistenceNetmask(s, family, at, err);
  const seen = new Map<string, number>();
  s.realServers.forEach((r, j) => checkRealServer(s, r, j, family, `${at}.realServers[${j}]`, seen, err));
}

/** A fwmark service has a mark and neither vip nor port. */
function checkFwmarkIdentity(s: VirtualService, at: string, err: Report): void {
  if (s.fwmark === undefined || s.fwmark < 1 || s.fwmark > 0xffffffff) {
    err(`${at}.fwmark`, 'a fwmark service needs a firewall mark from 1 to 4294967295', s.fwmark, 'set fwmark to the mark your iptables/nftables rules put on the packets');
  }
  if (s.vip !== undefined) err(`${at}.vip`, 'a fwmark service has no vip', s.vip, 'drop vip (the firewall mark selects the packets), or use protocol "tcp"/"udp" with vip and port');
  if (s.port !== undefined) err(`${at}.port`, 'a fwmark service has no port', s.port, 'drop port (the firewall mark selects the packets), or use protocol "tcp"/"udp" with vip and port');
}

/** A tcp/udp service has a vip and a port, and neither fwmark nor family. */
function checkAddressIdentity(s: VirtualService, at: string, err: Report): void {
  if (s.vip === undefined) err(`${at}.vip`, `a ${s.protocol} service needs a vip`, s.vip, 'set vip to the virtual IPv4 or IPv6 address clients connect to');
  else if (!ipFamily(s.vip)) err(`${at}.vip`, 'invalid IP address', s.vip, 'give an IPv4 address like 10.77.0.10 or an IPv6 address like 2001:db8::10 (no host names, no prefix length)');
  if (s.port === undefined) err(`${at}.port`, `a ${s.protocol} service needs a port`, s.port, PORT_FIX);
  else if (!isPort(s.port)) err(`${at}.port`, 'port out of range', s.port, PORT_FIX);
  if (s.fwmark !== undefined) err(`${at}.fwmark`, `a ${s.protocol} service has no fwmark`, s.fwmark, 'drop fwmark, or use protocol "fwmark" without vip and port');
  if (s.family !== undefined) err(`${at}.family`, 'family is for fwmark services only', s.family, 'drop family: the vip says which family a tcp/udp service is');
}

/** A persistence netmask, if any, comes with persistence and fits the service's family (null: unknown). */
function checkPersistenceNetmask(s: VirtualService, family: IpFamily | null, at: string, err: Report): void {
  const m = s.persistenceNetmask;
  if (m === undefined) return;
  if (!s.persistence) err(`${at}.persistenceNetmask`, 'persistenceNetmask without persistence', m, 'set persistence (seconds) too, or drop persistenceNetmask');
  if (family === 'inet6' && !(Number.isInteger(Number(m)) && Number(m) >= 1 && Number(m) <= 128)) {
    err(`${at}.persistenceNetmask`, 'invalid IPv6 persistence netmask', m, 'give a prefix length from 1 to 128, e.g. 64');
  } else if (family === 'inet' && !(typeof m === 'string' && isIPv4Netmask(m))) {
    err(`${at}.persistenceNetmask`, 'invalid IPv4 persistence netmask', m, 'give a dotted netmask such as 255.255.255.0');
  }
}

/** One real server (the `j`th, at `rat`) of `s`: address family, port, thresholds, tunnel options, listed once (`seen`). */
function checkRealServer(s: VirtualService, r: RealServer, j: number, family: IpFamily | null, rat: string, seen: Map<string, number>, err: Report): void {
  const rfam = ipFamily(r.address);
  if (!rfam) err(`${rat}.address`, 'invalid IP address', r.address, 'give the real server as an IPv4 or IPv6 address (no host names, no port: use port)');
  else if (family && rfam !== family && r.forwarding !== 'tunnel') {
    err(`${rat}.address`, `an ${rfam === 'inet' ? 'IPv4' : 'IPv6'} real server in an ${family === 'inet' ? 'IPv4' : 'IPv6'} service`, r.address, 'use a real server of the same address family (only tunnel forwarding may mix families)');
  }
  if (r.port !== undefined) {
    const min = s.protocol === 'fwmark' ? 0 : 1;
    if (r.port < min || r.port > 65535) err(`${rat}.port`, 'port out of range', r.port, PORT_FIX);
    else if (r.forwarding === 'dr' && s.protocol !== 'fwmark' && s.port !== undefined && s.port >= 1 && s.port <= 65535 && r.port !== s.port) {
      err(`${rat}.port`, `real server port ${r.port} differs from the virtual port ${s.port}`, r.port, 'in DR mode the real server port must equal the virtual port (omit port, or use forwarding "nat" to map ports)');
    }
  }
  if (r.upperThreshold && r.lowerThreshold && r.lowerThreshold > r.upperThreshold) {
    err(`${rat}.lowerThreshold`, 'lowerThreshold above upperThreshold', r.lowerThreshold, `give a lowerThreshold at most ${r.upperThreshold}`);
  }
  checkTunnelOptions(r, rat, err);
  if (rfam && (r.port === undefined || (r.port >= 0 && r.port <= 65535))) {
    const key = realServerKey(s, r);
    const first = seen.get(key);
    if (first !== undefined) err(rat, `duplicate real server ${key} (also realServers[${first}])`, key, 'list each real server once per virtual service');
    else seen.set(key, j);
  }
}

/** Tunnel options only with tunnel forwarding; a tunnel port for gue, and only for gue. */
function checkTunnelOptions(r: RealServer, rat: string, err: Report): void {
  if (r.forwarding !== 'tunnel') {
    for (const k of ['tunType', 'tunPort', 'tunCsum'] as const) {
      if (r[k] !== undefined) err(`${rat}.${k}`, `${k} needs tunnel forwarding`, r[k], 'set forwarding to "tunnel", or drop the tunnel options');
    }
  } else if (r.tunType === 'gue' && (r.tunPort === undefined || r.tunPort < 1 || r.tunPort > 65535)) {
    err(`${rat}.tunPort`, 'a gue tunnel needs a tunnel port', r.tunPort, 'set tunPort to the UDP port the real server decapsulates on (1–65535)');
  } else if (r.tunType !== 'gue' && r.tunPort !== undefined) {
    err(`${rat}.tunPort`, 'tunPort is for gue tunnels only', r.tunPort, 'set tunType to "gue", or drop tunPort');
  }
}

function shapeFix(path: readonly (string | number)[]): string {
  const last = path[path.length - 1];
  switch (last) {
    case 'protocol': return 'use "tcp", "udp" or "fwmark"';
    case 'forwarding': return 'use "dr" (direct routing), "nat" or "tunnel"';
    case 'realServers': return 'give a list of real servers, e.g. [{ address: "10.77.0.16", forwarding: "dr", weight: 1 }]';
    case 'tunType': return 'use "ipip", "gue" or "gre"';
    case 'tunCsum': return 'use "nocsum", "csum" or "remcsum"';
    case undefined: return 'give an object with protocol, scheduler, realServers and vip/port or fwmark';
    default: return 'see the VirtualService / RealServer types in roles/ipvsadm/model.ts for the allowed fields and types';
  }
}



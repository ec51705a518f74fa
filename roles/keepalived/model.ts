/**
 * keepalived.conf (keepalived 2.2.7) as typed data: global_defs, vrrp_script, vrrp_instance and
 * virtual_server blocks. Pure types and zod shapes; rendering is in render.ts, rules in validate.ts.
 */
import { fieldRule, isInterfaceName, SCHEDULER_NAMES, z, type SchedulerName } from 'lvs-play/kit';
import { MAX_PERSISTENCE } from '../ipvsadm/model.js';

/** lb_algo values keepalived 2.2.7 accepts: the kit's one list of IPVS schedulers. */
export const LB_ALGOS = SCHEDULER_NAMES;
/** A virtual_server's lb_algo: an IPVS scheduler name. */
export type LbAlgo = SchedulerName;
/** A virtual_server's lb_kind (forwarding): DR, NAT or TUN. */
export type LbKind = 'DR' | 'NAT' | 'TUN';

/**
 * A script keepalived runs: a path (which may contain spaces), or a path with arguments.
 * Rendered as one double-quoted string with single-quoted words where needed, which is how
 * keepalived splits script parameters.
 */
export type ScriptCommand = string | { path: string; args?: string[] };

/** keepalived.conf's global_defs block. */
export interface GlobalDefs {
  /** Unique per director (shown in logs and notifications). */
  routerId: string;
  enableScriptSecurity?: boolean;
  /** User (and optional group) scripts run as; keepalived's default is keepalived_script. */
  scriptUser?: string;
  scriptGroup?: string;
  /** Strict RFC compliance: adds DROP rules for VIPs and forbids unicast and authentication. */
  vrrpStrict?: boolean;
  vrrpSkipCheckAdvAddr?: boolean;
  /** Seconds to wait before sending a second set of gratuitous ARPs after becoming MASTER. */
  vrrpGarpMasterDelay?: number;
  /**
   * `vrrp_version`: 2 (keepalived's default: advert_int in whole seconds) or 3 (RFC 5798:
   * centiseconds, so sub-second adverts; no authentication).
   */
  vrrpVersion?: 2 | 3;
  /** IPVS connection synchronisation between the directors (`lvs_sync_daemon`, sync.ts). */
  lvsSyncDaemon?: LvsSyncDaemon;
}

/**
 * `lvs_sync_daemon INTERFACE VRRP_INSTANCE [id N] [maxlen N]`: the kernel's IPVS sync daemon, MASTER
 * (sending the connection table) while the instance is MASTER, BACKUP (receiving) otherwise, by
 * multicast to 224.0.0.81 UDP 8848 on `interface`. Needs IPVS in the kernel (keepalived 2.2.7's
 * VRRP process crashes without it).
 */
export interface LvsSyncDaemon {
  interface: string;
  /** The vrrp_instance whose state the daemons follow. */
  instance: string;
  /** 0–255, the same on every director; keepalived's default is the instance's virtual_router_id. */
  syncId?: number;
  /** Largest sync packet (bytes, 1–65507; at most the interface MTU − 28). */
  maxlen?: number;
}

/** A vrrp_script block: a check script keepalived runs. */
export interface VrrpScript {
  name: string;
  script: ScriptCommand;
  /** Seconds between runs (keepalived's default 1). */
  interval?: number;
  timeout?: number;
  /** Added to (or, negative, subtracted from) the priority: -253..253. */
  weight?: number;
  fall?: number;
  rise?: number;
  /** `user USER [GROUP]` for this script. */
  user?: string;
}

/** A VRRP instance's authentication: PASS or AH, and its password (a secret, at most 8 bytes). */
export interface VrrpAuthentication {
  type: 'PASS' | 'AH';
  /** At most 8 bytes (keepalived silently cuts longer ones). A secret: never logged. */
  pass: string;
}

/** A vrrp_script a VRRP instance tracks (with an optional weight). */
export interface TrackScriptRef {
  name: string;
  weight?: number;
}

/** `track_interface { NAME [weight W] }`: weight 0 (none) puts the instance in FAULT when NAME is down. */
export interface TrackInterfaceRef {
  name: string;
  weight?: number;
}

/** A vrrp_instance block: state, interface, router id, priority, VIPs. */
export interface VrrpInstance {
  name: string;
  state: 'MASTER' | 'BACKUP';
  interface: string;
  /** 1–255, the same on every director of the instance. */
  virtualRouterId: number;
  /** 1–254 (255 only for the address owner). */
  priority: number;
  /** This director owns the virtual addresses (priority 255). */
  addressOwner?: boolean;
  /** Advertisement interval, seconds (> 0). */
  advertInt: number;
  authentication?: VrrpAuthentication;
  /** `10.77.0.10/32 dev eth0 label eth0:0`; only the address is required. */
  virtualIpAddresses: string[];
  unicastSrcIp?: string;
  unicastPeers?: string[];
  trackScripts?: (string | TrackScriptRef)[];
  trackInterfaces?: (string | TrackInterfaceRef)[];
  nopreempt?: boolean;
  preemptDelay?: number;
  notifyMaster?: ScriptCommand;
  notifyBackup?: ScriptCommand;
  notifyFault?: ScriptCommand;
  notify?: ScriptCommand;
}

/** A TCP_CHECK health check: a TCP connect. */
export interface TcpCheck {
  type: 'TCP_CHECK';
  connectTimeout: number;
  connectPort?: number;
  retry?: number;
  delayBeforeRetry?: number;
}

/** One url of an HTTP_GET check: path, expected status or digest. */
export interface HttpUrl {
  path: string;
  statusCode?: number;
  /** MD5 of the body, 32 hex digits (genhash). */
  digest?: string;
}

/** An HTTP_GET health check. */
export interface HttpGetCheck {
  type: 'HTTP_GET' | 'SSL_GET';
  url: HttpUrl[];
  /** The Host header sent (`virtualhost`); default: the real server's address. */
  virtualhost?: string;
  connectTimeout: number;
  connectPort?: number;
  retry?: number;
  delayBeforeRetry?: number;
}

/** A MISC_CHECK health check: a script on the director. */
export interface MiscCheck {
  type: 'MISC_CHECK';
  script: ScriptCommand;
  /** misc_timeout, seconds. */
  timeout?: number;
  /** misc_dynamic: the script's exit code 2-255 sets the weight (code - 2). */
  dynamic?: boolean;
}

/** A real server's health check: TCP_CHECK, HTTP_GET or MISC_CHECK. */
export type HealthCheck = TcpCheck | HttpGetCheck | MiscCheck;

/** A real_server block of a virtual_server. */
export interface KaRealServer {
  address: string;
  /** Required for a vip/port virtual server; absent for a fwmark one (keepalived clears it). */
  port?: number;
  weight: number;
  check?: HealthCheck;
  /** A failed check sets the weight to 0 instead of removing the server (`inhibit_on_failure`). */
  inhibitOnFailure?: boolean;
}

/** A virtual_server block: the VIP and port (or fwmark), scheduler, forwarding, real servers. */
export interface VirtualServer {
  /** With `port`; or use `fwmark`, or `group`. */
  vip?: string;
  port?: number;
  fwmark?: number;
  /** A `virtual_server group NAME`: the service on every address of that virtual_server_group. */
  group?: string;
  /** Seconds between health checks (delay_loop). */
  delayLoop?: number;
  lbAlgo: LbAlgo;
  /** Always rendered: keepalived's own default is NAT; ours is DR. */
  lbKind?: LbKind;
  persistenceTimeout?: number;
  /** Rendered always (default TCP), except for fwmark virtual servers, where keepalived ignores it. */
  protocol?: 'TCP' | 'UDP';
  sorryServer?: { address: string; port: number };
  quorum?: number;
  realServers: KaRealServer[];
}

/** Instances that change state together (`vrrp_sync_group NAME { group { … } }`). */
export interface VrrpSyncGroup {
  name: string;
  instances: string[];
}

/** A service's addresses (`virtual_server_group NAME { VIP PORT … | fwmark N … }`). */
export interface VirtualServerGroup {
  name: string;
  members: ({ vip: string; port: number } | { fwmark: number })[];
}

/** A whole keepalived.conf, as a typed model (rendered by the role, validated first). */
export interface KeepalivedConfig {
  globalDefs: GlobalDefs;
  vrrpScripts?: VrrpScript[];
  vrrpInstances: VrrpInstance[];
  vrrpSyncGroups?: VrrpSyncGroup[];
  virtualServerGroups?: VirtualServerGroup[];
  virtualServers: VirtualServer[];
  /** Appended verbatim at the end, for options the model lacks. Not validated. */
  raw?: string;
}

/** Where a keepalived config came from, for messages (exported as KeepalivedWhere). */
export interface Where {
  file?: string;
  /** Path of the config (or of the hosts map for a director pair) in that file. */
  field: string;
}

// ───────────────────────────── zod shapes ─────────────────────────────
// Types, known keys and the rules of one field (`rule`: what is wrong and the fix, in keepalived's
// terms). Rules between fields stay in validate.ts, which also runs when only field rules failed,
// so every problem is reported at once.

const num = z.number();
const int = z.number().int();

/** A field rule whose issue carries the reason and the fix, for validate.ts (the kit's fieldRule). */
const rule = fieldRule;

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const WORD_NAME_FIX = 'use letters, digits, "_", "-" or "."';
const trackWeight = rule(int, (w) => w >= -253 && w <= 253, 'weight out of range', 'give a weight from -253 to 253');
const trackedIface = rule(z.string(), isInterfaceName, 'invalid interface name', 'give a Linux interface name, e.g. eth1');
const above0 = (what: string, fix: string) => rule(num, (v) => v > 0, `${what} must be above 0`, fix);

const script = z.union([z.string(), z.object({ path: z.string(), args: z.array(z.string()).optional() }).strict()]);
const connect = {
  connectTimeout: above0('connect_timeout', 'give seconds, e.g. 3'),
  connectPort: int.optional(),
  retry: rule(int, (v) => v >= 0, 'retry must not be negative', 'give a count, e.g. 3').optional(),
  delayBeforeRetry: rule(num, (v) => v >= 0, 'delay_before_retry must not be negative', 'give seconds, e.g. 3').optional(),
};

const healthCheckSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('TCP_CHECK'), ...connect }).strict(),
  z.object({
    type: z.enum(['HTTP_GET', 'SSL_GET']),
    url: z.array(
      z.object({
        path: rule(z.string(), (p) => /^\/[^\s"'\\#!]*$/.test(p), 'invalid url path', 'give an absolute path without spaces, quotes, "#" or "!", e.g. /health'),
        statusCode: rule(int, (c) => c >= 100 && c <= 599, 'invalid HTTP status code', 'give a code from 100 to 599').optional(),
        digest: rule(z.string(), (d) => /^[0-9a-fA-F]{32}$/.test(d), 'invalid digest', 'give the 32 hex digits genhash prints (keepalived -T)').optional(),
      }).strict(),
    ),
    virtualhost: rule(z.string(), (h) => /^[A-Za-z0-9.:[\]-]{1,253}$/.test(h), 'invalid virtualhost', 'give a host name such as www.example.com (letters, digits, "-", ".")').optional(),
    ...connect,
  }).strict(),
  z.object({ type: z.literal('MISC_CHECK'), script, timeout: above0('misc_timeout', 'give seconds, e.g. 5').optional(), dynamic: z.boolean().optional() }).strict(),
]);

export const keepalivedConfigSchema = z
  .object({
    globalDefs: z
      .object({
        routerId: rule(z.string(), (r) => /^\S+$/.test(r) && !/["'#!]/.test(r), 'invalid router_id', 'use one word without spaces or quotes, e.g. the host name'),
        enableScriptSecurity: z.boolean().optional(),
        scriptUser: rule(z.string(), (u) => /^[a-z_][a-z0-9_-]{0,31}$/.test(u), 'invalid user name', 'use a POSIX user/group name such as keepalived_script').optional(),
        scriptGroup: rule(z.string(), (u) => /^[a-z_][a-z0-9_-]{0,31}$/.test(u), 'invalid group name', 'use a POSIX user/group name such as keepalived_script').optional(),
        vrrpStrict: z.boolean().optional(),
        vrrpSkipCheckAdvAddr: z.boolean().optional(),
        vrrpGarpMasterDelay: int.optional(),
        vrrpVersion: z.union([z.literal(2), z.literal(3)]).optional(),
        lvsSyncDaemon: z.object({
          interface: rule(z.string(), isInterfaceName, 'invalid interface name', 'give a Linux interface name, e.g. eth0 (the directors\' own network)'),
          instance: z.string(),
          syncId: rule(int, (v) => v >= 0 && v <= 255, 'sync id out of range', 'give a number from 0 to 255, the same on every director').optional(),
          maxlen: rule(int, (v) => v >= 1 && v <= 65507, 'maxlen out of range', 'give bytes from 1 to 65507 (at most the MTU - 28), or leave it out').optional(),
        }).strict().optional(),
      })
      .strict(),
    vrrpScripts: z
      .array(
        z.object({
          name: rule(z.string(), (n) => NAME.test(n), 'invalid vrrp_script name', WORD_NAME_FIX),
          script,
          interval: above0('interval', 'give seconds between runs, e.g. 2').optional(),
          timeout: num.optional(),
          weight: trackWeight.optional(),
          fall: int.optional(), rise: int.optional(), user: z.string().optional(),
        }).strict(),
      )
      .optional(),
    vrrpInstances: z.array(
      z.object({
        name: rule(z.string(), (n) => NAME.test(n), 'invalid vrrp_instance name', `${WORD_NAME_FIX}, e.g. VI_1`),
        state: z.enum(['MASTER', 'BACKUP']),
        interface: rule(z.string(), isInterfaceName, 'invalid interface name', 'give a Linux interface name (1–15 characters, no spaces, "/" or ":"), e.g. eth0'),
        virtualRouterId: rule(int, (v) => v >= 1 && v <= 255, 'virtual_router_id out of range', 'give a number from 1 to 255, the same on every director of this instance and unique on the LAN'),
        priority: int,
        addressOwner: z.boolean().optional(),
        advertInt: rule(num, (v) => v > 0 && v <= 255, 'advert_int out of range', 'give seconds above 0 (and at most 255), e.g. 1'),
        authentication: z.object({ type: z.enum(['PASS', 'AH']), pass: z.string() }).strict().optional(),
        virtualIpAddresses: z.array(z.string()),
        unicastSrcIp: z.string().optional(),
        unicastPeers: z.array(z.string()).optional(),
        trackScripts: z.array(z.union([z.string(), z.object({ name: z.string(), weight: trackWeight.optional() }).strict()])).optional(),
        trackInterfaces: z.array(z.union([trackedIface, z.object({ name: trackedIface, weight: trackWeight.optional() }).strict()])).optional(),
        nopreempt: z.boolean().optional(),
        preemptDelay: rule(num, (v) => v >= 0 && v <= 1000, 'preempt_delay out of range', 'give seconds from 0 to 1000').optional(),
        notifyMaster: script.optional(),
        notifyBackup: script.optional(),
        notifyFault: script.optional(),
        notify: script.optional(),
      }).strict(),
    ),
    vrrpSyncGroups: z.array(z.object({
      name: rule(z.string(), (n) => NAME.test(n), 'invalid vrrp_sync_group name', WORD_NAME_FIX),
      instances: z.array(z.string()),
    }).strict()).optional(),
    virtualServerGroups: z.array(z.object({
      name: rule(z.string(), (n) => NAME.test(n), 'invalid virtual_server_group name', WORD_NAME_FIX),
      members: z.array(z.union([z.object({ vip: z.string(), port: int }).strict(), z.object({ fwmark: int }).strict()])),
    }).strict()).optional(),
    virtualServers: z.array(
      z.object({
        vip: z.string().optional(),
        port: int.optional(),
        fwmark: int.optional(),
        group: rule(z.string(), (n) => NAME.test(n), 'invalid virtual_server_group name', WORD_NAME_FIX).optional(),
        delayLoop: above0('delay_loop', 'give the seconds between health checks, e.g. 6').optional(),
        lbAlgo: rule(z.string(), (a) => (LB_ALGOS as readonly string[]).includes(a), 'unknown lb_algo', `use one of: ${LB_ALGOS.join(', ')}`),
        lbKind: z.enum(['DR', 'NAT', 'TUN']).optional(),
        persistenceTimeout: rule(int, (t) => t >= 1 && t <= MAX_PERSISTENCE, 'persistence_timeout out of range', `give seconds from 1 to ${MAX_PERSISTENCE}, or leave it out for none`).optional(),
        protocol: z.enum(['TCP', 'UDP']).optional(),
        sorryServer: z.object({ address: z.string(), port: int }).strict().optional(),
        quorum: rule(int, (q) => q >= 1, 'quorum must be at least 1', 'give the minimum total weight of live real servers').optional(),
        realServers: z.array(
          z.object({
            address: z.string(),
            port: int.optional(),
            weight: rule(int, (w) => w >= 0 && w <= 65535, 'weight out of range', 'give a weight from 0 to 65535'),
            check: healthCheckSchema.optional(),
            inhibitOnFailure: z.boolean().optional(),
          }).strict(),
        ),
      }).strict(),
    ),
    raw: z.string().optional(),
  })
  .strict();

/** The words of a script command: [path, ...args]. */
export function scriptWords(c: ScriptCommand): string[] {
  return typeof c === 'string' ? [c] : [c.path, ...(c.args ?? [])];
}

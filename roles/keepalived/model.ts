/**
 * keepalived.conf (keepalived 2.2.7) as typed data: global_defs, vrrp_script, vrrp_instance and
 * virtual_server blocks. Pure types and zod shapes; rendering is in render.ts, rules in validate.ts.
 */
import { z } from 'lvs-play/kit';

/** lb_algo values keepalived 2.2.7 accepts (IPVS schedulers). */
export const LB_ALGOS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos'] as const;
export type LbAlgo = (typeof LB_ALGOS)[number];
export type LbKind = 'DR' | 'NAT' | 'TUN';

/**
 * A script keepalived runs: a path (which may contain spaces), or a path with arguments.
 * Rendered as one double-quoted string with single-quoted words where needed, which is how
 * keepalived splits script parameters.
 */
export type ScriptCommand = string | { path: string; args?: string[] };

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
}

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

export interface VrrpAuthentication {
  type: 'PASS' | 'AH';
  /** At most 8 bytes (keepalived silently cuts longer ones). A secret: never logged. */
  pass: string;
}

export interface TrackScriptRef {
  name: string;
  weight?: number;
}

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
  trackInterfaces?: string[];
  nopreempt?: boolean;
  preemptDelay?: number;
  notifyMaster?: ScriptCommand;
  notifyBackup?: ScriptCommand;
  notifyFault?: ScriptCommand;
  notify?: ScriptCommand;
}

export interface TcpCheck {
  type: 'TCP_CHECK';
  connectTimeout: number;
  connectPort?: number;
  retry?: number;
  delayBeforeRetry?: number;
}

export interface HttpUrl {
  path: string;
  statusCode?: number;
  /** MD5 of the body, 32 hex digits (genhash). */
  digest?: string;
}

export interface HttpGetCheck {
  type: 'HTTP_GET' | 'SSL_GET';
  url: HttpUrl[];
  connectTimeout: number;
  connectPort?: number;
  retry?: number;
  delayBeforeRetry?: number;
}

export interface MiscCheck {
  type: 'MISC_CHECK';
  script: ScriptCommand;
  /** misc_timeout, seconds. */
  timeout?: number;
}

export type HealthCheck = TcpCheck | HttpGetCheck | MiscCheck;

export interface KaRealServer {
  address: string;
  /** Required for a vip/port virtual server; absent for a fwmark one (keepalived clears it). */
  port?: number;
  weight: number;
  check?: HealthCheck;
}

export interface VirtualServer {
  /** With `port`; or use `fwmark`. */
  vip?: string;
  port?: number;
  fwmark?: number;
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

export interface KeepalivedConfig {
  globalDefs: GlobalDefs;
  vrrpScripts?: VrrpScript[];
  vrrpInstances: VrrpInstance[];
  virtualServers: VirtualServer[];
  /** Appended verbatim at the end, for options the model lacks. Not validated. */
  raw?: string;
}

export interface Where {
  file?: string;
  /** Path of the config (or of the hosts map for a director pair) in that file. */
  field: string;
}

// ───────────────────────────── zod shapes ─────────────────────────────
// Types and known keys only: value rules are in validate.ts, so every problem is reported at once.

const num = z.number();
const int = z.number().int();
const script = z.union([z.string(), z.object({ path: z.string(), args: z.array(z.string()).optional() }).strict()]);
const connect = { connectTimeout: num, connectPort: int.optional(), retry: int.optional(), delayBeforeRetry: num.optional() };

const healthCheckSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('TCP_CHECK'), ...connect }).strict(),
  z.object({
    type: z.enum(['HTTP_GET', 'SSL_GET']),
    url: z.array(z.object({ path: z.string(), statusCode: int.optional(), digest: z.string().optional() }).strict()),
    ...connect,
  }).strict(),
  z.object({ type: z.literal('MISC_CHECK'), script, timeout: num.optional() }).strict(),
]);

export const keepalivedConfigSchema = z
  .object({
    globalDefs: z
      .object({
        routerId: z.string(),
        enableScriptSecurity: z.boolean().optional(),
        scriptUser: z.string().optional(),
        scriptGroup: z.string().optional(),
        vrrpStrict: z.boolean().optional(),
        vrrpSkipCheckAdvAddr: z.boolean().optional(),
        vrrpGarpMasterDelay: int.optional(),
      })
      .strict(),
    vrrpScripts: z
      .array(
        z.object({
          name: z.string(), script, interval: num.optional(), timeout: num.optional(), weight: int.optional(),
          fall: int.optional(), rise: int.optional(), user: z.string().optional(),
        }).strict(),
      )
      .optional(),
    vrrpInstances: z.array(
      z.object({
        name: z.string(),
        state: z.enum(['MASTER', 'BACKUP']),
        interface: z.string(),
        virtualRouterId: int,
        priority: int,
        addressOwner: z.boolean().optional(),
        advertInt: num,
        authentication: z.object({ type: z.enum(['PASS', 'AH']), pass: z.string() }).strict().optional(),
        virtualIpAddresses: z.array(z.string()),
        unicastSrcIp: z.string().optional(),
        unicastPeers: z.array(z.string()).optional(),
        trackScripts: z.array(z.union([z.string(), z.object({ name: z.string(), weight: int.optional() }).strict()])).optional(),
        trackInterfaces: z.array(z.string()).optional(),
        nopreempt: z.boolean().optional(),
        preemptDelay: num.optional(),
        notifyMaster: script.optional(),
        notifyBackup: script.optional(),
        notifyFault: script.optional(),
        notify: script.optional(),
      }).strict(),
    ),
    virtualServers: z.array(
      z.object({
        vip: z.string().optional(),
        port: int.optional(),
        fwmark: int.optional(),
        delayLoop: num.optional(),
        lbAlgo: z.string(),
        lbKind: z.enum(['DR', 'NAT', 'TUN']).optional(),
        persistenceTimeout: int.optional(),
        protocol: z.enum(['TCP', 'UDP']).optional(),
        sorryServer: z.object({ address: z.string(), port: int }).strict().optional(),
        quorum: int.optional(),
        realServers: z.array(z.object({ address: z.string(), port: int.optional(), weight: int, check: healthCheckSchema.optional() }).strict()),
      }).strict(),
    ),
    raw: z.string().optional(),
  })
  .strict();

/** The words of a script command: [path, ...args]. */
export function scriptWords(c: ScriptCommand): string[] {
  return typeof c === 'string' ? [c] : [c.path, ...(c.args ?? [])];
}

/** Options of the linux-realserver role: zod schema with defaults, validated before any host is touched. */
import { absPath, ifaceName, ipv4, port, z } from 'lvs-play/kit';

export const DEFAULT_REALSERVER_SYSCTL_FILE = '/etc/sysctl.d/60-lvs-play-realserver.conf';
export const DEFAULT_REALSERVER_PERSIST_NAME = 'lvs-play-vips';

/** The options of `linuxRealServer()`: the zod schema, defaults included. */
export const linuxRealServerSchema = z
  .object({
    /** The VIPs this real server answers for (put on `lo` as /32). */
    vips: z.array(ipv4).min(1, 'at least one VIP').optional(),
    /** Shorthand for one VIP. */
    vip: ipv4.optional(),
    /** TCP service ports: checked for a listener (`ss -ltn`). */
    tcpPorts: z.array(port).default([]),
    /** Fail when nothing listens on a tcp port (read-only check). */
    checkListeners: z.boolean().default(true),
    /** The loopback interface the VIPs go on. */
    interface: ifaceName.default('lo'),
    /** First alias number: VIPs get labels lo:N, lo:N+1 … */
    labelStart: z.number().int().min(0).max(9999).default(0),
    /** Boot persistence of the VIPs: auto (Debian ifupdown stanza, RHEL ifcfg files) or none. */
    persist: z.enum(['auto', 'ifupdown', 'ifcfg', 'none']).default('auto'),
    /** Name of the ifupdown file under /etc/network/interfaces.d/. */
    persistName: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - (run-parts names)').default(DEFAULT_REALSERVER_PERSIST_NAME),
    /** Where arp_ignore/arp_announce are persisted. */
    sysctlFile: absPath.default(DEFAULT_REALSERVER_SYSCTL_FILE),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (!o.vips && !o.vip) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['vips'], message: "give vips: ['10.77.0.10'] (or vip)" });
    const n = [...new Set([...(o.vips ?? []), ...(o.vip ? [o.vip] : [])])].length;
    if (`${o.interface}:${o.labelStart + n - 1}`.length > 15) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['interface'], message: 'interface name too long for alias labels IF:N (15 characters at most)' });
    }
  })
  .transform((o) => ({
    vips: [...new Set([...(o.vips ?? []), ...(o.vip ? [o.vip] : [])])],
    tcpPorts: [...new Set(o.tcpPorts)].sort((a, b) => a - b),
    checkListeners: o.checkListeners,
    interface: o.interface,
    labelStart: o.labelStart,
    persist: o.persist,
    persistName: o.persistName,
    sysctlFile: o.sysctlFile,
  }));

/** What `linuxRealServer()` takes (before defaults). */
export type LinuxRealServerInput = z.input<typeof linuxRealServerSchema>;
/** The options of `linuxRealServer()` after defaults. */
export type LinuxRealServerOptions = z.output<typeof linuxRealServerSchema>;

/** Options of the director-base role (zod, with defaults). */
import { absPath, ifaceName, ipv4, z } from 'lvs-play/kit';

export const DEFAULT_DIRECTOR_SYSCTL_FILE = '/etc/sysctl.d/60-lvs-play-director.conf';
export const DEFAULT_DIRECTOR_PERSIST_NAME = 'lvs-play-director-vip';
export const IPVS_MODULES_LOAD_FILE = '/etc/modules-load.d/lvs-play-ipvs.conf';

const sysctlName = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.@/-]*[A-Za-z0-9_]$/, 'a dotted kernel parameter, e.g. net.ipv4.tcp_syncookies');

/** The options of `directorBase()`: the zod schema, defaults included. */
export const directorBaseSchema = z
  .object({
    /** The packet filter package to install: iptables, nftables, or none. */
    firewall: z.enum(['iptables', 'nftables', 'none']).default('iptables'),
    /** Install the packages at all (ipvsadm, iproute2, the firewall). */
    installPackages: z.boolean().default(true),
    /** More packages (same name on every family). */
    extraPackages: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9+._:~=-]*$/, 'a package name')).default([]),
    /** Where sysctls are persisted: a drop-in (default) or e.g. /etc/sysctl.conf. */
    sysctlFile: absPath.default(DEFAULT_DIRECTOR_SYSCTL_FILE),
    /** net.ipv4.ip_forward = 1. */
    ipForward: z.boolean().default(true),
    /** send_redirects = 0 on all, default and `interfaces`. */
    disableRedirects: z.boolean().default(true),
    /** Interfaces that exist now and get send_redirects = 0 too (`all` alone does not turn them off). */
    interfaces: z.array(ifaceName).default([]),
    /** Load ip_vs now and at boot (/etc/modules-load.d). Needed before any `ipvs` sysctl. */
    loadIpvsModule: z.boolean().default(false),
    /** net.ipv4.vs.* sysctls: they only exist while ip_vs is loaded. All off (untouched) by default. */
    ipvs: z
      .object({
        /** net.ipv4.vs.conntrack: keep netfilter conntrack entries for IPVS connections (stateful rules, SNAT). */
        conntrack: z.boolean().optional(),
        /** net.ipv4.vs.expire_nodest_conn: drop connections of a removed real server at once. */
        expireNodestConn: z.boolean().optional(),
        /** net.ipv4.vs.expire_quiescent_template: expire persistence templates of weight-0 servers. */
        expireQuiescentTemplate: z.boolean().optional(),
      })
      .strict()
      .default({}),
    /** Any other sysctls, persisted in the same file. */
    sysctls: z.record(sysctlName, z.union([z.string().regex(/\S/, 'a sysctl value, not blank'), z.number()])).default({}),
    /** A keepalived-less director: the VIP as /32 on this interface, live and persisted. */
    vip: z
      .object({
        address: ipv4,
        interface: ifaceName,
        /** Alias label; default IF:0. */
        label: z.string().max(15, 'at most 15 characters').optional(),
      })
      .strict()
      .optional(),
    /** Boot persistence of the VIP: auto (Debian ifupdown stanza, RHEL ifcfg), or none. */
    vipPersist: z.enum(['auto', 'ifupdown', 'ifcfg', 'none']).default('auto'),
  })
  .strict()
  .superRefine((o, ctx) => {
    const v = o.vip;
    if (v) {
      const label = v.label ?? `${v.interface}:0`;
      if (!label.startsWith(v.interface) || label.length > 15) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['vip', 'label'], message: `the label must start with the interface name ${v.interface} and have at most 15 characters (e.g. ${v.interface.slice(0, 13)}:0)` });
      }
    }
    const vs = Object.values(o.ipvs).some((x) => x !== undefined);
    if (vs && !o.loadIpvsModule) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['ipvs'], message: 'net.ipv4.vs.* sysctls exist only while ip_vs is loaded: set loadIpvsModule: true too' });
    }
  });

/** What `directorBase()` takes (before defaults). */
export type DirectorBaseInput = z.input<typeof directorBaseSchema>;
/** The options of `directorBase()` after defaults. */
export type DirectorBaseOptions = z.output<typeof directorBaseSchema>;

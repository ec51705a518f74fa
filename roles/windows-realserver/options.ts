/** Options of the windows-realserver role: schema (with defaults) and the resolved shape. */
import { ipv4, port, z } from 'lvs-play/kit';

export const DEFAULT_LOOPBACK_ALIAS = 'LVS Loopback';
export const DEFAULT_FIREWALL_RULE = 'lvs-play VIP';
/** The firewall group of the role's rule (2012+; netsh on 2008 R2 cannot set groups). */
export const FIREWALL_GROUP = 'lvs-play';

// the VIP and the ports: the kit's one definition of a unicast IPv4 address and of a port
const vip = ipv4;

/**
 * An interface alias as Windows allows it: any printable text up to 256 characters. Quotes, `$`,
 * backticks and semicolons are legal and arrive intact (values travel as data, never as code);
 * control characters and newlines are refused.
 */
const alias = z
  .string()
  .min(1, 'must not be empty')
  .max(256, 'at most 256 characters (IF_MAX_STRING_SIZE)')
  .refine((s) => !/[\u0000-\u001f\u007f\u0085\u2028\u2029]/.test(s), 'no control characters or newlines')
  .refine((s) => s.trim() === s, 'no leading or trailing spaces');

/** Stricter: on 2008 R2 the rule name travels as a netsh argument (`name=…`), where quotes break. */
const ruleName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,199}$/, 'letters, digits, spaces and . _ ( ) - (at most 200; it is a netsh argument on 2008 R2)');


/** The options of `windowsRealServer()`: the zod schema, defaults included. */
export const windowsRealServerSchema = z
  .object({
    /** The VIPs this real server answers for (put on the loopback adapter). */
    vips: z.array(vip).min(1, 'at least one VIP').optional(),
    /** Shorthand for one VIP. */
    vip: vip.optional(),
    /** TCP ports allowed to the VIPs in the Windows firewall. */
    tcpPorts: z.array(port).min(1, 'at least one port'),
    /** The NIC facing the directors; default: the adapter holding the host's inventory address. */
    nicAlias: alias.optional(),
    /**
     * Several NICs switched to weak host (the seed's real servers: ['extranet', 'intranet']); with
     * nicAlias, both count. Default: the one NIC above.
     */
    nics: z.array(alias).min(1, 'at least one NIC alias (or leave nics out)').optional(),
    /**
     * Weak host send on the NICs too (receive is what DR needs; the loopback always gets both).
     * The seed enables it: `weakHostSend: true`. Default false.
     */
    weakHostSend: z.boolean().default(false),
    loopbackAlias: alias.default(DEFAULT_LOOPBACK_ALIAS),
    firewallRuleName: ruleName.default(DEFAULT_FIREWALL_RULE),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (!o.vips && !o.vip) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['vips'], message: 'give vips: [...] (or vip)' });
    if (o.nicAlias !== undefined && o.nicAlias.toLowerCase() === o.loopbackAlias.toLowerCase()) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['nicAlias'], message: 'the NIC and the loopback adapter must differ' });
    }
    const seen = new Set<string>();
    (o.nics ?? []).forEach((n, i) => {
      const key = n.toLowerCase();
      if (key === o.loopbackAlias.toLowerCase()) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['nics', i], message: 'the NIC and the loopback adapter must differ' });
      if (seen.has(key)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['nics', i], message: `"${n}" is listed twice (Windows compares adapter names without case)` });
      seen.add(key);
    });
  })
  .transform((o) => ({
    vips: [...new Set([...(o.vips ?? []), ...(o.vip ? [o.vip] : [])])],
    tcpPorts: [...new Set(o.tcpPorts)].sort((a, b) => a - b),
    nicAlias: o.nicAlias ?? null,
    /** The NICs switched to weak host, by alias; empty: the adapter holding the host's address. */
    nics: [...new Set([...(o.nicAlias ? [o.nicAlias] : []), ...(o.nics ?? [])])],
    weakHostSend: o.weakHostSend,
    loopbackAlias: o.loopbackAlias,
    ruleName: o.firewallRuleName,
    ruleGroup: FIREWALL_GROUP,
  }));

/** What `windowsRealServer()` takes (before defaults). */
export type WindowsRealServerInput = z.input<typeof windowsRealServerSchema>;
/** The options of `windowsRealServer()` after defaults. */
export type WindowsRealServerOptions = z.output<typeof windowsRealServerSchema>;

/** Options of the firewall role (zod, with defaults). */
import { absPath, anyIpv4, ipv4, port, z } from 'lvs-play/kit';
import { SYNC_GROUP, SYNC_PORT } from '../keepalived/sync.js';

export const DEFAULT_NFT_FILE = '/etc/nftables.d/lvs-play.nft';
export const NFT_TABLE = 'lvs_play';

/** The options of `firewall()`: the zod schema, defaults included. */
export const firewallSchema = z
  .object({
    /** iptables (rules with a `lvs-play: ID` comment) or nftables (its own `table inet lvs_play`). */
    backend: z.enum(['iptables', 'nftables']).default('iptables'),
    /** VIPs the service ports are opened on; none = any destination address. */
    vips: z.array(ipv4).default([]),
    vip: ipv4.optional(),
    tcpPorts: z.array(port).default([]),
    udpPorts: z.array(port).default([]),
    /** Directors allowed to send VRRP (IP protocol 112) to this one; this host itself may be listed. */
    vrrpPeers: z.array(anyIpv4).default([]),
    /** Also accept VRRP to its multicast group 224.0.0.18 (from anyone). */
    vrrpMulticast: z.boolean().default(true),
    /**
     * IPVS connection sync (keepalived's lvs_sync_daemon): accept the sync daemon's UDP datagrams
     * from the other directors to its multicast group (default 224.0.0.81, port 8848).
     */
    lvsSync: z
      .object({ peers: z.array(anyIpv4).min(1, 'list the other directors (their addresses)'), group: anyIpv4.refine((a) => /^2(2[4-9]|3\d)\./.test(a), 'a multicast group (224.0.0.0 to 239.255.255.255)').default(SYNC_GROUP), port: port.default(SYNC_PORT) })
      .strict()
      .optional(),
    /** Firewall marks for IPVS fwmark services: packets to VIP:port get `mark` (marks.ts). */
    marks: z
      .array(z.object({ vip: ipv4, port, proto: z.enum(['tcp', 'udp']).default('tcp'), mark: z.number().int().min(1, 'a mark from 1 to 4294967295').max(0xffffffff, 'a mark from 1 to 4294967295') }).strict())
      .default([]),
    /** The SSH port kept open; its accept rule is always ensured first. */
    sshPort: port.default(22),
    /** The iptables chain (nftables: always the role's own input chain). */
    chain: z.string().regex(/^[A-Za-z0-9_-]{1,28}$/, 'an iptables chain name, e.g. INPUT').default('INPUT'),
    /** top: insert (`-I`) so a REJECT at the end of the chain cannot shadow the rules; append: `-A`. */
    position: z.enum(['top', 'append']).default('top'),
    /** Set the input policy to DROP (after SSH, loopback and established traffic are accepted). */
    defaultDrop: z.boolean().default(false),
    /** Delete rules carrying a `lvs-play:` comment that the options no longer produce. */
    prune: z.boolean().default(true),
    /** Save the rules where the distro restores them at boot. */
    persist: z.boolean().default(true),
    /** Override where iptables rules are saved (default: Debian /etc/iptables/rules.v4, RHEL /etc/sysconfig/iptables). */
    persistFile: absPath.optional(),
    /** Install the boot-time restore package (Debian iptables-persistent, RHEL iptables-services). */
    installPersistence: z.boolean().default(false),
    /** nftables: where the table is written. */
    nftFile: absPath.default(DEFAULT_NFT_FILE),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.backend === 'iptables' && o.chain !== 'INPUT' && o.defaultDrop) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['defaultDrop'], message: 'defaultDrop sets the policy of INPUT: use it with chain INPUT' });
    }
  })
  .transform((o) => ({
    ...o,
    vips: [...new Set([...o.vips, ...(o.vip ? [o.vip] : [])])],
    tcpPorts: [...new Set(o.tcpPorts)].sort((a, b) => a - b),
    udpPorts: [...new Set(o.udpPorts)].sort((a, b) => a - b),
    vrrpPeers: [...new Set(o.vrrpPeers)],
  }));

/** What `firewall()` takes (before defaults). */
export type FirewallInput = z.input<typeof firewallSchema>;
/** The options of `firewall()` after defaults. */
export type FirewallOptions = z.output<typeof firewallSchema>;

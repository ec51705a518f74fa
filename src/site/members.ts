/**
 * The site as one host sees it, each value read once through a schema (`host.var`): the VIPs, the
 * service ports, the real servers with their typed weights, the directors. playbooks/site.ts
 * builds every play from these; `siteOf` (model.ts) reads the same for status, drain and init.
 */
import { z } from 'zod';
import { absPath, ipv4, listOf, wholeNumber } from '../schema/schemas.js';
import type { HostView } from '../types.js';
import { groupOf } from './groups.js';
import { vipGroupsOf } from './vip-groups.js';

/** A real server of the site, as the directors balance it. */
export interface SiteMember {
  host: HostView;
  name: string;
  address: string;
  /** `weight` (0-65535, default 1). */
  weight: number;
  /** By its connection: winrm / psrp-ssh = windows. */
  os: 'linux' | 'windows';
}

// the schemas are made once: these run for every host (10 000 hosts: docs/scaling.md)
const VIPS = listOf(ipv4).describe('[192.168.1.10, 192.168.1.11]').optional();
const VIP = ipv4.optional();

/** The VIPs a host sets (every VIP of `vip_groups`, else `vips`, a list, else `vip`), or undefined when it sets none. */
export function configuredVips(host: HostView): string[] | undefined {
  const groups = vipGroupsOf(host);
  if (groups) return [...new Set(groups.flatMap((g) => g.vips))];
  const list = host.var('vips', VIPS);
  if (list) return list;
  const one = host.var('vip', VIP);
  return one === undefined ? undefined : [one];
}

/** The VIPs: every VIP of `vip_groups`, else `vips` (a list), else `vip` (one of them required). */
export const vipsOf = (host: HostView): string[] => configuredVips(host) ?? [host.var('vip', ipv4)];

const servicePort = wholeNumber(1, 65535).describe('80');
const PORTS = listOf(servicePort).describe('[80, 443]').optional();

/** The service ports (virtual services: every VIP × every port): `ports`, else `port`, else [80] (the seed). */
export function portsOf(host: HostView): number[] {
  const list = host.var('ports', PORTS);
  if (list) return list;
  return [host.var('port', servicePort, 80)];
}

const WEIGHT = wholeNumber(0, 65535).describe('1');
/** A real server's weight (`weight`, 0-65535, default 1); drained servers are kept at 0 on the directors. */
export const weightOf = (rs: HostView): number => rs.var('weight', WEIGHT, 1);

const groupNames = z.array(z.string().min(1)).describe('[linux_realservers, windows]');

/** The groups whose hosts are the real servers (`realserver_groups`, default: the Linux and the Windows group). */
export const realServerGroupsOf = (host: HostView): string[] => host.var('realserver_groups', groupNames, [groupOf(host, 'linux'), groupOf(host, 'windows')]);

const isWindows = (h: HostView): boolean => h.connection.type === 'winrm' || h.connection.type === 'psrp-ssh';

/** A host as a real server of the site. */
export const memberOf = (h: HostView): SiteMember => ({ host: h, name: h.name, address: h.address, weight: weightOf(h), os: isWindows(h) ? 'windows' : 'linux' });

/**
 * The real servers `host` (a director) balances: the hosts of its real-server groups, each once.
 * `group` looks a group up (default: `host.group`, which warns about a group the inventory lacks).
 */
export function realServersOf(host: HostView, group: (name: string) => readonly HostView[] = host.group): SiteMember[] {
  const seen = new Set<string>();
  return realServerGroupsOf(host)
    .flatMap((g) => group(g))
    .filter((h) => !seen.has(h.name) && (seen.add(h.name), true))
    .map(memberOf);
}

/** Where the site's keepalived writes its config on a director. */
export const KEEPALIVED_CONF = '/etc/keepalived/keepalived.conf';

/** A director's keepalived.conf (`keepalived_conf`, for a hand-managed keepalived elsewhere): status reads it, drain edits it. */
export const keepalivedConfOf = (director: HostView): string => director.var('keepalived_conf', absPath.describe('/etc/keepalived/keepalived.conf'), KEEPALIVED_CONF);

/** The directors as `host` sees them (its directors group). */
export const directorsOf = (host: HostView): readonly HostView[] => host.group(groupOf(host, 'directors'));

/**
 * The reference site: an LVS direct-routing cluster (seed walkthrough), as one playbook.
 *
 *   npx lvs-play playbooks/site.ts -i lab --check --diff     (the built-in lab)
 *   npx lvs-play playbooks/site.ts -i prod --list-tasks      (the reference inventory: never contacted here)
 *   npx lvs-play playbooks/site.ts -i hosts.ini -e directors_group=lb --list-hosts   (your inventory as it is)
 *
 * Everything site-specific is an inventory var with a default (the site model, src/site, for the
 * groups, VIPs, ports and weights; playbooks/site-settings.ts for the rest; the
 * list, with the seed's values, in docs/site.md): which groups are the directors and the Linux
 * and Windows real servers (directors_group, linux_realservers_group, windows_realservers_group),
 * the VIPs and ports, persistence, health checks, a sorry server, unicast VRRP, notify scripts,
 * the Windows NICs. A group that does not exist is an empty set (with a warning): a site with only
 * Linux, or only Windows, real servers needs nothing else.
 *   keepalived_install   'source' (default) or 'package'
 *   keepalived_tarball   the upstream tarball on the control node (a source build needs it; -i lab gives its cached copy)
 *   keepalived_args      daemon arguments (default ['-D']; the netns lab, which has no IPVS, uses --vrrp)
 *   ipvs_tuning          load ip_vs and set net.ipv4.vs.expire_nodest_conn=1 (default true): without it
 *                        IPVS silently drops a client whose reused source port still maps to a removed
 *                        real server (seen in the e2e as request timeouts). The netns lab has no IPVS: off.
 *   lvs_sync             IPVS connection sync between the directors (keepalived lvs_sync_daemon), default
 *                        true with two or more directors; needs IPVS (the netns lab: off). vrrp_version,
 *                        vrrp_advert_int, vrrp_track_interfaces, vrrp_track_scripts: docs/site.md.
 */
import { directorsOf, groupOf, groupPattern, play, playbook, portsOf, realServersOf, vipsOf, type HostView } from 'lvs-play';
import { absPath, flag, z } from 'lvs-play/kit';
import {
  directorBase,
  firewall,
  ipvsadm,
  keepalived,
  linuxRealServer,
  windowsRealServer,
  type DirectorSite,
  type KeepalivedBuildInput,
} from 'lvs-play/roles';
import { checkListenersOf, keepalivedArgsOf, serviceOf, vrrpOf, windowsNicsOf } from './site-settings.ts';
import { checkFor, healthChecksOf, inhibitOnFailureOf } from './site-checks.ts';
import { instancesPart, marksOf, siteVipsOf } from './site-vip-groups.ts';

const KEEPALIVED = {
  version: '2.2.7',
  sha256: 'c61940d874154a560a54627ecf7ef47adebdf832164368d10bf242a4d9b7d49d',
};

function site(host: HostView): DirectorSite {
  const vrrp = vrrpOf(host);
  const svc = serviceOf(host);
  const ports = portsOf(host);
  const checks = healthChecksOf(host, ports);
  const inhibit = inhibitOnFailureOf(host) ? { inhibitOnFailure: true } : {};
  const vips = siteVipsOf(host, vrrp.virtualRouterId);
  const members = realServersOf(host).map((rs) => ({ address: rs.address, weight: rs.weight, ...inhibit }));
  return {
    vips: vips.vips,
    ...instancesPart(vips),
    interface: vrrp.interface,
    virtualRouterId: vrrp.virtualRouterId,
    ...(vrrp.authPass ? { authPass: vrrp.authPass } : {}),
    advertInt: vrrp.advertInt,
    ...(vrrp.version !== 2 ? { vrrpVersion: vrrp.version } : {}),
    unicast: vrrp.unicast,
    ...(vrrp.notify ? { notify: { any: vrrp.notify } } : {}),
    ...(vrrp.trackInterfaces.length > 0 ? { trackInterfaces: vrrp.trackInterfaces } : {}),
    ...(vrrp.trackScripts.length > 0 ? { trackScripts: vrrp.trackScripts } : {}),
    ...(vrrp.lvsSync ? { lvsSync: vrrp.lvsSync } : {}),
    // one virtual service per VIP (or VIP group) and port (the seed: one VIP, port 80)
    // (a fwmark service covers every port: its health checks connect to the first)
    services: vips.addresses.flatMap((at) =>
      ('fwmark' in at ? ports.slice(0, 1) : ports).map((port) => ({
        ...at,
        port,
        lbAlgo: svc.lbAlgo,
        lbKind: 'DR' as const,
        delayLoop: svc.delayLoop,
        ...(svc.persistenceTimeout !== undefined ? { persistenceTimeout: svc.persistenceTimeout } : {}),
        ...(svc.sorryServer ? { sorryServer: { address: svc.sorryServer, port } } : {}),
        realServers: members.map((rs) => ({ ...rs, check: checkFor(port, checks.get(port), svc.check) })),
      })),
    ),
  };
}

function build(host: HostView): KeepalivedBuildInput {
  const install = host.var('keepalived_install', z.enum(['source', 'package']), 'source');
  if (install === 'package') return { version: KEEPALIVED.version, install };
  return { version: KEEPALIVED.version, sha256: KEEPALIVED.sha256, tarball: host.var('keepalived_tarball', absPath.describe('/srv/keepalived_2.2.7.orig.tar.gz')) };
}

export default playbook('lvs-dr', [
  play('linux real servers', { hosts: groupPattern('linux') }, (host) => [
    linuxRealServer({ vips: vipsOf(host), tcpPorts: portsOf(host), checkListeners: checkListenersOf(host) }),
  ]),

  play('windows real servers', { hosts: groupPattern('windows') }, (host) => [
    windowsRealServer({ vips: vipsOf(host), tcpPorts: portsOf(host), ...windowsNicsOf(host) }),
  ]),

  play('directors: base', { hosts: groupPattern('directors') }, (host) => {
    const peers = directorsOf(host).filter((d) => d.name !== host.name).map((d) => d.address);
    return [
      directorBase(host.var('ipvs_tuning', flag, true) ? { loadIpvsModule: true, ipvs: { expireNodestConn: true } } : {}),
      firewall({
        vips: vipsOf(host),
        tcpPorts: portsOf(host),
        vrrpPeers: peers,
        vrrpMulticast: !vrrpOf(host).unicast,
        // the IPVS sync daemon's multicast from the other directors (lvs_sync)
        ...(vrrpOf(host).lvsSync && peers.length > 0 ? { lvsSync: { peers } } : {}),
        ...marksOf(host),
      }),
      // keepalived owns the IPVS table: ipvsadm is only installed (for looking), never persisted
      ipvsadm(),
    ];
  }),

  // keepalived: built on every director at once, then rolled out one director at a time,
  // BACKUP first, each one reloaded and healthy before the next (the VIP is never unserved)
  ...keepalived.directorsPlays({
    site,
    build,
    hosts: groupPattern('directors'),
    group: (host) => groupOf(host, 'directors'),
    service: (host) => ({ args: keepalivedArgsOf(host) }),
    file: 'playbooks/site.ts',
  }),
]);

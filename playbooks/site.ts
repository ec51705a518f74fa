/**
 * The reference site: an LVS direct-routing cluster (seed walkthrough), as one playbook.
 *
 *   npx lvs-play playbooks/site.ts -i lab --check --diff     (the built-in lab)
 *   npx lvs-play playbooks/site.ts -i prod --list-tasks      (the reference inventory: never contacted here)
 *
 * Everything site-specific comes from inventory vars (with the defaults below), so one playbook
 * serves every inventory:
 *   vip                  the service address (all)
 *   vrrp: {state, priority}   per director
 *   weight               per real server (default 1)
 *   vrrp_interface       director NIC holding the VIP (default eth0)
 *   vrrp_router_id       VRRP virtual_router_id (default 51)
 *   vrrp_auth_pass       VRRP PASS auth (≤ 8 bytes); a non-empty $LVS_VRRP_PASS wins; none → no auth
 *   realserver_groups    groups whose hosts are the real servers (default linux_realservers, windows)
 *   keepalived_install   'source' (default) or 'package'
 *   keepalived_tarball   the upstream tarball on the control node (a source build needs it; -i lab gives its cached copy)
 *   keepalived_args      daemon arguments (default ['-D']; the netns lab, which has no IPVS, uses --vrrp)
 *   check_listeners      fail a real server when nothing listens on the port (default true)
 *   ipvs_tuning          load ip_vs and set net.ipv4.vs.expire_nodest_conn=1 (default true): without it
 *                        IPVS silently drops a client whose reused source port still maps to a removed
 *                        real server (seen in the e2e as request timeouts). The netns lab has no IPVS: off.
 */
import { play, playbook, type HostView } from 'lvs-play';
import { absPath, ifaceName, ipv4, z } from 'lvs-play/kit';
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

const PORT = 80;
const KEEPALIVED = {
  version: '2.2.7',
  sha256: 'c61940d874154a560a54627ecf7ef47adebdf832164368d10bf242a4d9b7d49d',
};

// every var is read through a schema: a missing or mistyped one stops the run before any host is
// contacted, naming the inventory file, the host and the variable
const vipOf = (host: HostView): string => host.var('vip', ipv4);
const flag = z.boolean();
const names = z.array(z.string().min(1)).describe('[linux_realservers, windows]');

function realServers(host: HostView) {
  const groups = host.var('realserver_groups', names, ['linux_realservers', 'windows']);
  return groups.flatMap((g) => host.group(g)).map((rs) => ({ address: rs.address, weight: rs.var('weight', z.number().int().min(0).max(65535), 1) }));
}

function site(host: HostView): DirectorSite {
  // an empty $LVS_VRRP_PASS is no password (as for every secret): the inventory's, else no auth
  const authPass = process.env.LVS_VRRP_PASS || host.var('vrrp_auth_pass', z.string().min(1).max(8, 'at most 8 bytes (keepalived PASS auth)').optional());
  return {
    vips: [vipOf(host)],
    interface: host.var('vrrp_interface', ifaceName, 'eth0'),
    virtualRouterId: host.var('vrrp_router_id', z.number().int().min(1, 'a VRRP router id is 1-255').max(255, 'a VRRP router id is 1-255').describe('51'), 51),
    ...(authPass ? { authPass } : {}),
    advertInt: 1,
    services: [
      {
        port: PORT,
        lbAlgo: 'wrr',
        lbKind: 'DR',
        delayLoop: host.var('delay_loop', z.number().int().positive().describe('6'), 6),
        realServers: realServers(host).map((rs) => ({ ...rs, check: { type: 'TCP_CHECK', connectTimeout: 3, connectPort: PORT } })),
      },
    ],
  };
}

function build(host: HostView): KeepalivedBuildInput {
  const install = host.var('keepalived_install', z.enum(['source', 'package']), 'source');
  if (install === 'package') return { version: KEEPALIVED.version, install };
  return { version: KEEPALIVED.version, sha256: KEEPALIVED.sha256, tarball: host.var('keepalived_tarball', absPath.describe('/srv/keepalived_2.2.7.orig.tar.gz')) };
}

export default playbook('lvs-dr', [
  play('linux real servers', { hosts: 'linux_realservers' }, (host) => [
    linuxRealServer({ vip: vipOf(host), tcpPorts: [PORT], checkListeners: host.var('check_listeners', flag, true) }),
  ]),

  play('windows real servers', { hosts: 'windows' }, (host) => [windowsRealServer({ vip: vipOf(host), tcpPorts: [PORT] })]),

  play('directors: base', { hosts: 'directors' }, (host) => [
    directorBase(host.var('ipvs_tuning', flag, true) ? { loadIpvsModule: true, ipvs: { expireNodestConn: true } } : {}),
    firewall({
      vip: vipOf(host),
      tcpPorts: [PORT],
      vrrpPeers: host.group('directors').filter((d) => d.name !== host.name).map((d) => d.address),
    }),
    // keepalived owns the IPVS table: ipvsadm is only installed (for looking), never persisted
    ipvsadm(),
  ]),

  // keepalived: built on every director at once, then rolled out one director at a time,
  // BACKUP first, each one reloaded and healthy before the next (the VIP is never unserved)
  ...keepalived.directorsPlays({
    site,
    build,
    service: (host) => ({ args: host.var('keepalived_args', z.array(z.string()).describe('[-D]'), ['-D']) }),
    file: 'playbooks/site.ts',
  }),
]);

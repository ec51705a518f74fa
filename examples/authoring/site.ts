// Our playbook: lvs-play's real-server role and our own role, on the same hosts. Which hosts are
// the Linux real servers and the VIPs come from lvs-play's site model (linux_realservers_group,
// vips / vip), as for lvs-play's own site, status and drain.
import { groupPattern, play, playbook, vipsOf } from 'lvs-play';
import { linuxRealServer } from 'lvs-play/roles';
import { siteHealth } from './roles/site-health.ts';

export default playbook('my site', [
  play('my real servers', { hosts: groupPattern('linux') }, (host) => [
    linuxRealServer({ vips: vipsOf(host), tcpPorts: [80], checkListeners: false }),
    siteHealth({ port: 80, timeoutSeconds: 2 }),
  ]),
]);

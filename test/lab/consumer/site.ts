// Our playbook: lvs-play's real-server role and our own role, on the same hosts.
import { play, playbook } from 'lvs-play';
import { ipv4 } from 'lvs-play/kit';
import { linuxRealServer } from 'lvs-play/roles';
import { siteHealth } from './roles/site-health.js';

export default playbook('my site', [
  play('my real servers', { hosts: 'linux_realservers' }, (host) => [
    linuxRealServer({ vip: host.var('vip', ipv4), tcpPorts: [80], checkListeners: false }),
    siteHealth({ port: 80, timeoutSeconds: 2 }),
  ]),
]);

// The reference site (see docs/inventory.md). Tests and the lab NEVER contact it:
// the lab mirrors it on 10.77.0.0/24 (`-i lab`).
import { inventory, secret } from 'lvs-play';

export default inventory({
  // vars of the implicit group `all`: every host sees them
  vars: { vip: '192.168.1.10' },
  groups: {
    directors: {
      connection: { type: 'ssh', user: 'root' },
      // keepalived's upstream tarball on the control node, built from source on the directors
      vars: { keepalived_tarball: '/srv/lvs-play/keepalived_2.2.7.orig.tar.gz' },
      hosts: {
        lvs1: { address: '192.168.1.14', vars: { vrrp: { state: 'MASTER', priority: 150 } } },
        lvs2: { address: '192.168.1.15', vars: { vrrp: { state: 'BACKUP', priority: 100 } } },
      },
    },
    windows: {
      connection: { type: 'winrm', user: 'Administrator', password: secret.env('WIN_PASSWORD') },
      hosts: {
        web1: { address: '192.168.1.16' },
        web2: { address: '192.168.1.17' },
      },
    },
    // The reference site has no Linux real servers; the group exists so host.group('linux_realservers') is [].
    linux_realservers: { hosts: {} },
  },
});

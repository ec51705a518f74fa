// The bench job for lvs-play (bench/job.yml is the same job for ansible-playbook; side by side in
// bench/README.md). Hosts: group `bench` of the generated INI inventory (bench/inventory.ts).
import { command, directory, file, lineInFile, play, playbook, sh, template, type HostView } from 'lvs-play';
import { directorBase } from 'lvs-play/roles';
import { renderKeepalived } from './keepalived-conf.ts';

const vip = (h: HostView): string => h.get('vip', '10.77.0.10');

export default playbook('bench', [
  play('bench job', { hosts: 'bench' }, (host) => [
    // 1-3: the director-base sysctls: ip_forward=1, send_redirects=0 (all, default), live + persisted
    directorBase({ installPackages: false, sysctlFile: '/etc/sysctl.d/90-bench-director.conf' }),
    // 4-5: two firewall rules (checked with iptables -C, appended when missing, as Ansible's module does)
    command({
      name: 'iptables: http to the VIP',
      cmd: sh`iptables -A INPUT -d ${vip(host)}/32 -p tcp -m tcp --dport 80 -m comment --comment bench-http -j ACCEPT`,
      unless: sh`iptables -C INPUT -d ${vip(host)}/32 -p tcp -m tcp --dport 80 -m comment --comment bench-http -j ACCEPT`,
    }),
    command({
      name: 'iptables: vrrp',
      cmd: sh`iptables -A INPUT -p vrrp -m comment --comment bench-vrrp -j ACCEPT`,
      unless: sh`iptables -C INPUT -p vrrp -m comment --comment bench-vrrp -j ACCEPT`,
    }),
    // 6: a directory; 7: a templated keepalived.conf (a real_server per bench host); 8: a file; 9: a line
    directory({ path: '/etc/bench', mode: 0o755 }),
    template({ path: '/etc/bench/keepalived.conf', mode: 0o644, render: () => renderKeepalived(vip(host), host.group('bench')) }),
    file({ path: '/etc/bench/motd', content: 'managed by the bench\n', mode: 0o644 }),
    lineInFile({ path: '/etc/bench/bench.conf', line: `weight = ${host.get('weight', 1)}`, regexp: '^weight', create: true, mode: 0o644 }),
  ]),
]);

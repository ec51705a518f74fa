// The same job as bench/realserver.yml, for lvs-play.
import { playbook, play, sysctl, file, lineInFile, directory } from 'lvs-play';

export default playbook('bench', [
  play('linux real servers (bench)', { hosts: 'directors:linux_realservers:clients' }, () => [
    sysctl({ name: 'net.ipv4.conf.all.arp_ignore', value: '1', file: '/etc/sysctl.d/98-bench.conf' }),
    sysctl({ name: 'net.ipv4.conf.all.arp_announce', value: '2', file: '/etc/sysctl.d/98-bench.conf' }),
    file({ path: '/etc/bench-motd', content: 'managed by the bench\n', mode: 0o644 }),
    lineInFile({ path: '/etc/bench.conf', line: 'weight = 3', regexp: '^weight', create: true, mode: 0o644 }),
    directory({ path: '/srv/bench', mode: 0o755 }),
  ]),
]);

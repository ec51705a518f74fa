// keepalived.conf of the bench job (bench/keepalived.conf.j2 renders the same bytes for Ansible).
import type { HostView } from 'lvs-play';

export function renderKeepalived(vip: string, hosts: readonly HostView[]): string {
  const rs = hosts.map((h) => `    real_server ${h.address} 80 {\n        weight ${h.get('weight', 1)}\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n`);
  return `# managed by the bench\nvirtual_server ${vip} 80 {\n    delay_loop 6\n    lb_algo wrr\n    lb_kind DR\n    protocol TCP\n${rs.join('')}}\n`;
}

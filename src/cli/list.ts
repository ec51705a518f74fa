import type { PlannedPlay } from '../run/select.js';
import { Redactor } from '../run/redact.js';

/** `--list-hosts`: each play's pattern and its hosts, as Ansible prints them. */
export function listHosts(plays: readonly PlannedPlay[]): string {
  const out: string[] = [];
  for (const p of plays) {
    out.push(`play "${p.play.name}" (${p.pattern}): ${p.hosts.length} host(s)`);
    for (const h of p.hosts) out.push(`    ${h.name}  ${h.address}`);
  }
  return out.join('\n');
}

/** `--list-tasks`: each play's tasks per host, with their tags; nothing is contacted. */
export function listTasks(plays: readonly PlannedPlay[]): string {
  const out: string[] = [];
  // a resource's name may hold a secret it declares (a path or a title built from it): masked as in a run
  const red = new Redactor();
  for (const p of plays) for (const hp of p.perHost.values()) for (const t of [...hp.tasks, ...hp.handlers.values()]) red.add(...(t.resource.secrets ?? []));
  for (const p of plays) {
    out.push(`play "${p.play.name}" (${p.pattern})${p.play.options.serial !== undefined ? ` serial=${p.play.options.serial}` : ''}`);
    for (const hp of p.perHost.values()) {
      out.push(`  ${hp.host.name}:`);
      for (const t of hp.tasks) {
        const flags = t.enabled ? '' : ' (skipped: condition false)';
        out.push(`    ${t.role ? `${t.role} | ` : ''}${red.redact(t.resource.id)}  TAGS: [${[...new Set(t.tags)].join(', ')}]${flags}`);
      }
      if (hp.handlers.size) out.push(`    handlers: ${[...hp.handlers.keys()].join(', ')}`);
    }
  }
  return out.join('\n');
}

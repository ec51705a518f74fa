/**
 * Ansible variables lvs-play does not apply: each is named once per run in a warning (not silently
 * dropped), with what to do instead. The mapped ones (src/inventory/ansible-vars.ts) and those the
 * ssh connection reads are applied; every other `ansible_*` var stays a plain var nobody reads.
 */
import type { Inventory } from '../types.js';
import type { Warn } from '../warnings.js';

/** Read by the ssh connection settings (ssh options, timeouts, key file, become method and user). */
const APPLIED_ELSEWHERE = new Set([
  'ansible_ssh_common_args',
  'ansible_ssh_extra_args',
  'ansible_timeout',
  'ansible_ssh_timeout',
  'ansible_ssh_private_key_file',
  'ansible_private_key_file',
  'ansible_become_method',
  'ansible_become_user',
]);

const HINTS: readonly (readonly [RegExp, string])[] = [
  [/^ansible_\w+_interpreter$/, 'lvs-play runs no Python or other interpreter on the hosts: remove it'],
  [/^ansible_(?:ssh_)?pipelining$|^ansible_ssh_retries$|^ansible_ssh_transfer_method$|^ansible_(?:sftp|scp)_extra_args$/, 'lvs-play keeps one SSH connection per host and sends commands and files through it: remove it'],
  [/^ansible_become_(?:exe|flags)$/, 'become is sudo with its default flags (connection.become, becomePassword)'],
  [/^ansible_shell_executable$/, 'commands run through the remote /bin/sh'],
  [/^ansible_(?:winrm|psrp)_/, 'set the WinRM connection with the mapped vars or a TypeScript inventory (docs/inventory.md)'],
  [/^ansible_(?:network_os|httpapi_|netconf_)/, 'network devices are not managed by lvs-play'],
  [/^ansible_(?:ssh_)?pass(?:word)?_file$|^ansible_ssh_executable$|^ansible_ssh_args$|^ansible_host_key_checking$/, 'set it in ~/.ssh/config or the inventory connection (docs/inventory.md, "Coming from Ansible")'],
];

/** Why an `ansible_*` var is not applied, or null when it is (or is not an Ansible var). */
export function unappliedHint(name: string): string | null {
  if (!name.startsWith('ansible_') || APPLIED_ELSEWHERE.has(name)) return null;
  for (const [re, hint] of HINTS) if (re.test(name)) return hint;
  return 'no lvs-play setting reads it: use the matching connection field (docs/inventory.md) or remove it';
}

/** One warning per unapplied Ansible var name, with how many hosts have it. */
export function warnUnappliedAnsibleVars(inv: Inventory, warn: Warn): void {
  const hosts = new Map<string, string[]>();
  for (const h of inv.hosts) for (const name of Object.keys(h.vars)) if (unappliedHint(name) !== null) hosts.set(name, [...(hosts.get(name) ?? []), h.name]);
  for (const [name, on] of [...hosts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const where = on.length === 1 ? `host ${on[0]}` : `${on.length} hosts, e.g. ${on[0]}`;
    warn(`${inv.source}: Ansible variable ${name} (on ${where}) is not applied by lvs-play: ${unappliedHint(name)}`);
  }
}

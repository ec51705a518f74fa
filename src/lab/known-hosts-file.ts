/** Writes labDir()/known_hosts and labDir()/inventory.yml from the topology and host keys. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { HOST_KEY_TYPES } from './configure.js';
import { paths } from './paths.js';
import { writeFileAtomic } from './state.js';
import type { LabHost } from './topology.js';
import { vmKnownHostsLines } from './vm-variant.js';

/**
 * Every host's keys by address. An address held by a running lab VM (`lab up --directors vm`) gets
 * that VM's key instead, so the node-ssh transport (which reads only this file) verifies the VM.
 * `notHere`: hosts not run as namespaces now (their netns keys may not exist; a VM key is used if any).
 */
export async function writeKnownHosts(hosts: readonly LabHost[], notHere: readonly string[] = []): Promise<void> {
  const lines: string[] = [];
  const vms = await vmKnownHostsLines();
  for (const h of hosts) {
    const vm = vms.get(h.address);
    if (vm) {
      lines.push(vm);
      continue;
    }
    if (notHere.includes(h.name)) continue;
    for (const t of HOST_KEY_TYPES) {
      const pub = (await readFile(join(paths.hostKeys(h.name), `ssh_host_${t}_key.pub`), 'utf8')).trim();
      const [type, key] = pub.split(/\s+/);
      lines.push(`${h.address} ${type} ${key}`);
    }
  }
  // Lab VMs on addresses outside the topology (e.g. the VM test's spare address) keep their lines too.
  const topoAddresses = new Set(hosts.map((h) => h.address));
  for (const [address, line] of vms) if (!topoAddresses.has(address)) lines.push(line);
  await writeFileAtomic(paths.knownHosts(), `${lines.join('\n')}\n`);
}

/** An Ansible YAML inventory of the lab (to compare with `ansible-inventory -i … --list`). */
export async function writeAnsibleInventory(hosts: readonly LabHost[]): Promise<void> {
  const groups: Record<string, { hosts: Record<string, Record<string, unknown>> }> = {};
  for (const h of hosts) {
    const conn: Record<string, unknown> =
      h.kind === 'powershell'
        ? { ansible_connection: 'ssh', ansible_shell_type: 'powershell' }
        : { ansible_connection: 'ssh' };
    const vars = {
      ansible_host: h.address,
      ansible_user: 'root',
      ansible_ssh_private_key_file: paths.key(),
      ansible_ssh_common_args: `-o UserKnownHostsFile=${paths.knownHosts()} -o StrictHostKeyChecking=yes`,
      ...conn,
      ...h.vars,
    };
    for (const g of h.groups.length ? h.groups : ['ungrouped']) {
      (groups[g] ??= { hosts: {} }).hosts[h.name] = vars;
    }
  }
  const doc = { all: { children: groups } };
  await writeFileAtomic(paths.inventoryYml(), `# Written by lvs-play lab up.\n${stringify(doc)}`);
}

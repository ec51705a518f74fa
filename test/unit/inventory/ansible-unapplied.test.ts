/** Ansible variables lvs-play does not apply are named once each in a warning, with what to do. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unappliedHint } from '../../../src/inventory/ansible-unapplied.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { onceWarner } from '../../../src/warnings.js';
import { PassThrough } from 'node:stream';

const INI = `[directors]
lvs1 ansible_host=10.0.0.14 ansible_python_interpreter=/usr/bin/python3
lvs2 ansible_host=10.0.0.15 ansible_python_interpreter=/usr/bin/python3 ansible_ssh_pipelining=true
[directors:vars]
ansible_user=root
ansible_ssh_common_args='-o UserKnownHostsFile=/tmp/kh -o ProxyJump=bastion'
ansible_timeout=10
ansible_become_method=sudo
ansible_become_user=root
ansible_winrm_read_timeout_sec=60
vrrp_interface=eth1
`;

describe('Ansible vars lvs-play does not apply', () => {
  it('one warning per variable name (not per host), naming it, its hosts and what to do; applied vars are silent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvs-unapplied-'));
    writeFileSync(join(dir, 'hosts.ini'), INI);
    const out = new PassThrough();
    await loadInventory(join(dir, 'hosts.ini'), { cwd: dir, warn: onceWarner(out) });
    const lines = String(out.read() ?? '').trim().split('\n');
    expect(lines).toEqual([
      `[WARNING]: hosts.ini: Ansible variable ansible_python_interpreter (on 2 hosts, e.g. lvs1) is not applied by lvs-play: lvs-play runs no Python or other interpreter on the hosts: remove it`,
      `[WARNING]: hosts.ini: Ansible variable ansible_ssh_pipelining (on host lvs2) is not applied by lvs-play: lvs-play keeps one SSH connection per host and sends commands and files through it: remove it`,
      `[WARNING]: hosts.ini: Ansible variable ansible_winrm_read_timeout_sec (on 2 hosts, e.g. lvs1) is not applied by lvs-play: set the WinRM connection with the mapped vars or a TypeScript inventory (docs/inventory.md)`,
    ]);
  });

  it('applied, mapped and non-Ansible vars have no hint', () => {
    for (const n of ['vrrp_interface', 'ansible_ssh_common_args', 'ansible_timeout', 'ansible_ssh_timeout', 'ansible_become_method', 'ansible_become_user', 'ansible_ssh_private_key_file']) expect(unappliedHint(n)).toBeNull();
    expect(unappliedHint('ansible_group_priority')).toContain('no lvs-play setting reads it');
  });
});

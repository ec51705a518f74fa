import { describe, expect, it } from 'vitest';
import { knownHostsFromSshArgs } from '../../../src/inventory/ansible-vars.js';
import { parseAnsibleIni } from '../../../src/inventory/ansible-ini.js';

describe('ansible_ssh_common_args: the known_hosts file', () => {
  it('takes -o UserKnownHostsFile=FILE in its spellings', () => {
    expect(knownHostsFromSshArgs('-o UserKnownHostsFile=/x/kh -o StrictHostKeyChecking=yes')).toBe('/x/kh');
    expect(knownHostsFromSshArgs('-oUserKnownHostsFile=/x/kh')).toBe('/x/kh');
    expect(knownHostsFromSshArgs('-o UserKnownHostsFile "/x y/kh"')).toBe('/x y/kh');
    expect(knownHostsFromSshArgs('-C -o ControlMaster=auto')).toBeUndefined();
  });

  it('an INI inventory gives it to the ssh connection and keeps the var', () => {
    const spec = parseAnsibleIni("[web]\nw1 ansible_host=10.77.0.100\n[all:vars]\nansible_ssh_common_args='-o UserKnownHostsFile=/lab/known_hosts'\n", 'hosts.ini');
    const json = JSON.stringify(spec);
    expect(json).toContain('"knownHosts":"/lab/known_hosts"');
    expect(json).toContain('ansible_ssh_common_args');
  });
});

/** Inventories with Ansible Vault data: whole encrypted vars files, `!vault` values, -e files; what they open is a secret. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseExtraVars } from '../../../src/inventory/extra-vars.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { isSecretRef } from '../../../src/inventory/secret.js';
import { Vault } from '../../../src/vault/vault.js';
import { loadFailure, tree } from '../inventory/tree.js';

const fx = join(import.meta.dirname, 'fixtures');
const read = (f: string): string => readFileSync(join(fx, f), 'utf8');
const PW = { id: 'default', password: Buffer.from('lvs-fixture-pw'), source: 'file pass.txt' };
const PROD = { id: 'prod', password: Buffer.from('other-pw'), source: 'file pass-prod.txt' };


/** `NAME: !vault |` text from `ansible-vault encrypt_string`, indented by `by` more spaces. */
const inline = (f: string, by: number): string => read(f).split('\n').map((l) => (l ? ' '.repeat(by) + l : l)).join('\n');

const INI = '[directors]\nlvs1 ansible_host=10.0.0.14\n[windows]\nwin1 ansible_host=10.0.0.18\n[windows:vars]\nansible_connection=winrm\nansible_user=Administrator\n';


describe('vaulted inventories', () => {
  it('group_vars/all/vault.yml encrypted whole, host_vars per value (1.1 and 1.2): values read, every one a secret', async () => {
    const dir = tree({
      'hosts.ini': INI,
      'group_vars/all/vars.yml': 'site: lab\n',
      'group_vars/all/vault.yml': read('v11.yml'),
      'host_vars/win1.yml': `${inline('inline12.txt', 0).replace('win_password', 'ansible_password')}\n`,
      'group_vars/directors.yml': `${inline('inline11.txt', 0)}\n`,
    });
    const vault = new Vault([PW, PROD]);
    const inv = await loadInventory(join(dir, 'hosts.ini'), { cwd: dir, vault });
    const lvs1 = inv.hosts.find((h) => h.name === 'lvs1')!;
    expect(lvs1.vars).toMatchObject({ site: 'lab', secret: 's3cr3t vrrp', port: 8080, vrrp_auth_pass: 'pw-ä§' });
    const win = inv.hosts.find((h) => h.name === 'win1')!.connection as { password?: unknown };
    expect(isSecretRef(win.password)).toBe(true);
    expect(JSON.stringify(win)).not.toContain('Wïn!pass');
    // the run's redactor gets them: strings of the whole file and each !vault value (not the number)
    expect([...(inv.secrets ?? [])].sort()).toEqual(['Wïn!pass', 'pw-ä§', 's3cr3t vrrp']);
  });

  it('!vault values in a YAML inventory', async () => {
    const dir = tree({ 'inv.yml': `all:\n  vars:\n${inline('inline11.txt', 4)}\n  hosts:\n    lvs1:\n` });
    const inv = await loadInventory(join(dir, 'inv.yml'), { cwd: dir, vault: new Vault([PW]) });
    expect(inv.hosts[0]?.vars['vrrp_auth_pass']).toBe('pw-ä§');
    expect(inv.secrets).toEqual(['pw-ä§']);
  });

  it('no password: fails before anything, naming the file and the flag to add', async () => {
    const dir = tree({ 'hosts.ini': INI, 'group_vars/all/vault.yml': read('v12-prod.yml') });
    const e = await loadFailure(loadInventory(join(dir, 'hosts.ini'), { cwd: dir }));
    expect(e.code).toBe('E_VAULT');
    expect(e.message).toContain('group_vars/all/vault.yml');
    expect(e.message).toContain('vault id "prod"');
    expect(e.message).toContain('--vault-password-file');
  });

  it('a wrong password for an inline value names the file and the var', async () => {
    const dir = tree({ 'inv.yml': `all:\n  vars:\n${inline('inline12.txt', 4)}\n  hosts:\n    lvs1:\n` });
    const e = await loadFailure(loadInventory(join(dir, 'inv.yml'), { cwd: dir, vault: new Vault([PW]) }));
    expect(e.message).toContain('inv.yml: all.vars.win_password');
    expect(e.message).toContain('decryption failed');
  });

  it('a vaulted value never shows in a variable problem', async () => {
    const dir = tree({ 'inv.yml': `all:\n  vars:\n${inline('inline11.txt', 4).replace('vrrp_auth_pass', 'weight')}\n  hosts:\n    lvs1:\n` });
    const inv = await loadInventory(join(dir, 'inv.yml'), { cwd: dir, vault: new Vault([PW]) });
    let message = '';
    try {
      inv.hosts[0]!.var('weight', z.number());
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('variable "weight" is invalid');
    expect(message).not.toContain('pw-ä§');
  });

  it('-e @file: whole encrypted, or with !vault values', async () => {
    const dir = tree({ 'whole.yml': read('v11.yml'), 'inline.yml': `${inline('inline12.txt', 0)}\n` });
    const vault = new Vault([PW, PROD]);
    expect(await parseExtraVars(['@whole.yml', '@inline.yml'], { cwd: dir, vault })).toEqual({ secret: 's3cr3t vrrp', port: 8080, win_password: 'Wïn!pass' });
    expect([...vault.revealed()].sort()).toEqual(['Wïn!pass', 's3cr3t vrrp']);
    expect((await loadFailure(parseExtraVars(['@whole.yml'], { cwd: dir }))).message).toContain('no vault password was given');
  });
});

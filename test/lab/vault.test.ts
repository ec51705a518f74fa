/**
 * Ansible Vault on the lab: the lab's VRRP password lives in a group_vars/all/vault.yml encrypted by
 * the real ansible-vault (vault id "lab", its password printed by a script); the directors converge
 * with it (keepalived.conf on lvs1 holds it) and it never shows in stdout, stderr, --json or a saved
 * plan. A become password given as an inline `!vault` value (made by lvs-play vault encrypt_string)
 * runs a command as root on rs1 through sudo. win1's WinRM password, also an inline `!vault` value,
 * converges the Windows real server over WinRM (NTLM, encrypted) and never shows. A wrong vault
 * password fails before any host (exit 4).
 * Afterwards the directors are converged back to the lab's own inventory.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_BECOME_PW_USER, LAB_SUDO_PASSWORD } from '../../src/lab/index.js';
import { labDir, paths } from '../../src/lab/paths.js';
import { ensureKeepalivedTarball } from '../../src/lab/sources.js';
import { cli, ensureLab, onHost } from './support.js';

const RUN = randomBytes(3).toString('hex');
const AUTH_PASS = `v${RUN}`; // ≤ 8 bytes (keepalived PASS auth), unique to this run
const VAULT_PASS = `vault-pw-${RUN}`;
const dir = mkdtempSync(join(tmpdir(), 'lvs-vault-lab-'));
const target = `/tmp/lvs-vault-${RUN}`;
const env = { LVS_VRRP_PASS: '' };
const WINRM_PASSWORD: string[] = [];

function leaks(texts: Record<string, string>, secrets: readonly string[]): string[] {
  return Object.entries(texts).flatMap(([where, t]) => secrets.filter((s) => t.includes(s)).map((s) => `${s.slice(0, 2)}… in ${where}`));
}

beforeAll(async () => {
  await ensureLab();
  const tarball = await ensureKeepalivedTarball();
  writeFileSync(join(dir, 'vault-pass'), `#!/bin/sh\necho '${VAULT_PASS}'\n`);
  chmodSync(join(dir, 'vault-pass'), 0o700);
  writeFileSync(join(dir, 'wrong-pass'), 'not the password\n');
  mkdirSync(join(dir, 'group_vars', 'all'), { recursive: true });
  // the lab's own Ansible inventory (hosts and connections, written by lab up); its vars beside it
  copyFileSync(paths.inventoryYml(), join(dir, 'hosts.yml'));
  writeFileSync(join(dir, 'group_vars', 'all', 'vars.yml'), `vip: 10.77.0.10\nipvs_tuning: false\nkeepalived_args: [-D, --vrrp]\nkeepalived_tarball: ${tarball}\n`);
  writeFileSync(join(dir, 'group_vars', 'all', 'vault.yml'), `vrrp_auth_pass: ${AUTH_PASS}\n`);
  const enc = spawnSync('ansible-vault', ['encrypt', '--vault-id', `lab@${join(dir, 'vault-pass')}`, join(dir, 'group_vars', 'all', 'vault.yml')], { encoding: 'utf8' });
  expect(enc.status, enc.stderr).toBe(0);
  expect(readFileSync(join(dir, 'group_vars', 'all', 'vault.yml'), 'utf8')).toMatch(/^\$ANSIBLE_VAULT;1\.2;AES256;lab\n/);
  // the become password as an inline !vault value, made by lvs-play itself
  const s = cli(['vault', 'encrypt_string', '--vault-id', `lab@${join(dir, 'vault-pass')}`, '-n', 'ansible_become_password', LAB_SUDO_PASSWORD]);
  expect(s.code, s.stderr).toBe(0);
  mkdirSync(join(dir, 'become'));
  writeFileSync(join(dir, 'become', 'hosts.yml'), `all:
  hosts:
    rs1:
      ansible_host: 10.77.0.16
      ansible_user: ${LAB_BECOME_PW_USER}
      ansible_become: true
      ansible_ssh_private_key_file: ${paths.key()}
      ansible_ssh_common_args: -o UserKnownHostsFile=${paths.knownHosts()}
${s.stdout.replace(/^/gm, '      ').trimEnd()}
`);
  // win1 over WinRM (as a 2008 R2 is reached), its password an inline !vault value; the site's vars
  // (group_vars beside this file) as for the directors
  const account = JSON.parse(readFileSync(join(labDir(), 'win1-winrm.json'), 'utf8')) as { user: string; password: string; address: string; http_port: number };
  WINRM_PASSWORD.push(account.password);
  const w = cli(['vault', 'encrypt_string', '--vault-id', `lab@${join(dir, 'vault-pass')}`, '-n', 'ansible_password', account.password]);
  expect(w.code, w.stderr).toBe(0);
  writeFileSync(join(dir, 'winrm.yml'), `all:
  children:
    directors:
      hosts:
        lvs1: { ansible_host: 10.77.0.14, vrrp: { state: MASTER, priority: 150 } }
        lvs2: { ansible_host: 10.77.0.15, vrrp: { state: BACKUP, priority: 100 } }
    windows:
      hosts:
        win1:
          ansible_host: ${account.address}
          ansible_connection: winrm
          ansible_port: ${account.http_port}
          ansible_winrm_transport: ntlm
          ansible_user: ${account.user}
          weight: 1
${w.stdout.replace(/^/gm, '          ').trimEnd()}
`);
  writeFileSync(join(dir, 'become', 'pb.ts'), `import { playbook, play, command, sh } from 'lvs-play';
export default playbook('as root', [play('as root', { hosts: 'all' }, () => [command({ cmd: sh\`id -u > ${target}\`, creates: ${JSON.stringify(target)} })])]);
`);
});

afterAll(async () => {
  // back to the lab's own VRRP password
  const r = cli(['playbooks/site.ts', '-i', 'lab', '--limit', 'directors'], env);
  expect(r.code, r.stderr + r.stdout.slice(-1500)).toBe(0);
  await onHost('rs1', `rm -f ${target}`).catch(() => undefined);
});

describe('Ansible Vault on the lab', () => {
  const vaultId = () => ['--vault-id', `lab@${join(dir, 'vault-pass')}`];

  it('the directors converge with the vaulted VRRP password, which never shows (stdout, stderr, --json, a saved plan)', async () => {
    const json = join(dir, 'run.json');
    const r = cli(['playbooks/site.ts', '-i', join(dir, 'hosts.yml'), ...vaultId(), '--limit', 'directors', '-v', '--diff', '--json', json], env);
    expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
    expect(r.stdout).toMatch(/lvs1\s+: ok=\d+\s+changed=[1-9]/);
    expect(await onHost('lvs1', 'grep -c "auth_pass ' + AUTH_PASS + '" /etc/keepalived/keepalived.conf')).toBe('1\n');
    const plan = join(dir, 'plan.json');
    const c = cli(['playbooks/site.ts', '-i', join(dir, 'hosts.yml'), ...vaultId(), '--limit', 'directors', '--check', '--diff', '-v', '--plan-out', plan], env);
    expect(c.code, c.stderr + c.stdout.slice(-2000)).toBe(0);
    // converged: the plan (made with the same vaulted password) has nothing left to change
    expect((JSON.parse(readFileSync(plan, 'utf8')) as { summary: { changes: number } }).summary.changes).toBe(0);
    expect(leaks({ stdout: r.stdout, stderr: r.stderr, json: readFileSync(json, 'utf8'), 'check stdout': c.stdout, 'check stderr': c.stderr, plan: readFileSync(plan, 'utf8') }, [AUTH_PASS, VAULT_PASS])).toEqual([]);
  });

  it('a become password from an inline !vault value runs a command as root on rs1 (sudo), never shown', async () => {
    const r = cli([join(dir, 'become', 'pb.ts'), '-i', join(dir, 'become', 'hosts.yml'), ...vaultId(), '-v', '--diff'], env);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect((await onHost('rs1', `cat ${target}`)).trim()).toBe('0');
    expect(leaks({ stdout: r.stdout, stderr: r.stderr }, [LAB_SUDO_PASSWORD, VAULT_PASS])).toEqual([]);
  });

  it('win1 converges over WinRM with its password from an inline !vault value; a second run changes nothing; the password never shows', () => {
    const json = join(dir, 'winrm.json');
    const first = cli(['playbooks/site.ts', '-i', join(dir, 'winrm.yml'), ...vaultId(), '--limit', 'win1', '-v', '--diff', '--json', json], env);
    expect(first.code, first.stderr + first.stdout.slice(-2000)).toBe(0);
    expect((JSON.parse(readFileSync(json, 'utf8')) as { hosts: Record<string, { transport?: string }> }).hosts['win1']?.transport).toBe('winrm');
    const again = cli(['playbooks/site.ts', '-i', join(dir, 'winrm.yml'), ...vaultId(), '--limit', 'win1', '-v', '--diff'], env);
    expect(again.code, again.stderr + again.stdout.slice(-2000)).toBe(0);
    expect(again.stdout).toMatch(/win1\s+: ok=\d+\s+changed=0/);
    expect(leaks({ stdout: first.stdout, stderr: first.stderr, json: readFileSync(json, 'utf8'), 'second stdout': again.stdout, 'second stderr': again.stderr }, [...WINRM_PASSWORD, VAULT_PASS])).toEqual([]);
  });

  it('a wrong vault password, or none, fails before any host: exit 4, the file and the vault id named', () => {
    const wrong = cli(['playbooks/site.ts', '-i', join(dir, 'hosts.yml'), '--vault-id', `lab@${join(dir, 'wrong-pass')}`, '--limit', 'directors'], env);
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toMatch(/group_vars\/all\/vault\.yml: decryption failed.*vault id "lab"/);
    expect(wrong.stdout).not.toContain('PLAY');
    const none = cli(['playbooks/site.ts', '-i', join(dir, 'hosts.yml'), '--limit', 'directors', '--check'], { ...env, ANSIBLE_VAULT_PASSWORD_FILE: '' });
    expect(none.code).toBe(4);
    expect(none.stderr).toContain('--vault-password-file');
  });
});

/**
 * lvs-play vault and ansible-vault read each other's output (1.1 and 1.2 with --vault-id), an
 * encrypt_string value is decrypted by Ansible itself from a YAML inventory, and a run with a vaulted
 * group_vars file lists its hosts with the password and fails before any host without it (exit 4).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const missing = spawnSync('ansible-vault', ['--version']).status === 0 ? false : 'ansible-vault is not installed';
const env: NodeJS.ProcessEnv = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: '0' };
delete env['ANSIBLE_VAULT_PASSWORD_FILE'];

const dir = mkdtempSync(join(tmpdir(), 'lvs-vault-interop-'));
writeFileSync(join(dir, 'pw'), 'first password\n');
writeFileSync(join(dir, 'pw-prod'), 'prod-pass\n');
writeFileSync(join(dir, 'pw-script'), '#!/bin/sh\necho prod-pass\n');
chmodSync(join(dir, 'pw-script'), 0o755);
const PLAIN = 'vrrp_auth_pass: "v§ult1"\nwin_password: "W1n-pass!"\n';

function run(cmd: string, args: string[], input?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(cmd, args, { cwd: dir, env, encoding: 'utf8', timeout: 120_000, ...(input !== undefined ? { input } : {}) });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const lvs = (args: string[], input?: string) => run(process.execPath, [join(root, 'dist/src/cli/main.js'), ...args], input);

describe.skipIf(missing)('lvs-play vault ⇄ ansible-vault', () => {
  const cases = [
    { name: '1.1 (--vault-password-file)', opts: ['--vault-password-file', 'pw'], header: '$ANSIBLE_VAULT;1.1;AES256' },
    { name: '1.2 (--vault-id prod@FILE)', opts: ['--vault-id', 'prod@pw-prod'], header: '$ANSIBLE_VAULT;1.2;AES256;prod' },
  ];
  for (const c of cases) {
    it(`ansible-vault encrypt, lvs-play vault view/decrypt: ${c.name}`, () => {
      const f = `a-${c.header.length}.yml`;
      writeFileSync(join(dir, f), PLAIN);
      expect(run('ansible-vault', ['encrypt', ...c.opts, f]).code).toBe(0);
      expect(readFileSync(join(dir, f), 'utf8').split('\n')[0]).toBe(c.header);
      expect(lvs(['vault', 'view', ...c.opts, f])).toMatchObject({ code: 0, out: PLAIN });
      expect(lvs(['vault', 'decrypt', ...c.opts, f]).code).toBe(0);
      expect(readFileSync(join(dir, f), 'utf8')).toBe(PLAIN);
    });

    it(`lvs-play vault encrypt, ansible-vault view/decrypt: ${c.name}`, () => {
      const f = `b-${c.header.length}.yml`;
      writeFileSync(join(dir, f), PLAIN);
      expect(lvs(['vault', 'encrypt', ...c.opts, f]).code).toBe(0);
      const text = readFileSync(join(dir, f), 'utf8');
      expect(text.split('\n')[0]).toBe(c.header);
      expect(text.split('\n').every((l) => l.length <= 80)).toBe(true);
      expect(run('ansible-vault', ['view', ...c.opts, f]).out).toBe(PLAIN);
      expect(run('ansible-vault', ['decrypt', ...c.opts, '--output', '-', f]).out).toBe(PLAIN);
    });
  }

  it('encrypt_string output is a value Ansible decrypts from a YAML inventory', () => {
    const s = lvs(['vault', 'encrypt_string', '--vault-id', 'prod@pw-script', '-n', 'db_pass', 'S3cret value']);
    expect(s.code).toBe(0);
    expect(s.out).toMatch(/^db_pass: !vault \|\n {10}\$ANSIBLE_VAULT;1\.2;AES256;prod\n( {10}[0-9a-f]{1,80}\n)+$/);
    const inv = `all:\n  hosts:\n    h1:\n  vars:\n${s.out.replace(/^/gm, '    ').trimEnd()}\n`;
    writeFileSync(join(dir, 'inv.yml'), inv);
    const a = run('ansible', ['h1', '-i', 'inv.yml', '-c', 'local', '-m', 'debug', '-a', 'var=db_pass', '--vault-id', 'prod@pw-prod']);
    expect(a.out).toContain('"db_pass": "S3cret value"');
  });

  it('--ask-vault-pass reads the new password (twice, as ansible-vault) from a pipe; ansible-vault decrypts the value', () => {
    const v = lvs(['vault', 'encrypt_string', '--ask-vault-pass', 'x'], 'first password\nfirst password\n');
    expect(v.err).toContain('New Vault password: Confirm New Vault password: ');
    expect(run('ansible-vault', ['decrypt', '--vault-password-file', 'pw', '--output', '-', '-'], v.out.split('\n').slice(1).map((l) => l.trim()).join('\n')).out).toBe('x');
  });
});

describe.skipIf(missing)('a run with a vaulted group_vars file', () => {
  const site = join(dir, 'site');
  mkdirSync(join(site, 'group_vars', 'all'), { recursive: true });
  writeFileSync(join(site, 'hosts.ini'), '[directors]\nlvs1 ansible_host=192.0.2.14\nlvs2 ansible_host=192.0.2.15\n[linux_realservers]\nrs1 ansible_host=192.0.2.16\n[all:vars]\nvip=192.0.2.10\n');
  writeFileSync(join(site, 'group_vars', 'all', 'vault.yml'), PLAIN);
  spawnSync('ansible-vault', ['encrypt', '--vault-id', 'prod@../pw-prod', 'group_vars/all/vault.yml'], { cwd: site, env });

  it('lists its hosts with the password (a script), and fails before any host without it or with a wrong one', () => {
    const ok = lvs(['playbooks/site.ts', '-i', join(site, 'hosts.ini'), '--list-hosts', '--vault-password-file', join(dir, 'pw-script')].map((a) => (a === 'playbooks/site.ts' ? join(root, a) : a)));
    expect(ok.err).not.toContain('error');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('lvs1');
    const none = lvs([join(root, 'playbooks/site.ts'), '-i', join(site, 'hosts.ini'), '--list-hosts']);
    expect(none.code).toBe(4);
    expect(none.err).toContain('group_vars/all/vault.yml');
    expect(none.err).toContain('--vault-password-file');
    const wrong = lvs([join(root, 'playbooks/site.ts'), '-i', join(site, 'hosts.ini'), '--list-hosts', '--vault-id', 'prod@pw']);
    expect(wrong.code).toBe(4);
    expect(wrong.err).toMatch(/group_vars\/all\/vault\.yml: decryption failed.*vault id "prod"/);
    for (const r of [ok, none, wrong]) expect(r.out + r.err).not.toMatch(/v§ult1|W1n-pass|prod-pass/);
  });
});

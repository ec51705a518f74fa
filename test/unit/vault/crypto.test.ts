/** Ansible Vault's format and cipher against files made by the real ansible-vault (fixtures/README.md). */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LvsError } from '../../../src/errors.js';
import { encrypt } from '../../../src/vault/aes256.js';
import { formatEnvelope, formatPayload, isVaulted } from '../../../src/vault/format.js';
import { loadVaultPasswords } from '../../../src/cli/vault-passwords.js';
import { Vault } from '../../../src/vault/vault.js';

const fx = join(import.meta.dirname, 'fixtures');
const read = (f: string): string => readFileSync(join(fx, f), 'utf8');
const PW = { id: 'default', password: Buffer.from('lvs-fixture-pw'), source: 'file pass.txt' };
const PROD = { id: 'prod', password: Buffer.from('other-pw'), source: 'file pass-prod.txt' };

function failure(fn: () => unknown): LvsError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LvsError);
    return e as LvsError;
  }
  throw new Error('expected a failure');
}

describe('vault decrypt (files from ansible-vault)', () => {
  it('opens 1.1 and 1.2 files, and binary content, byte for byte', () => {
    const vault = new Vault([PW, PROD]);
    expect(vault.decrypt(read('v11.yml'), 'v11.yml')).toEqual({ plaintext: readFileSync(join(fx, 'plain.yml')), id: 'default' });
    expect(vault.decrypt(read('v12-prod.yml'), 'v12-prod.yml')).toEqual({ plaintext: readFileSync(join(fx, 'plain.yml')), id: 'prod' });
    expect(vault.decrypt(read('bin.vault'), 'bin.vault').plaintext.equals(readFileSync(join(fx, 'bin.dat')))).toBe(true);
  });

  it('a 1.2 file opens with a password of another id too (Ansible tries every password)', () => {
    expect(new Vault([{ ...PROD, id: 'other' }]).decrypt(read('v12-prod.yml'), 'f').id).toBe('other');
  });

  it('a wrong password fails naming the file, the vault id and what was tried', () => {
    const e = failure(() => new Vault([PW]).decrypt(read('v12-prod.yml'), 'group_vars/all/vault.yml'));
    expect(e.code).toBe('E_VAULT');
    expect(e.message).toContain('group_vars/all/vault.yml');
    expect(e.message).toContain('vault id "prod"');
    expect(e.message).toContain('"default" from file pass.txt');
    expect(e.message).not.toContain('lvs-fixture-pw');
  });

  it('a tampered ciphertext (one hex digit) fails the HMAC check', () => {
    const text = read('v11.yml');
    const i = text.length - 10;
    const tampered = text.slice(0, i) + (text[i] === '3' ? '6' : '3') + text.slice(i + 1);
    expect(failure(() => new Vault([PW]).decrypt(tampered, 'f')).message).toContain('decryption failed');
  });

  it('damaged envelopes are format errors, not password errors', () => {
    expect(failure(() => new Vault([PW]).decrypt('$ANSIBLE_VAULT;1.1;AES256\nzz\n', 'f')).message).toContain('not valid Ansible Vault data');
    expect(failure(() => new Vault([PW]).decrypt('$ANSIBLE_VAULT;1.1;DES\n00\n', 'f')).message).toContain('cipher');
  });

  it('no password: the error names the flags to add', () => {
    const e = failure(() => new Vault().decrypt(read('v11.yml'), 'host_vars/win1.yml'));
    expect(e.message).toContain('host_vars/win1.yml');
    expect(e.message).toContain('--vault-password-file');
  });
});

describe('vault encrypt (as ansible-vault writes)', () => {
  it('is byte-identical to ansible-vault with the same salt (1.2, label, 80-column lines)', () => {
    const salt = Buffer.from('fixed-salt-for-a-byte-exact-test');
    const body = formatPayload(encrypt(readFileSync(join(fx, 'plain.yml')), PROD.password, salt));
    expect(formatEnvelope(body, 'prod')).toBe(read('salted12.yml'));
  });

  it('round-trips; 1.1 without a label or for "default"', () => {
    const vault = new Vault([PW]);
    const text = vault.encrypt(Buffer.from('x'));
    expect(text.startsWith('$ANSIBLE_VAULT;1.1;AES256\n')).toBe(true);
    expect(text.split('\n').every((l) => l.length <= 80)).toBe(true);
    expect(isVaulted(text)).toBe(true);
    expect(vault.decrypt(text, 'f').plaintext.toString()).toBe('x');
  });
});

describe('vault passwords', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvs-vaultpw-'));
  writeFileSync(join(dir, 'file'), '  pw-from-file \n\n');
  writeFileSync(join(dir, 'script'), '#!/bin/sh\nprintf "pw from script\\n"\n');
  chmodSync(join(dir, 'script'), 0o755);
  writeFileSync(join(dir, 'ids-client.sh'), '#!/bin/sh\n[ "$1" = --vault-id ] && printf "pw-for-$2"\n');
  chmodSync(join(dir, 'ids-client.sh'), 0o755);
  writeFileSync(join(dir, 'fails'), '#!/bin/sh\necho nope >&2\nexit 3\n');
  chmodSync(join(dir, 'fails'), 0o755);

  it('files (stripped), executables (stdout), client scripts, the env var, in Ansible order', async () => {
    const got = await loadVaultPasswords(
      { ids: ['prod@script', 'ci@ids-client.sh'], passwordFiles: ['file'], ask: false },
      { cwd: dir, env: { ANSIBLE_VAULT_PASSWORD_FILE: join(dir, 'file'), ANSIBLE_VAULT_IDENTITY_LIST: 'env@file, ' } },
    );
    expect(got.map((p) => [p.id, p.password.toString()])).toEqual([
      ['env', 'pw-from-file'],
      ['prod', 'pw from script'],
      ['ci', 'pw-for-ci'],
      ['default', 'pw-from-file'],
      ['default', 'pw-from-file'],
    ]);
  });

  it('a failing script shows its stderr; a missing file is named', async () => {
    const e = await loadVaultPasswords({ ids: [], passwordFiles: ['fails'], ask: false }, { cwd: dir, env: {} }).then(() => new LvsError('E_USAGE', 'no failure'), (x: unknown) => x as LvsError);
    expect(e.message).toContain('exited with 3'); // its stderr went to the terminal, as Ansible leaves it
    const m = await loadVaultPasswords({ ids: ['x@missing'], passwordFiles: [], ask: false }, { cwd: dir, env: {} }).then(() => new LvsError('E_USAGE', 'no failure'), (x: unknown) => x as LvsError);
    expect(m.message).toContain('missing');
    expect(m.code).toBe('E_VAULT');
  });

  it('--ask-vault-pass and LABEL@prompt read a line from a pipe', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: false });
    const output = new PassThrough();
    input.write('typed-one\ntyped-two\n');
    const got = await loadVaultPasswords({ ids: ['dev@prompt'], passwordFiles: [], ask: false }, { cwd: dir, env: {}, input, output });
    expect(got).toEqual([{ id: 'dev', password: Buffer.from('typed-one'), source: 'the prompt' }]);
    expect(output.read()?.toString()).toBe('Vault password (dev): ');
  });

  it('encrypting asks a new password twice, as ansible-vault; different answers fail', async () => {
    const io = (text: string) => {
      const input = Object.assign(new PassThrough(), { isTTY: false });
      input.write(text);
      return { cwd: dir, env: {}, input, output: new PassThrough(), newPassword: true };
    };
    const ok = io('np\nnp\n');
    expect((await loadVaultPasswords({ ids: [], passwordFiles: [], ask: true }, ok))[0]?.password.toString()).toBe('np');
    expect(ok.output.read()?.toString()).toBe('New Vault password: Confirm New Vault password: ');
    const e = await loadVaultPasswords({ ids: ['x@prompt'], passwordFiles: [], ask: false }, io('a\nb\n')).then(() => null, (x: unknown) => x as LvsError);
    expect(e?.message).toContain('do not match');
  });
});

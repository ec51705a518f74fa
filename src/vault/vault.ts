/**
 * The vault passwords of one run, and everything they opened. Decrypted values are remembered so
 * the run's one redaction (src/mask.ts) hides them everywhere.
 */
import { LvsError } from '../errors.js';
import { Redactor } from '../mask.js';
import { decrypt, encrypt } from './aes256.js';
import { CIPHER, DEFAULT_ID, formatEnvelope, formatPayload, parseEnvelope, parsePayload, VaultFormatError } from './format.js';

/** One vault password and the vault id it is for. */
export interface VaultPassword {
  /** The vault id (label): "default" for --vault-password-file and --ask-vault-pass. */
  id: string;
  password: Buffer;
  /** Where it came from, for messages ("file ~/.vault_pass", "prompt", "script ./get-pass"). */
  source: string;
}

export const NO_PASSWORD_FIX = 'add --vault-password-file FILE, --ask-vault-pass or --vault-id LABEL@SOURCE (or set ANSIBLE_VAULT_PASSWORD_FILE)';

/** The run's vault passwords: opens Ansible Vault files and `!vault` values; what it opens is a secret. */
export class Vault {
  /** What was decrypted, kept in the one holder of secret values (src/mask.ts). */
  readonly #revealed: Redactor;

  constructor(
    readonly passwords: readonly VaultPassword[] = [],
    holder: Redactor = new Redactor(),
  ) {
    this.#revealed = holder;
  }

  /** Decrypts vault text; `where` names the file (and var) in errors. Fails naming the vault id. */
  decrypt(text: string, where: string): { plaintext: Buffer; id: string } {
    let env;
    let payload;
    try {
      env = parseEnvelope(text);
      if (env.cipher !== CIPHER) throw new VaultFormatError(`unknown vault cipher "${env.cipher}"`);
      payload = parsePayload(env.body);
    } catch (e) {
      if (!(e instanceof VaultFormatError)) throw e;
      throw new LvsError('E_VAULT', `not valid Ansible Vault data: ${e.message}`, { file: where, fix: 'restore the file (it was changed or cut), or encrypt it again with lvs-play vault encrypt / ansible-vault encrypt' });
    }
    const id = env.vaultId ?? DEFAULT_ID;
    if (this.passwords.length === 0) {
      throw new LvsError('E_VAULT', `encrypted with Ansible Vault (vault id "${id}") but no vault password was given`, { file: where, fix: NO_PASSWORD_FIX });
    }
    // as Ansible: the passwords of the envelope's vault id first, then every other one
    const tried = [...this.passwords.filter((p) => p.id === id), ...this.passwords.filter((p) => p.id !== id)];
    for (const p of tried) {
      let plain: Buffer | null;
      try {
        plain = decrypt(payload, p.password);
      } catch (e) {
        if (!(e instanceof VaultFormatError)) throw e;
        throw new LvsError('E_VAULT', `not valid Ansible Vault data: ${e.message}`, { file: where, fix: 'restore the file, or encrypt it again' });
      }
      if (plain) return { plaintext: plain, id: p.id };
    }
    throw new LvsError('E_VAULT', `decryption failed: no vault password given opens it (vault id "${id}"; tried ${tried.map((p) => `"${p.id}" from ${p.source}`).join(', ')})`, {
      file: where,
      fix: `give the password of vault id "${id}" (--vault-id ${id}@FILE), or restore the file if it was changed after it was encrypted (its HMAC does not match)`,
    });
  }

  /** Encrypts with the password of `id` (or the only/first one), as `ansible-vault encrypt` writes it. */
  encrypt(plaintext: Buffer, id?: string): string {
    const p = id === undefined ? this.passwords[0] : this.passwords.find((x) => x.id === id);
    if (!p) {
      throw new LvsError('E_VAULT', id === undefined ? 'a vault password is needed to encrypt' : `no vault password for vault id "${id}"`, { fix: id === undefined ? NO_PASSWORD_FIX : `add --vault-id ${id}@SOURCE` });
    }
    return formatEnvelope(formatPayload(encrypt(plaintext, p.password)), p.id);
  }

  /** Remembers a decrypted value as a secret (empty strings are no secret). */
  reveal(value: string): void {
    this.#revealed.add(value);
  }

  /** Every decrypted value so far: the run redacts them (src/mask.ts). */
  revealed(): readonly string[] {
    return this.#revealed.values();
  }
}

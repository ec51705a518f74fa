/**
 * Vault data inside what lvs-play reads: whole encrypted files (group_vars, host_vars, -e @file,
 * inventories) and YAML's `!vault |` values. Every decrypted string becomes a secret of the run.
 */
import { readFile } from 'node:fs/promises';
import { LvsError } from '../errors.js';
import { checkInputFile } from '../input-file.js';
import { Vault } from './vault.js';
import { isVaulted } from './format.js';

/** A `!vault` scalar before it is decrypted (YAML tag resolution is synchronous and keyless). */
export class VaultedText {
  constructor(readonly text: string) {}
}

/** The `!vault` tag (and Ansible's older `!vault-encrypted`) for the `yaml` parser. */
export const VAULT_TAGS = ['!vault', '!vault-encrypted'].map((tag) => ({
  tag,
  identify: (v: unknown): boolean => v instanceof VaultedText,
  resolve: (s: string): VaultedText => new VaultedText(s),
}));

/**
 * What a file read for its data holds, decrypted; `vaulted` when the whole file was encrypted. The
 * one input-file check first (a regular file of bounded size, src/input-file.ts); `what` and `fix`
 * name it in errors.
 */
export async function readPossiblyVaulted(path: string, shown: string, vault: Vault | undefined, what = 'input file', fix?: string): Promise<{ text: string; vaulted: boolean }> {
  await checkInputFile(path, shown, what, fix);
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (e) {
    throw new LvsError('E_LOAD', `cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: shown, ...(fix ? { fix } : {}) });
  }
  if (!isVaulted(raw)) return { text: raw.toString('utf8'), vaulted: false };
  return { text: (vault ?? new Vault()).decrypt(raw.toString('utf8'), shown).plaintext.toString('utf8'), vaulted: true };
}

/**
 * Parsed data with every `!vault` value decrypted (strings, as Ansible gives them). With `secretAll`
 * (a whole encrypted file) every string in it is a secret; otherwise only the `!vault` values.
 */
export function revealIn(data: unknown, where: string, vault: Vault | undefined, secretAll: boolean, seen = new Set<unknown>()): unknown {
  if (data instanceof VaultedText) {
    // without a vault, decrypting fails naming the flag to add
    const text = (vault ?? new Vault()).decrypt(data.text, where).plaintext.toString('utf8');
    vault?.reveal(text);
    return text;
  }
  if (typeof data === 'string') {
    if (secretAll) vault?.reveal(data);
    return data;
  }
  if (typeof data !== 'object' || data === null || seen.has(data)) return data;
  // JSON from ansible-inventory --list writes a vaulted value as { "__ansible_vault": "$ANSIBLE_VAULT;…" }
  const keys = Object.keys(data);
  if (keys.length === 1 && keys[0] === '__ansible_vault' && typeof (data as Record<string, unknown>)['__ansible_vault'] === 'string') {
    return revealIn(new VaultedText((data as Record<string, string>)['__ansible_vault'] as string), where, vault, secretAll, seen);
  }
  seen.add(data);
  if (Array.isArray(data)) return data.map((x, i) => revealIn(x, `${where}[${i}]`, vault, secretAll, seen));
  if (Object.getPrototypeOf(data) !== Object.prototype) return data;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) out[k] = revealIn(v, where.includes(': ') ? `${where}.${k}` : `${where}: ${k}`, vault, secretAll, seen);
  return out;
}

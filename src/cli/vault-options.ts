/**
 * The vault options every command that reads an inventory takes (Ansible's names), and the one way
 * a command loads its inputs: vault passwords first, then `-e` vars, then the inventory.
 */
import type { Inventory, Vars } from '../types.js';
import { onceWarner, type Warn } from '../warnings.js';
import type { VaultSources } from './vault-passwords.js';
import type { Vault } from '../vault/vault.js';

export const VAULT_OPTIONS = {
  'vault-password-file': { type: 'string', multiple: true },
  'vault-id': { type: 'string', multiple: true },
  'ask-vault-pass': { type: 'boolean' },
} as const;

export const VAULT_USAGE = `      --vault-id LABEL@SOURCE a vault password: SOURCE a file, an executable (its output) or "prompt"
                              (repeatable; also $ANSIBLE_VAULT_IDENTITY_LIST)
      --vault-password-file F the same, labelled "default" (repeatable; also $ANSIBLE_VAULT_PASSWORD_FILE)
      --ask-vault-pass        ask for the vault password`;

/** The parsed vault options, or undefined when none was given. */
export function vaultSourcesOf(values: { 'vault-password-file'?: string[]; 'vault-id'?: string[]; 'ask-vault-pass'?: boolean }): VaultSources | undefined {
  const ids = values['vault-id'] ?? [];
  const passwordFiles = values['vault-password-file'] ?? [];
  const ask = values['ask-vault-pass'] ?? false;
  return ids.length || passwordFiles.length || ask ? { ids, passwordFiles, ask } : undefined;
}

/** The run's vault: its passwords read now (before anything else), or none when no source is given. */
export async function openVault(src: VaultSources | undefined, cwd: string, env: NodeJS.ProcessEnv = process.env, newPassword = false): Promise<Vault> {
  const { Vault } = await import('../vault/vault.js');
  if (!src && !env['ANSIBLE_VAULT_PASSWORD_FILE'] && !env['ANSIBLE_VAULT_IDENTITY_LIST']) return new Vault();
  const { loadVaultPasswords } = await import('./vault-passwords.js');
  return new Vault(await loadVaultPasswords(src ?? { ids: [], passwordFiles: [], ask: false }, { cwd, env, newPassword }));
}

export interface InputOptions {
  inventory: string;
  extraVars: readonly string[];
  vault?: VaultSources;
}

/** Vault passwords, `-e` vars and the inventory, in that order; the inventory carries what the vault opened. */
export async function loadInputs(o: InputOptions, cwd: string, warn: Warn = onceWarner()): Promise<{ inv: Inventory; extraVars: Vars }> {
  // the loaders (zod, the inventory formats) load only here: the CLI parser imports this file, and
  // --version, --help and a usage error load nothing more (test/unit/cli/startup-imports.test.ts)
  const { parseExtraVars } = await import('../inventory/extra-vars.js');
  const { loadInventory } = await import('../inventory/load.js');
  const { builtinInventory } = await import('./builtin-inventory.js');
  const vault = await openVault(o.vault, cwd);
  const extraVars = await parseExtraVars(o.extraVars, { cwd, vault });
  const inv = await loadInventory(o.inventory, { cwd, extraVars, vault, warn, fallback: builtinInventory });
  return { inv, extraVars };
}

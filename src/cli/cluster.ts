/**
 * The cluster the read-only commands watch (status, status --serve, exporter): which hosts are
 * directors and real servers, and the VIPs — the site model (src/site), as status reads it.
 */
import { LvsError } from '../errors.js';
import { parseCommandArgs } from './command-args.js';
import { optionsOf, type OPTIONS } from './options.js';
import { requireDirectors, type Site } from '../site/index.js';
import { targetsOf } from '../status/collect.js';
import type { Inventory } from '../types.js';
import type { VaultSources } from './vault-passwords.js';
import { VAULT_OPTIONS, vaultSourcesOf } from './vault-options.js';
import { SSH_OPTIONS, sshOptionsOf } from './ssh-options.js';
import type { SshCliOptions } from './ssh-settings.js';

export function clusterTargets(inv: Inventory): Site {
  const site = targetsOf(inv);
  requireDirectors(site);
  return site;
}

/** What every read-only cluster command takes: -i, -e, --accept-new-host-keys, the vault and ssh options. */
export interface ClusterOptions extends SshCliOptions {
  inventory: string;
  extraVars: string[];
  acceptNewHostKeys: boolean;
  vault?: VaultSources;
}

const COMMON = { ...optionsOf('inventory', 'extra-vars', 'accept-new-host-keys', 'help'), ...VAULT_OPTIONS, ...SSH_OPTIONS } as const;

/**
 * The command line of a read-only cluster command (status, exporter): the common options checked,
 * the command's own `options` returned as parsed (strings or booleans). Every mistake is E_USAGE
 * (exit 5) with `fix`, the command's usage line.
 */
export function parseClusterArgs(argv: readonly string[], options: Partial<typeof OPTIONS>, fix: string): { common: ClusterOptions; values: Record<string, string | boolean | undefined> } | 'help' {
  const usage = (msg: string) => new LvsError('E_USAGE', msg, { file: 'command line', fix });
  const { values, positionals } = parseCommandArgs({ args: [...argv], allowPositionals: true, strict: true, options: { ...COMMON, ...options } }, fix);
  if (values.help) return 'help';
  if (positionals.length) throw usage(`unexpected arguments: ${positionals.join(' ')}`);
  if (typeof values.inventory !== 'string') throw usage('no inventory given: add -i INVENTORY (e.g. -i lab)');
  const extraVars = values['extra-vars'];
  const vault = vaultSourcesOf(values as Parameters<typeof vaultSourcesOf>[0]);
  const ssh = sshOptionsOf(values as Parameters<typeof sshOptionsOf>[0], fix);
  return {
    common: { inventory: values.inventory, extraVars: Array.isArray(extraVars) ? extraVars.map(String) : [], acceptNewHostKeys: values['accept-new-host-keys'] === true, ...(vault ? { vault } : {}), ...ssh },
    values: values as Record<string, string | boolean | undefined>,
  };
}

/**
 * The one table of command-line options: each option's long name, short letter and type, written
 * once. Every subcommand takes its options from it (`optionsOf('inventory', 'extra-vars', …)`), so
 * `-i` is always --inventory, `-e` always --extra-vars (repeatable), `--json FILE` always a file.
 * The one exception is written here too: `show --json` prints the plan as JSON (a flag, SHOW_OPTIONS).
 * Small on purpose: the command line is parsed before anything heavy is loaded.
 */
import { LvsError } from '../errors.js';
import { SSH_OPTIONS } from './ssh-options.js';
import { VAULT_OPTIONS } from './vault-options.js';

export const OPTIONS = {
  // what to run against
  inventory: { type: 'string', short: 'i' },
  'extra-vars': { type: 'string', short: 'e', multiple: true },
  limit: { type: 'string', short: 'l' },
  tags: { type: 'string', short: 't' },
  'skip-tags': { type: 'string' },
  playbook: { type: 'string' },
  // how to run
  check: { type: 'boolean', short: 'C' },
  diff: { type: 'boolean', short: 'D' },
  forks: { type: 'string', short: 'f' },
  'max-fail-percentage': { type: 'string' },
  'accept-new-host-keys': { type: 'boolean' },
  'detailed-exitcode': { type: 'boolean' },
  shard: { type: 'string' },
  wait: { type: 'string' },
  // what to list or write
  'list-hosts': { type: 'boolean' },
  'list-tasks': { type: 'boolean' },
  json: { type: 'string' },
  junit: { type: 'string' },
  out: { type: 'string' },
  verbose: { type: 'boolean', short: 'v', multiple: true },
  // saved plans
  'plan-out': { type: 'string' },
  'plan-key': { type: 'string' },
  'allow-stale': { type: 'boolean' },
  'max-age': { type: 'string' },
  all: { type: 'boolean' },
  // status and the exporter
  watch: { type: 'string' },
  serve: { type: 'string' },
  listen: { type: 'string' },
  interval: { type: 'string' },
  // init
  vip: { type: 'string' },
  port: { type: 'string' },
  'lb-algo': { type: 'string' },
  directors: { type: 'string' },
  linux: { type: 'string' },
  windows: { type: 'string' },
  'from-ansible': { type: 'string' },
  'directors-group': { type: 'string' },
  'linux-group': { type: 'string' },
  'windows-group': { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  // vault
  output: { type: 'string' },
  'encrypt-vault-id': { type: 'string' },
  name: { type: 'string', short: 'n', multiple: true },
  'stdin-name': { type: 'string' },
  // the vault options (every command that reads an inventory) and the ssh options (every command that connects)
  ...VAULT_OPTIONS,
  ...SSH_OPTIONS,
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

export type OptionName = keyof typeof OPTIONS;

/** The named options of the table, as parseArgs takes them. */
export function optionsOf<const K extends OptionName>(...names: K[]): Pick<typeof OPTIONS, K> {
  return Object.fromEntries(names.map((n) => [n, OPTIONS[n]])) as Pick<typeof OPTIONS, K>;
}

/** `show --json`: the plan printed as JSON on stdout (a flag, not a file). */
export const SHOW_OPTIONS = { json: { type: 'boolean' }, ...optionsOf('all', 'plan-key') } as const;

/** `--forks N` (an integer 1..1000; default 10); a bad one is E_USAGE (exit 5) with `fix`. */
/** How many hosts at once unless --forks says otherwise (a run, apply; status and the exporter read this many at once). */
export const DEFAULT_FORKS = 10;

export function forksOf(value: string | undefined, fix: string): number {
  const forks = value === undefined ? DEFAULT_FORKS : Number(value);
  if (!Number.isInteger(forks) || forks < 1 || forks > 1000) throw new LvsError('E_USAGE', `--forks must be an integer 1..1000 (got ${value})`, { file: 'command line', fix });
  return forks;
}

/**
 * `lvs-play vault encrypt|decrypt|view|encrypt_string`: ansible-vault's commands for teams without
 * Ansible, writing and reading the same bytes (src/vault/). Passwords as for a run; without any,
 * the password is asked, as ansible-vault does.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { LvsError } from '../errors.js';
import { isVaulted } from '../vault/format.js';
import type { VaultSources } from './vault-passwords.js';
import type { Vault } from '../vault/vault.js';
import { openVault, VAULT_OPTIONS, VAULT_USAGE, vaultSourcesOf } from './vault-options.js';
import { parseCommandArgs } from './command-args.js';
import { optionsOf } from './options.js';

export const VAULT_CMD_USAGE = `Usage: lvs-play vault encrypt [FILE...] [--output FILE|-] [--encrypt-vault-id ID]
       lvs-play vault decrypt [FILE...] [--output FILE|-]
       lvs-play vault view FILE...
       lvs-play vault encrypt_string [STRING...|-] [-n NAME]... [--stdin-name NAME] [--encrypt-vault-id ID]

Ansible Vault files and values, byte-compatible with ansible-vault (formats 1.1 and 1.2: a
--vault-id label makes 1.2). Files are changed in place unless --output is given; without a FILE,
stdin is read and stdout written. Without a password option the password is asked.
${VAULT_USAGE}`;

const ACTIONS = ['encrypt', 'decrypt', 'view', 'encrypt_string'] as const;
type Action = (typeof ACTIONS)[number];

function usage(msg: string, fix = 'see lvs-play vault --help'): LvsError {
  return new LvsError('E_USAGE', msg, { file: 'command line', fix });
}

async function readInput(f: string): Promise<Buffer> {
  if (f !== '-') return readFile(f).catch((e: NodeJS.ErrnoException) => {
    throw new LvsError('E_LOAD', `cannot read: ${e.code ?? e.message}`, { file: f, fix: 'give an existing file' });
  });
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Writes as ansible-vault: `-` is stdout; an existing file keeps its mode, a new one is 0600. */
async function writeOutput(f: string, data: Buffer | string, out: NodeJS.WritableStream): Promise<void> {
  if (f === '-') return void out.write(data);
  const mode = await stat(f).then((s) => s.mode & 0o7777, () => 0o600);
  await writeFile(f, data, { mode });
}

/** `NAME: !vault |` then the envelope indented by 10, as ansible-vault encrypt_string prints. */
export function vaultYaml(envelope: string, name?: string): string {
  const lines = envelope.split('\n').filter((l) => l !== '');
  return [`${name ? `${name}: ` : ''}!vault |`, ...lines.map((l) => `${' '.repeat(10)}${l}`)].join('\n');
}

interface Parsed {
  action: Action;
  files: string[];
  output?: string;
  encryptId?: string;
  names: string[];
  stdinName?: string;
  sources?: VaultSources;
}

async function encryptStrings(vault: Vault, p: Parsed, out: NodeJS.WritableStream): Promise<void> {
  const args = p.files.filter((x) => x !== '-');
  const items: { text: Buffer; name: string | undefined; from: string }[] = [];
  if (p.files.includes('-') || args.length === 0 || p.stdinName !== undefined) {
    const text = await readInput('-');
    if (text.length === 0) throw usage('stdin was empty, not encrypting');
    items.push({ text, name: p.stdinName, from: 'stdin' });
  }
  args.forEach((a, i) => {
    if (a === '') throw usage('the plaintext given on the command line is empty, not encrypting');
    items.push({ text: Buffer.from(a, 'utf8'), name: p.names[i], from: 'the command line args' });
  });
  const outs = items.map((it, i) => {
    if (items.length > 1) process.stderr.write(it.name ? `# The encrypted version of variable ("${it.name}", the string #${i + 1} from ${it.from}).\n` : `# The encrypted version of the string #${i + 1} from ${it.from}.)\n`);
    return vaultYaml(vault.encrypt(it.text, p.encryptId), it.name);
  });
  await writeOutput(p.output ?? '-', `${[...outs, ''].join('\n')}`, out);
}

async function perFile(vault: Vault, p: Parsed, out: NodeJS.WritableStream): Promise<void> {
  const files = p.files.length > 0 ? p.files : ['-'];
  if (p.output !== undefined && files.length > 1) throw usage('at most one input file may be used with --output');
  for (const f of files) {
    const data = await readInput(f);
    const target = p.action === 'view' ? '-' : (p.output ?? f);
    if (p.action === 'encrypt') {
      if (isVaulted(data)) throw new LvsError('E_VAULT', 'input is already encrypted', { file: f });
      await writeOutput(target, vault.encrypt(data, p.encryptId), out);
    } else {
      if (!isVaulted(data)) throw new LvsError('E_VAULT', 'input is not vault encrypted data', { file: f, fix: 'give a file starting with $ANSIBLE_VAULT' });
      await writeOutput(target, vault.decrypt(data.toString('utf8'), f).plaintext, out);
    }
  }
}

function parse(argv: readonly string[]): Parsed | 'help' {
  const [action, ...rest] = argv;
  if (action === undefined || action === '-h' || action === '--help') return 'help';
  if (!(ACTIONS as readonly string[]).includes(action)) throw usage(`unknown vault command "${action}"`, `one of ${ACTIONS.join(', ')}`);
  const { values, positionals } = parseCommandArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      ...optionsOf('output', 'encrypt-vault-id', 'name', 'stdin-name'),
      ...VAULT_OPTIONS,
    },
  }, 'see lvs-play vault --help');
  const a = action as Action;
  const sources = vaultSourcesOf(values);
  if (a === 'view' && positionals.length === 0) throw usage('view: which file?', 'lvs-play vault view FILE');
  if (a !== 'encrypt_string' && (values.name || values['stdin-name'])) throw usage('--name and --stdin-name are for encrypt_string');
  return {
    action: a,
    files: positionals,
    names: values.name ?? [],
    ...(values.output !== undefined ? { output: values.output } : {}),
    ...(values['encrypt-vault-id'] ? { encryptId: values['encrypt-vault-id'] } : {}),
    ...(values['stdin-name'] !== undefined ? { stdinName: values['stdin-name'] } : {}),
    ...(sources ? { sources } : {}),
  };
}

export async function vaultCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const p = parse(argv);
  if (p === 'help') return out.write(`${VAULT_CMD_USAGE}\n`), 0;
  // no password option: ask, as ansible-vault does (unless the environment names one)
  const sources = p.sources ?? (process.env['ANSIBLE_VAULT_PASSWORD_FILE'] || process.env['ANSIBLE_VAULT_IDENTITY_LIST'] ? undefined : { ids: [], passwordFiles: [], ask: true });
  const encrypting = p.action === 'encrypt' || p.action === 'encrypt_string';
  const vault = await openVault(sources, process.cwd(), process.env, encrypting);
  if (encrypting && !p.encryptId && new Set(vault.passwords.map((x) => x.id)).size > 1) {
    throw usage(`the vault ids ${vault.passwords.map((x) => x.id).join(',')} are available to encrypt`, 'choose one with --encrypt-vault-id ID');
  }
  if (p.action === 'encrypt_string') await encryptStrings(vault, p, out);
  else await perFile(vault, p, out);
  return 0;
}

/**
 * Vault passwords as Ansible takes them: `--vault-id LABEL@SOURCE` (several; SOURCE a file, an
 * executable or `prompt`), `--vault-password-file FILE` and `$ANSIBLE_VAULT_PASSWORD_FILE` (vault id
 * "default"), `--ask-vault-pass`. A file's content is stripped of surrounding whitespace; an
 * executable file is run (no shell) and its stdout, without trailing newlines, is the password; a
 * `*-client` script is given `--vault-id LABEL`, as Ansible does. `$ANSIBLE_VAULT_IDENTITY_LIST` adds ids.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, extname, resolve } from 'node:path';
import { LvsError } from '../errors.js';
import { resolveSecret, secret, type PromptInput } from '../inventory/secret.js';
import { DEFAULT_ID } from '../vault/format.js';
import type { VaultPassword } from '../vault/vault.js';

export interface VaultSources {
  /** `--vault-id` values in order: `LABEL@SOURCE` or `SOURCE`. */
  ids: readonly string[];
  passwordFiles: readonly string[];
  ask: boolean;
}

export interface PasswordIo {
  cwd: string;
  /** Encrypting: a prompt asks for a new password twice (ansible-vault's "New Vault password"). */
  newPassword?: boolean;
  env?: NodeJS.ProcessEnv;
  input?: PromptInput;
  output?: NodeJS.WritableStream;
}

function fail(source: string, message: string, fix: string): LvsError {
  return new LvsError('E_VAULT', message, { file: source, fix });
}

const expand = (p: string, cwd: string): string => resolve(cwd, p === '~' || p.startsWith('~/') ? homedir() + p.slice(1) : p);

/** Python's bytes.strip(b'\r\n'): CR and LF at both ends. */
const stripNewlines = (b: Buffer): Buffer => Buffer.from(b.toString('latin1').replace(/^[\r\n]+|[\r\n]+$/g, ''), 'latin1');

function runScript(path: string, id: string): Promise<Buffer> {
  const client = basename(path, extname(path)).endsWith('-client');
  const args = client ? ['--vault-id', id] : [];
  return new Promise((done, reject) => {
    // stdin and (for a plain script) stderr stay the terminal's, so a script may prompt
    const child = spawn(path, args, { stdio: ['inherit', 'pipe', client ? 'pipe' : 'inherit'], shell: false });
    const out: Buffer[] = [];
    let err = '';
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', (e) => reject(fail(path, `cannot run the vault password script: ${e.message}`, 'make it a runnable program, or remove its executable bit to read it as a password file')));
    child.on('close', (code) => {
      if (code === 0) return done(stripNewlines(Buffer.concat(out)));
      reject(fail(path, `the vault password script exited with ${code}${client && code === 2 ? ` (no secret for vault id "${id}")` : ''}${err ? `: ${err.trim().split('\n').slice(-3).join(' | ')}` : ''}`, 'run it by hand to see why'));
    });
  });
}

async function fromFile(file: string, id: string, io: PasswordIo): Promise<VaultPassword> {
  const path = expand(file, io.cwd);
  const st = await stat(path).catch(() => null);
  if (!st) throw fail(file, 'the vault password file was not found', 'give an existing file (or LABEL@prompt to be asked)');
  if (st.isDirectory()) throw fail(file, 'the vault password file is a directory', 'give a file');
  const executable = (st.mode & (constants.S_IXUSR | constants.S_IXGRP | constants.S_IXOTH)) !== 0;
  const password = executable ? await runScript(path, id) : Buffer.from((await readFile(path)).toString('latin1').replace(/^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g, ''), 'latin1');
  if (password.length === 0) throw fail(file, `the vault password ${executable ? 'script printed nothing' : 'file is empty'}`, 'put the password in it');
  return { id, password, source: `${executable ? 'script' : 'file'} ${file}` };
}

/** What a pipe sent past the line a prompt took (the next prompt's answer). */
const pending = new WeakMap<object, string>();

/** Reads a line: hidden on a terminal, plain from a pipe (as getpass falls back to). */
async function prompt(question: string, io: PasswordIo): Promise<string> {
  const input = io.input ?? process.stdin;
  if (input.isTTY) return resolveSecret(secret.prompt(question.trimEnd()), { input, ...(io.output ? { output: io.output as never } : {}) });
  (io.output ?? process.stderr).write(question);
  return new Promise((done, reject) => {
    let got = pending.get(input) ?? '';
    const take = (): boolean => {
      const m = /\r?\n/.exec(got);
      if (!m) return false;
      pending.set(input, got.slice(m.index + m[0].length));
      finish(got.slice(0, m.index));
      return true;
    };
    const onData = (b: Buffer | string): void => {
      got += b.toString();
      take();
    };
    const finish = (line: string | null): void => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
      if (line === null) reject(fail('prompt', 'no vault password: stdin ended', 'type it, or use --vault-password-file'));
      else done(line);
    };
    const onEnd = (): void => {
      pending.set(input, '');
      finish(got === '' ? null : got);
    };
    if (take()) return;
    if ((input as { readableEnded?: boolean }).readableEnded) return onEnd();
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
  });
}

async function fromPrompt(id: string, ask: boolean, io: PasswordIo): Promise<VaultPassword> {
  // ansible-vault's prompts: the --ask-vault-pass form has no vault id in it
  const questions = io.newPassword
    ? ask ? ['New Vault password: ', 'Confirm New Vault password: '] : [`New vault password (${id}): `, `Confirm new vault password (${id}): `]
    : [ask ? 'Vault password: ' : `Vault password (${id}): `];
  const typed: string[] = [];
  for (const q of questions) typed.push((await prompt(q, io)).trim());
  if (typed[0] === '') throw fail('prompt', 'an empty vault password', 'type the password');
  if (typed.some((t) => t !== typed[0])) throw fail('prompt', 'the vault passwords do not match', 'type the same password twice');
  return { id, password: Buffer.from(typed[0] as string, 'utf8'), source: 'the prompt' };
}

/** Every password of the sources, in Ansible's order (--vault-id, then password files, then --ask-vault-pass). */
export async function loadVaultPasswords(src: VaultSources, io: PasswordIo): Promise<VaultPassword[]> {
  const env = io.env ?? process.env;
  // ANSIBLE_VAULT_IDENTITY_LIST (comma-separated LABEL@SOURCE) comes first, as Ansible's configured ids
  const slugs = [...(env['ANSIBLE_VAULT_IDENTITY_LIST'] ?? '').split(',').map((s) => s.trim()).filter(Boolean), ...src.ids];
  for (const f of src.passwordFiles) slugs.push(`${DEFAULT_ID}@${f}`);
  if (env['ANSIBLE_VAULT_PASSWORD_FILE']) slugs.push(`${DEFAULT_ID}@${env['ANSIBLE_VAULT_PASSWORD_FILE']}`);
  if (src.ask) slugs.push(`${DEFAULT_ID}@prompt_ask_vault_pass`);
  const out: VaultPassword[] = [];
  for (const slug of slugs) {
    if (slug.includes(';')) throw fail('--vault-id', `"${slug}" is not a valid vault id: ";" is not allowed`, 'e.g. --vault-id prod@~/.vault_prod');
    const at = slug.indexOf('@');
    const label = at < 0 ? DEFAULT_ID : slug.slice(0, at) || DEFAULT_ID;
    const source = at < 0 ? slug : slug.slice(at + 1);
    if (source === 'prompt' || source === 'prompt_ask_vault_pass') out.push(await fromPrompt(label, source === 'prompt_ask_vault_pass', io));
    else out.push(await fromFile(source, label, io));
  }
  return out;
}

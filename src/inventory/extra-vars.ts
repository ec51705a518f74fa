/**
 * `-e` / `--extra-vars`: `key=value ...` (numbers and booleans become those, unless quoted),
 * `@file.json|yml|yaml`, or a JSON (or YAML flow) object. Later arguments override earlier ones.
 * Keys are taken as they are: `a.b=1` sets the var named "a.b". A file may be encrypted with Ansible
 * Vault (whole: every string in it is a secret; or `!vault |` values).
 */
import { extname, isAbsolute, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { LvsError } from '../errors.js';
import type { Vars } from '../types.js';
import { shlexTokens } from './shlex.js';
import { YAML11 } from './yaml11.js';
import { checkDepth } from '../input-file.js';
import { readPossiblyVaulted, revealIn } from '../vault/reveal.js';
import type { Vault } from '../vault/vault.js';

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

const isMap = (v: unknown): v is Vars => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(file: string, message: string, value: unknown, fix: string, field?: string): LvsError {
  return new LvsError('E_VALIDATION', message, { file, ...(field ? { field } : {}), value, fix });
}

/** A `key=value` value: JSON numbers and true/false become those; anything quoted stays text. */
function scalarOf(text: string, quoted: boolean): unknown {
  if (quoted) return text;
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (JSON_NUMBER.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n) && (Number.isSafeInteger(n) || !/^-?\d+$/.test(text))) return n;
  }
  return text;
}

function parseKeyValues(arg: string): Vars {
  let tokens;
  try {
    tokens = shlexTokens(arg, { comments: false });
  } catch (e) {
    throw bad('-e', `cannot split extra vars: ${(e as Error).message}`, arg, 'close the quotes, e.g. -e \'msg="hello world"\'');
  }
  const out: Vars = {};
  for (const t of tokens) {
    const eq = t.text.indexOf('=');
    if (eq <= 0) throw bad('-e', eq === 0 ? 'extra var without a name' : 'expected key=value', t.text, 'use -e key=value, -e @vars.yml or -e \'{"key": "value"}\'');
    out[t.text.slice(0, eq)] = scalarOf(t.text.slice(eq + 1), t.quotedValue);
  }
  return out;
}

interface Opened {
  vault: Vault | undefined;
  /** The file was encrypted whole. */
  vaulted: boolean;
}

function parseObjectText(text: string, file: string, yamlAllowed: boolean, opened: Opened = { vault: undefined, vaulted: false }): Vars {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (jsonError) {
    if (!yamlAllowed) throw bad(file, `invalid JSON: ${(jsonError as Error).message}`, undefined, 'a JSON object, e.g. {"vip": "192.0.2.10"}');
    try {
      // loaded only for a YAML -e @file (start-up time of every other run)
      const { parse: parseYaml } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
      data = parseYaml(text, YAML11);
    } catch (yamlError) {
      throw bad(file, `neither JSON nor YAML: ${(yamlError as Error).message.split('\n')[0] ?? ''}`, undefined, 'a JSON or YAML object of variables');
    }
  }
  checkDepth(data, file, 'extra vars');
  data = revealIn(data, file, opened.vault, opened.vaulted);
  if (!isMap(data)) throw bad(file, 'extra vars must be an object (a mapping of names to values)', Array.isArray(data) ? 'an array' : data, 'e.g. {"vip": "192.0.2.10"} or vip: 192.0.2.10');
  return data;
}

async function parseFile(spec: string, cwd: string, vault: Vault | undefined): Promise<Vars> {
  if (spec === '') throw bad('-e', 'missing file name after "@"', '@', 'use -e @vars.yml');
  const path = isAbsolute(spec) ? spec : resolve(cwd, spec);
  const read = await readPossiblyVaulted(path, spec, vault, 'extra vars file', 'give an existing .json, .yml or .yaml file (relative to the current directory)');
  const ext = extname(path).toLowerCase();
  return parseObjectText(read.text, spec, ext !== '.json', { vault, vaulted: read.vaulted });
}

/** One `-e` argument. */
export async function parseExtraVar(arg: string, opts: { cwd: string; vault?: Vault }): Promise<Vars> {
  const t = arg.trim();
  if (t.startsWith('@')) return parseFile(t.slice(1), opts.cwd, opts.vault);
  if (t.startsWith('{')) return parseObjectText(t, '-e', true);
  if (t.startsWith('[')) throw bad('-e', 'extra vars must be an object, not an array', t, 'e.g. -e \'{"ports": [80, 443]}\'');
  if (t === '') throw bad('-e', 'empty extra vars', arg, 'use -e key=value');
  return parseKeyValues(t);
}

/**
 * Ansible's connection and behaviour variables (`ansible_host`, `ansible_port`, `ansible_user`,
 * `ansible_connection` …) are read from the inventory only, per host: given with `-e` they would
 * apply to every host at once. Refused, never silently ignored.
 */
function refuseAnsibleVars(vars: Vars, arg: string): void {
  const bad = Object.keys(vars).filter((k) => /^ansible_/i.test(k));
  if (bad.length) {
    throw new LvsError('E_VALIDATION', `${bad.join(', ')} cannot be given with -e: connection variables (ansible_*) are read from the inventory, per host`, {
      file: arg.trim().startsWith('@') ? arg.trim().slice(1) : '-e',
      field: bad[0]!,
      fix: 'set it on the host or group in the inventory (e.g. rs1 ansible_host=10.0.0.5 ansible_port=2222), or use --limit to pick hosts',
    });
  }
}

/** Every `-e` argument, merged left to right (later wins). */
export async function parseExtraVars(args: readonly string[], opts: { cwd: string; vault?: Vault }): Promise<Vars> {
  const out: Vars = {};
  for (const a of args) {
    const vars = await parseExtraVar(a, opts);
    refuseAnsibleVars(vars, a);
    Object.assign(out, vars);
  }
  return out;
}

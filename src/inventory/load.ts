/**
 * Finding and reading an inventory: `-i prod` → inventory/prod.ts (.mts .js .mjs .yml .yaml .json .ini,
 * a file without extension, or a directory), else a path. TS/JS inventories are default exports; INI and
 * YAML ones are Ansible's, read unchanged (with group_vars/ and host_vars/ beside them); an executable
 * file is an inventory script (src/inventory/script.ts) and a `.json` file may hold its output.
 * Loading never connects to anything.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { LvsError, ValidationErrors } from '../errors.js';
import { importUserModule } from '../loader.js';
import type { Inventory, InventorySpec, Vars } from '../types.js';
import type { Warn } from '../warnings.js';
import { readVarsDirs } from './ansible-dirs.js';
import { warnUnappliedAnsibleVars } from './ansible-unapplied.js';
import { parseAnsibleIni } from './ansible-ini.js';
import { mergeSpecs } from './merge.js';
import { resolveInventory } from './resolve.js';
import { validateInventorySpec } from './schema.js';
import { readPossiblyVaulted } from '../vault/reveal.js';
import type { Vault } from '../vault/vault.js';

/** How `loadInventory` loads: the working directory, -e vars, warnings, the vault, a fallback. */
export interface LoadOptions {
  cwd: string;
  /** `-e` vars, above every inventory var. */
  extraVars?: Vars;
  /** Where warnings go (a `host.group()` the inventory lacks, Ansible vars lvs-play does not apply). */
  warn?: Warn;
  /** The run's vault passwords: opens encrypted files and `!vault` values; what it opens is a secret. */
  vault?: Vault;
  /** The inventory `ref` stands for when it names no file (the CLI: `-i lab`, the built-in lab); undefined: none. */
  fallback?: InventoryFallback;
}

/** A spec the caller supplies for a `ref` that names no inventory file, or undefined. */
export type InventoryFallback = (ref: string) => Promise<InventorySpec | undefined>;

const MODULE_EXTS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const YAML_EXTS = ['.yml', '.yaml', '.json'];
const SEARCH_EXTS = ['.ts', '.mts', '.js', '.mjs', '.yml', '.yaml', '.json', '.ini', ''];
/** Files Ansible skips in inventory directories (INVENTORY_IGNORE_EXTS: even .ini, as Ansible does). */
const IGNORED = /(?:~|\.(?:orig|ini|bak|swp|pyc|pyo|retry|md|txt|rst|cfg|rpm|d\.ts))$/;

type Kind = 'module' | 'yaml' | 'ini' | 'auto' | 'dir' | 'script';

async function kindOf(path: string): Promise<Kind | null> {
  const st = await stat(path).catch(() => null);
  if (!st) return null;
  if (st.isDirectory()) return 'dir';
  if (!st.isFile()) return null;
  const ext = extname(path).toLowerCase();
  if (MODULE_EXTS.includes(ext)) return 'module';
  if (YAML_EXTS.includes(ext)) return 'yaml';
  if (ext === '.ini') return 'ini';
  // as Ansible: an executable file (of no known inventory extension) is an inventory script
  if ((st.mode & 0o111) !== 0) return 'script';
  return 'auto';
}

const shown = (cwd: string, p: string): string => {
  const r = relative(cwd, p);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
};

/** Where `ref` points: the candidates tried in order, and the first that exists. */
export async function locateInventory(ref: string, cwd: string): Promise<{ path: string; kind: Kind }> {
  const bare = !ref.includes('/') && !ref.includes('\\') && extname(ref) === '' && ref !== '.' && ref !== '..';
  // a path without an extension (`-i inventory/prod`) also finds that file with one (inventory/prod.ts)
  const withExts = (base: string) => SEARCH_EXTS.map((e) => `${base}${e}`);
  const candidates = bare
    ? [...withExts(join(cwd, 'inventory', ref)), resolve(cwd, ref)]
    : extname(ref) === '' ? [resolve(cwd, ref), ...withExts(resolve(cwd, ref)).filter((c) => c !== resolve(cwd, ref))] : [resolve(cwd, ref)];
  for (const c of candidates) {
    const kind = await kindOf(c);
    if (kind) return { path: c, kind };
  }
  const available = await readdir(join(cwd, 'inventory')).catch(() => [] as string[]);
  const names = [...new Set(available.filter((f) => !f.startsWith('.')).map((f) => basename(f, extname(f))))];
  throw new LvsError('E_LOAD', 'inventory not found', {
    file: ref,
    value: ref,
    fix: `tried ${candidates.map((c) => shown(cwd, c)).join(', ')}${names.length ? `; available in inventory/: ${names.join(', ')}` : ''}`,
  });
}

async function readModule(path: string, file: string): Promise<InventorySpec> {
  let value: unknown;
  try {
    value = await importUserModule(path, file);
  } catch (e) {
    if (e instanceof LvsError) throw e.within(file);
    throw new LvsError('E_LOAD', `cannot load inventory: ${e instanceof Error ? e.message : String(e)}`, { file, fix: 'fix the error above; the file must `export default inventory({...})`' });
  }
  // without a default export the loader hands back the module's exports object
  const noDefault = typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, '__esModule');
  if (value === undefined || value === null || typeof value !== 'object' || noDefault) {
    throw new LvsError('E_LOAD', 'the default export is not an inventory', { file, value: noDefault ? 'no default export' : value === null ? null : typeof value, fix: "export default inventory({ groups: {...} }) (import { inventory } from 'lvs-play')" });
  }
  return validateInventorySpec(value, file);
}

async function readAnsibleFile(path: string, kind: 'yaml' | 'ini' | 'auto', file: string, vault: Vault | undefined): Promise<InventorySpec> {
  // an inventory may be encrypted whole, as Ansible reads it (its vars stay plain vars: keep secrets in vars files)
  const { text } = await readPossiblyVaulted(path, file, vault, 'the inventory file');
  if (kind === 'ini') return parseAnsibleIni(text, file);
  // the YAML parser loads only when a YAML file is read (start-up time of INI and TS inventories)
  const { ansibleYamlToSpec, looksLikeYamlInventory, parseAnsibleYaml, parseYamlText } = await import('./ansible-yaml.js');
  if (kind === 'yaml' && extname(path).toLowerCase() === '.json') return readJsonInventory(text, file, vault);
  if (kind === 'yaml') return parseAnsibleYaml(text, file, vault);
  // no extension: Ansible tries YAML, then INI
  let data: unknown;
  try {
    data = parseYamlText(text, file, vault);
  } catch (e) {
    if (e instanceof LvsError && e.code === 'E_VAULT') throw e;
    data = undefined;
  }
  return looksLikeYamlInventory(data) ? ansibleYamlToSpec(data, file) : parseAnsibleIni(text, file);
}

/** A `.json` inventory: the script format (`ansible-inventory --list`'s), else the YAML format written as JSON. */
async function readJsonInventory(text: string, file: string, vault: Vault | undefined): Promise<InventorySpec> {
  const { looksLikeScriptJson, parseJsonText, scriptJsonToSpec } = await import('./ansible-json.js');
  const { revealIn } = await import('../vault/reveal.js');
  const data = revealIn(parseJsonText(text, file), file, vault, false);
  if (looksLikeScriptJson(data)) return scriptJsonToSpec(data, file);
  const { ansibleYamlToSpec } = await import('./ansible-yaml.js');
  return ansibleYamlToSpec(data, file);
}

/** Reads one inventory file of any kind but a directory. */
async function readFileOfKind(path: string, kind: Exclude<Kind, 'dir'>, file: string, vault: Vault | undefined): Promise<InventorySpec> {
  if (kind === 'module') return readModule(path, file);
  if (kind === 'script') return (await import('./script.js')).readScriptInventory(path, file);
  return readAnsibleFile(path, kind, file, vault);
}

async function readDir(dir: string, cwd: string, vault: Vault | undefined): Promise<InventorySpec> {
  let spec: InventorySpec = {};
  const errors: LvsError[] = [];
  for (const entry of (await readdir(dir)).sort()) {
    if (entry.startsWith('.') || entry === 'group_vars' || entry === 'host_vars' || IGNORED.test(entry)) continue;
    const full = join(dir, entry);
    const kind = await kindOf(full);
    if (!kind || kind === 'dir') continue;
    try {
      const part = await readFileOfKind(full, kind, shown(cwd, full), vault);
      spec = mergeSpecs(spec, part);
    } catch (e) {
      if (e instanceof ValidationErrors) errors.push(...e.errors);
      else if (e instanceof LvsError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length > 0) throw new ValidationErrors(errors);
  return spec;
}

/** Reads the spec behind `ref` (validated), without resolving it. */
export async function readInventorySpec(ref: string, cwd: string, vault?: Vault, fallback?: InventoryFallback): Promise<{ spec: InventorySpec; source: string }> {
  let found: Awaited<ReturnType<typeof locateInventory>>;
  try {
    found = await locateInventory(ref, cwd);
  } catch (e) {
    const spec = e instanceof LvsError && e.code === 'E_LOAD' && fallback ? await fallback(ref) : undefined;
    if (!spec) throw e;
    return { spec: validateInventorySpec(spec, ref), source: ref };
  }
  const { path, kind } = found;
  const source = shown(cwd, path);
  let spec: InventorySpec;
  if (kind === 'module') return { spec: await readModule(path, source), source };
  if (kind === 'dir') spec = await readDir(path, cwd, vault);
  else spec = await readFileOfKind(path, kind, source, vault);
  const extra = await readVarsDirs(kind === 'dir' ? path : dirname(path), cwd, spec, vault);
  if (extra) spec = mergeSpecs(spec, extra);
  return { spec: validateInventorySpec(spec, source), source };
}

/** Loads, validates and resolves an inventory. Connects to nothing. */
export async function loadInventory(ref: string, opts: LoadOptions): Promise<Inventory> {
  const { spec, source } = await readInventorySpec(ref, opts.cwd, opts.vault, opts.fallback);
  const secrets = opts.vault?.revealed() ?? [];
  const inv = resolveInventory(spec, { source, ...(opts.extraVars ? { extraVars: opts.extraVars } : {}), ...(opts.warn ? { warn: opts.warn } : {}), ...(secrets.length ? { secrets } : {}) });
  if (opts.warn) warnUnappliedAnsibleVars(inv, opts.warn);
  return secrets.length > 0 ? { ...inv, secrets } : inv;
}

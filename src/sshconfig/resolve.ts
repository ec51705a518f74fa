/**
 * Which ssh_config values apply to one host, as `ssh -G HOST` computes them: options given first
 * (the inventory, Ansible's `-o`), then each file in order; `Host` lines (several patterns,
 * wildcards, `!` negation) and `Match` (all, host, originalhost, user, localuser) open sections,
 * `Include` reads other files in place (globs, relative to ~/.ssh or /etc/ssh), and the first
 * value of a keyword wins (IdentityFile and CertificateFile accumulate). Every value keeps where
 * it came from.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { LvsError } from '../errors.js';
import { parseSshConfig, type Directive } from './parse.js';
import { expandTokens, localUser } from './tokens.js';
import { globMatch, patternListMatches } from './pattern.js';

export { globMatch, patternListMatches };

export interface ConfigFile {
  path: string;
  /** A system file (/etc/ssh/ssh_config): its relative Includes are under /etc/ssh. */
  system: boolean;
}

/** One value given outside the files (inventory field, `-o` option): `from` says which. */
export interface GivenOption {
  key: string;
  args: string[];
  from: string;
}

export interface Value {
  args: string[];
  /** `file:line`, or the GivenOption's `from`. */
  from: string;
}

export interface Resolved {
  /** Keyword (lower-case) → its value; accumulating keywords hold each value in order. */
  values: Map<string, Value[]>;
  /** Things ignored (an unsupported Match criterion, a missing Include): tell them, stop nothing. */
  warnings: string[];
}

export interface ResolveInput {
  /** The host name as given to ssh (alias or address). */
  host: string;
  first?: readonly GivenOption[];
  files: readonly ConfigFile[];
  /** Used when neither `first` nor the files set the keyword (hop defaults inherited from the target). */
  fallback?: readonly GivenOption[];
  readFile?: (path: string) => string | null;
  /** Files already read by this run's other hosts (resolveSshHosts: one read of each for 10 000 hosts). */
  cache?: ConfigFiles;
  home?: string;
  localUser?: string;
}

/**
 * The ssh_config files of one pass over many hosts, each read, parsed and (an Include glob's
 * folder) listed once. A file that cannot be read or parsed is not kept: each host reports it.
 */
export class ConfigFiles {
  private readonly parsed = new Map<string, Directive[] | null>();
  private readonly listed = new Map<string, string[] | null>();
  constructor(private readonly readFile: (path: string) => string | null = readOrNull) {}

  directives(path: string): Directive[] | null {
    let d = this.parsed.get(path);
    if (d === undefined) {
      const text = this.readFile(path);
      this.parsed.set(path, (d = text === null ? null : parseSshConfig(text, path)));
    }
    return d;
  }

  /** The names in a folder, or null when it cannot be listed. */
  names(dir: string): string[] | null {
    let n = this.listed.get(dir);
    if (n === undefined) {
      try {
        n = readdirSync(dir);
      } catch {
        n = null;
      }
      this.listed.set(dir, n);
    }
    return n;
  }
}

const ACCUMULATE = new Set(['identityfile', 'certificatefile', 'localforward', 'remoteforward', 'dynamicforward', 'sendenv']);
const MAX_INCLUDE_DEPTH = 16;

/** The files ssh reads: FILE alone when given (-F), else ~/.ssh/config then /etc/ssh/ssh_config. */
export function defaultConfigFiles(explicit?: string, home = homedir()): ConfigFile[] {
  if (explicit) return [{ path: explicit.replace(/^~(?=\/|$)/, home), system: false }];
  return [
    { path: join(home, '.ssh', 'config'), system: false },
    { path: '/etc/ssh/ssh_config', system: true },
  ];
}

interface Ctx {
  input: ResolveInput;
  home: string;
  localUser: string;
  values: Map<string, Value[]>;
  warnings: string[];
  files: ConfigFiles;
}

function setValue(c: Ctx, key: string, args: string[], from: string): void {
  const have = c.values.get(key);
  if (ACCUMULATE.has(key)) {
    if (!args.length || args[0]?.toLowerCase() === 'none') return;
    c.values.set(key, [...(have ?? []), { args, from }]);
    return;
  }
  if (have) return;
  // ProxyJump and ProxyCommand: whichever comes first wins (ssh_config(5))
  if ((key === 'proxyjump' && c.values.has('proxycommand')) || (key === 'proxycommand' && c.values.has('proxyjump'))) return;
  c.values.set(key, [{ args, from }]);
}

function current(c: Ctx, key: string): string | undefined {
  return c.values.get(key)?.[0]?.args[0];
}

/** A `Match` line: every criterion must hold (`!` negates one); unsupported ones never match. */
function matchLine(c: Ctx, d: Directive): boolean {
  const a = [...d.args];
  let all = true;
  while (a.length) {
    let crit = (a.shift() as string).toLowerCase();
    const neg = crit.startsWith('!');
    if (neg) crit = crit.slice(1);
    if (crit === 'all') continue;
    const arg = a.shift();
    const hostname = expandTokens(current(c, 'hostname') ?? c.input.host, { h: c.input.host }, `${d.file}:${d.line}`);
    const subject: Record<string, string> = {
      host: hostname,
      originalhost: c.input.host,
      user: current(c, 'user') ?? c.localUser,
      localuser: c.localUser,
    };
    let ok: boolean;
    if (crit in subject && arg !== undefined) {
      ok = patternListMatches([arg], subject[crit] as string);
    } else {
      c.warnings.push(`${d.file}:${d.line}: Match ${crit} is not supported by lvs-play; that section is skipped`);
      ok = neg; // never matches, negated or not
    }
    if (neg ? ok : !ok) all = false;
  }
  return all;
}

function includeFiles(c: Ctx, pattern: string, system: boolean): string[] {
  const p = pattern.replace(/^~(?=\/|$)/, c.home);
  const abs = isAbsolute(p) ? p : join(system ? '/etc/ssh' : join(c.home, '.ssh'), p);
  if (!/[*?]/.test(basename(abs))) return [abs];
  const names = c.files.names(dirname(abs));
  if (names === null) return [];
  return names.filter((n) => globMatch(basename(abs), n) && !n.startsWith('.')).sort().map((n) => join(dirname(abs), n));
}

function applyFile(c: Ctx, file: ConfigFile, depth: number): void {
  const directives = c.files.directives(file.path);
  if (directives === null) return;
  let active = true;
  for (const d of directives) {
    if (d.key === 'host') active = patternListMatches(d.args, c.input.host, false);
    else if (d.key === 'match') active = matchLine(c, d);
    else if (!active) continue;
    else if (d.key === 'include') {
      if (depth >= MAX_INCLUDE_DEPTH) throw new LvsError('E_INVENTORY', 'ssh_config Include nested too deeply (a loop?)', { file: d.file, field: `line ${d.line}` });
      for (const pat of d.args) for (const f of includeFiles(c, pat, file.system)) applyFile(c, { path: f, system: file.system }, depth + 1);
    } else setValue(c, d.key, d.args, `${d.file}:${d.line}`);
  }
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR') return null;
    throw new LvsError('E_INVENTORY', `cannot read ssh_config: ${(e as Error).message}`, { file: path });
  }
}

/** Every keyword's value for `input.host`, with its origin. */
export function resolveSshConfig(input: ResolveInput): Resolved {
  const c: Ctx = {
    input,
    home: input.home ?? homedir(),
    localUser: input.localUser ?? localUser(),
    values: new Map(),
    warnings: [],
    files: input.cache ?? new ConfigFiles(input.readFile),
  };
  for (const o of input.first ?? []) setValue(c, o.key.toLowerCase(), o.args, o.from);
  for (const f of input.files) applyFile(c, f, 0);
  for (const o of input.fallback ?? []) if (!c.values.has(o.key.toLowerCase())) setValue(c, o.key.toLowerCase(), o.args, o.from);
  return { values: c.values, warnings: c.warnings };
}

/**
 * Loading the built lvs-play. The bundle (dist/bundle/, written by scripts/bundle.mjs) holds the
 * command (main.cjs, with the command line front in front.cjs) and every package entry (lib.cjs);
 * the rest is engine.cjs, each of its modules started on first use. The command (src/cli/main.ts)
 * loads it through loadCli(), the entries' modules (dist/src/index.js …, written by the same script)
 * through loadLibrary(): one instance of every module, shared by the CLI and a user's playbook.
 *
 * The command compiles it once per machine, Node version and build, not once per run: on Node ≥ 22.1
 * with Node's own compile cache (module.enableCompileCache), on Node 20 with V8's code cache of
 * engine.cjs (and of jiti's code, which loads a playbook there), kept in $XDG_CACHE_HOME/lvs-play
 * (~/.cache/lvs-play): read only
 * when that directory and file belong to this user and no one else can write them.
 * NODE_DISABLE_COMPILE_CACHE=1 turns both off. A cache that cannot be read or written is no cache:
 * it never fails a command.
 */
import * as nodeModule from 'node:module';
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** A package entry's exports (their types: the entry's own declarations). */
type Exports = Record<string, unknown>;

/** What lib.cjs exports (scripts/bundle-entry.cjs): each package entry, initialised on its first use. */
export interface Library {
  lib(): Exports;
  kit(): Exports;
  roles(): Exports;
  lab(): Exports;
}

type Compile = (this: NodeJS.Module, content: string, filename: string) => unknown;

/**
 * Which code cache a command reads and writes: `listing` (--list-hosts, --list-tasks: the library
 * and the plan, no engine), `full` (a playbook run) or `command` (the other subcommands: lab,
 * init, status, apply …). A cache holds what the command that wrote it compiled, so a subcommand
 * run first (`lab up`, `init`) never writes the one of playbook runs. A listing or a subcommand
 * reads its own cache (smaller: less to read in), else a full one; it writes its own only where
 * there is neither.
 */
export type CacheAs = 'listing' | 'full' | 'command';

const requireHere = nodeModule.createRequire(import.meta.url);
const bundleFile = (name: string): string => fileURLToPath(new URL(`../bundle/${name}.cjs`, import.meta.url));
const STORE_PREFIX = 'code-';

/** The command (runCli of src/cli/cli.ts), its large files compiled through a cache. */
export function loadCli(cacheAs: CacheAs): { runCli(argv: string[]): void } {
  if (!process.env.NODE_DISABLE_COMPILE_CACHE) {
    const enable = (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache;
    if (enable) enable();
    else compileThroughCodeCache(cacheAs);
  }
  return requireHere(bundleFile('main')) as { runCli(argv: string[]): void };
}

/** The package entries' code (the same instance the command uses, when it runs). */
export function loadLibrary(): Library {
  return requireHere(bundleFile('lib')) as Library;
}

/** The bundle's files this large (engine.cjs) are compiled through V8's code cache; small ones compile quickly. */
const CACHED_FROM_BYTES = 128 * 1024;

/**
 * From now on, Node's CommonJS loader compiles the bundle's large files through V8's code cache
 * (Node 20), and jiti's own code (which reads a playbook there: compiled, ~6 ms of every playbook
 * run). Only code without import(): a function Node 20 brings back from a code cache has lost its
 * import() (`A dynamic import callback was not specified`). The bundle runs none there (its one
 * import(), a playbook loaded by Node itself, needs Node ≥ 22.18, which has its own cache); jiti
 * keeps its import() in lib/jiti.cjs (small, not cached) and hands it to dist/jiti.cjs, which is
 * cached only while its text shows no other (cacheableDependency).
 */
function compileThroughCodeCache(cacheAs: CacheAs): void {
  const proto = nodeModule.Module.prototype as unknown as { _compile: Compile };
  const original = proto._compile;
  const ours = dirname(bundleFile('main'));
  proto._compile = function compile(this: NodeJS.Module, content: string, filename: string) {
    const cached = content.length >= CACHED_FROM_BYTES && (dirname(filename) === ours || cacheableDependency(content, filename));
    return cached ? runCached(this, content, filename, cacheAs) : original.call(this, content, filename);
  };
}

/** The two places jiti's dist/jiti.cjs (2.x) writes `import(`: a method's name and an error message, neither a call. */
const JITI_IMPORT_TEXT = /async import\(|in import\(\)/g;

/**
 * jiti's dist/jiti.cjs, while every `import(` in it is one of the two known non-calls: a version
 * that calls import() there is compiled as usual (tested: test/unit/package/code-cache.test.ts).
 */
export function cacheableDependency(content: string, filename: string): boolean {
  if (!filename.endsWith(`${sep}jiti${sep}dist${sep}jiti.cjs`)) return false;
  return (content.match(/import\(/g)?.length ?? 0) === (content.match(JITI_IMPORT_TEXT)?.length ?? 0);
}

function runCached(mod: NodeJS.Module, content: string, filename: string, cacheAs: CacheAs): unknown {
  const store = storeFor(filename);
  // a listing or a subcommand reads its own cache (smaller: less to read in) where there is one, else a full one
  const own = store && readOwn(store(cacheAs));
  const had = own ?? (store && cacheAs !== 'full' ? readOwn(store('full')) : undefined);
  const script = new vm.Script(nodeModule.Module.wrap(content), { filename, ...(had ? { cachedData: had } : {}) });
  // at the end, what this command compiled becomes the cache it lacked (or had rejected: another V8)
  if (store && (!had || script.cachedDataRejected)) process.once('exit', () => save(script, filename, store(cacheAs)));
  const wrapper = script.runInThisContext() as (...args: unknown[]) => unknown;
  return wrapper.call(mod.exports, mod.exports, nodeModule.createRequire(filename), mod, filename, dirname(filename));
}

/** The cache files of this build of `file` and this Node, in a directory only this user can write (else none). */
function storeFor(file: string): ((as: CacheAs) => string) | undefined {
  try {
    const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'lvs-play');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory() || !ownedAndPrivate(st)) return undefined;
    const b = statSync(file);
    const build = `${prefixOf(file)}${process.version}-${process.arch}-${b.size}-${Math.round(b.mtimeMs)}`;
    return (as) => join(dir, `${build}-${as}.v8`);
  } catch {
    return undefined;
  }
}

/** The caches of one file start alike (a name from its path): a new build replaces its own only. */
const prefixOf = (file: string): string => `${STORE_PREFIX}${createHash('sha256').update(file).digest('hex').slice(0, 16)}-`;

const ownedAndPrivate = (st: { uid: number; mode: number }): boolean => st.uid === process.getuid?.() && (st.mode & 0o022) === 0;

/** The cache's bytes: a regular file of this user that no one else can write (never through a symlink). */
function readOwn(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    const st = fstatSync(fd);
    if (!st.isFile() || !ownedAndPrivate(st) || st.size > 256 * 1024 * 1024) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The caches kept in the directory (the newest): copies of lvs-play installed and removed (npm, CI) leave none behind for long. */
const KEEP_CACHES = 16;

/** Writes the code cache (temp file, then rename); this copy's caches of other builds or Nodes go, and all but the newest few. */
function save(script: vm.Script, file: string, store: string): void {
  const temp = `${store}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, script.createCachedData(), { mode: 0o600, flag: 'wx' });
    renameSync(temp, store);
    const dir = dirname(store);
    const build = store.slice(0, store.lastIndexOf('-'));
    const caches = readdirSync(dir).filter((n) => n.startsWith(STORE_PREFIX) && n.endsWith('.v8')).map((n) => join(dir, n));
    const stale = caches.filter((p) => p.startsWith(join(dir, prefixOf(file))) && !p.startsWith(build));
    const old = caches.filter((p) => !stale.includes(p)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs).slice(KEEP_CACHES);
    for (const p of [...stale, ...old]) unlinkSync(p);
  } catch {
    // no cache this time (and no temp file left)
    try {
      unlinkSync(temp);
    } catch {
      // there was none
    }
  }
}

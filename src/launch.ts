/**
 * Loading the built lvs-play. One bundle (dist/lvs-play.cjs, written by scripts/bundle.mjs) holds
 * the command and every package entry; the command (src/cli/main.ts) and the entries' modules
 * (dist/src/index.js …, written by the same script) load it through loadBundle(), once per process,
 * so the CLI and a user's playbook share one instance of every module.
 *
 * The command compiles it once per machine, Node version and build, not once per run: on Node ≥ 22.1
 * with Node's own compile cache (module.enableCompileCache), on Node 20 with V8's code cache of each
 * large file (the bundle, jiti), kept in $XDG_CACHE_HOME/lvs-play (~/.cache/lvs-play): read only when that directory and
 * file belong to this user and no one else can write them. NODE_DISABLE_COMPILE_CACHE=1 turns both
 * off. A cache that cannot be read or written is no cache: it never fails a command.
 */
import * as nodeModule from 'node:module';
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** What the bundle exports (scripts/bundle-entry.cjs): each part initialised on its first use. */
export interface Bundle {
  runCli(argv: string[]): void;
  lib(): typeof import('./index.js');
  kit(): typeof import('./kit/index.js');
  roles(): typeof import('../roles/index.js');
  lab(): typeof import('./lab/index.js');
}

type Compile = (this: NodeJS.Module, content: string, filename: string) => unknown;

/**
 * What a command compiles of the bundle, and so which code cache it reads and writes: `front`
 * (--version, --help, a usage error: the command line only) or `engine` (a command that runs:
 * the library and the engine too). An engine cache serves both; a front one only the front.
 */
export type CacheAs = 'front' | 'engine';

const requireHere = nodeModule.createRequire(import.meta.url);
const STORE_PREFIX = 'code-';

/** The bundle, loaded once per process; `cacheAs`: compiled through a cache (the command; not a library import). */
export function loadBundle(cacheAs?: CacheAs): Bundle {
  const file = realpathSync(fileURLToPath(new URL('../lvs-play.cjs', import.meta.url)));
  if (cacheAs && !process.env.NODE_DISABLE_COMPILE_CACHE && !requireHere.cache[file]) {
    const enable = (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache;
    if (enable) enable();
    else compileThroughCodeCache(cacheAs);
  }
  return requireHere(file) as Bundle;
}

/** Files this large (the bundle; jiti, which loads a playbook on Node 20) are compiled through V8's code cache. */
const CACHED_FROM_BYTES = 128 * 1024;

/** From now on, Node's CommonJS loader compiles large files through V8's code cache (Node 20). */
function compileThroughCodeCache(cacheAs: CacheAs): void {
  const proto = nodeModule.Module.prototype as unknown as { _compile: Compile };
  const original = proto._compile;
  proto._compile = function compile(this: NodeJS.Module, content: string, filename: string) {
    return content.length >= CACHED_FROM_BYTES ? runCached(this, content, filename, cacheAs) : original.call(this, content, filename);
  };
}

function runCached(mod: NodeJS.Module, content: string, filename: string, cacheAs: CacheAs): unknown {
  const store = storeFor(filename);
  const engine = store && readOwn(store('engine'));
  const had = engine ?? (store && cacheAs === 'front' ? readOwn(store('front')) : undefined);
  const script = new vm.Script(nodeModule.Module.wrap(content), {
    filename,
    ...(had ? { cachedData: had } : {}),
    importModuleDynamically: (vm as unknown as { constants: { USE_MAIN_CONTEXT_DEFAULT_LOADER: symbol } }).constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  } as unknown as vm.ScriptOptions);
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
  try {
    const temp = `${store}.${process.pid}.tmp`;
    writeFileSync(temp, script.createCachedData(), { mode: 0o600, flag: 'wx' });
    renameSync(temp, store);
    const dir = dirname(store);
    const build = store.slice(0, store.lastIndexOf('-'));
    const caches = readdirSync(dir).filter((n) => n.startsWith(STORE_PREFIX) && n.endsWith('.v8')).map((n) => join(dir, n));
    const stale = caches.filter((p) => p.startsWith(join(dir, prefixOf(file))) && !p.startsWith(build));
    const old = caches.filter((p) => !stale.includes(p)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs).slice(KEEP_CACHES);
    for (const p of [...stale, ...old]) unlinkSync(p);
  } catch {
    // no cache this time
  }
}

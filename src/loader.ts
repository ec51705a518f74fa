import type { createJiti } from 'jiti';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { LvsError } from './errors.js';
import { checkInputFile } from './input-file.js';
import { esmByPackageJson, jitiTakesOver, nodeLoadsTypeScript, registerTsResolve } from './native-ts.js';
import { ownPackage } from './package-root.js';

// from the sources (as under vitest) this is src/loader.ts; built, a part of dist/bundle/engine.cjs
const fromSources = import.meta.url.endsWith('.ts');

/** This copy's root (src/package-root.ts). */
function packageRoot(): string {
  const own = ownPackage();
  if (!own) throw new LvsError('E_LOAD', 'the package.json of lvs-play is not found above its code', { fix: 'reinstall lvs-play' });
  return own.root;
}

/** The entry files of this very copy of lvs-play (built: the bundle's entries), so user files share the CLI's instance. */
function selfAliases(): Record<string, string> {
  const root = packageRoot();
  const [src, ext] = fromSources ? ['src', '.ts'] : [join('dist', 'src'), '.js'];
  return {
    'lvs-play/roles': join(root, src, '..', 'roles', `index${ext}`),
    'lvs-play/kit': join(root, src, 'kit', `index${ext}`),
    'lvs-play/lab': join(root, src, 'lab', `index${ext}`),
    'lvs-play': join(root, src, `index${ext}`),
  };
}

let jiti: ReturnType<typeof createJiti> | undefined;

/** How long a user module may take to load (its top-level code and awaits): 30 s, or `$LVS_PLAY_LOAD_TIMEOUT` seconds. */
export function loadTimeoutMs(): number {
  const env = Number(process.env.LVS_PLAY_LOAD_TIMEOUT);
  return Number.isFinite(env) && env > 0 ? env * 1000 : 30_000;
}

/** Which loader reads user files: Node itself where it strips types (built copy), else jiti. */
function useNative(absPath: string): boolean {
  // LVS_PLAY_LOADER=jiti forces jiti; from sources the engine's own .ts files (which import
  // './x.js' for x.ts and run under vitest's module runner) stay with jiti
  return process.env.LVS_PLAY_LOADER !== 'jiti' && !fromSources && nodeLoadsTypeScript() && esmByPackageJson(absPath);
}

async function importWithJiti(absPath: string): Promise<unknown> {
  // jiti loads only when it reads a file (start-up time; not at all where Node strips types), and
  // through require: its CommonJS build costs Node 20 ~45 ms less CPU than import() of the same code
  jiti ??= (createRequire(import.meta.url)('jiti') as typeof import('jiti')).createJiti(import.meta.url, { alias: selfAliases(), interopDefault: true, moduleCache: true });
  const mod = await jiti.import<{ default?: unknown }>(absPath);
  return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
}

/** The module's default export, read by Node where it can (src/native-ts.ts), else by jiti. */
async function loadModule(absPath: string): Promise<unknown> {
  if (useNative(absPath)) {
    registerTsResolve(selfAliases());
    try {
      const ns = (await import(pathToFileURL(absPath).href)) as Record<string, unknown>;
      // a module without a default export is handed back as jiti hands it back
      return 'default' in ns ? ns.default : { __esModule: true, ...ns };
    } catch (e) {
      if (!jitiTakesOver(e)) throw e;
    }
  }
  return importWithJiti(absPath);
}

/**
 * Imports a user's TypeScript or JavaScript module (playbook, inventory) and returns its default
 * export. Only a regular file of bounded size is imported; a module whose loading does not settle
 * within loadTimeoutMs() (a top-level await that never ends) is refused (E_LOAD, exit 4).
 */
export async function importUserModule(absPath: string, shown = absPath): Promise<unknown> {
  await checkInputFile(absPath, shown, 'the module');
  const ms = loadTimeoutMs();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // this timer also keeps the event loop alive: a load that never settles cannot end as a silent exit
    timer = setTimeout(() => reject(new LvsError('E_LOAD', `loading did not finish within ${ms / 1000} s (a top-level await that never settles?)`, {
      file: shown,
      fix: 'make the module finish loading (no never-ending top-level await), or raise LVS_PLAY_LOAD_TIMEOUT (seconds)',
    })), ms);
  });
  try {
    return await Promise.race([loadModule(absPath), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

import { createJiti } from 'jiti';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { LvsError } from './errors.js';
import { checkInputFile } from './input-file.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The entry files of this very copy of lvs-play, so user files share the CLI's instance. */
function selfAliases(): Record<string, string> {
  // here = <root>/src (from sources) or <root>/dist/src (built)
  const ext = existsSync(join(here, 'index.ts')) ? '.ts' : '.js';
  return {
    'lvs-play/roles': join(here, '..', 'roles', `index${ext}`),
    'lvs-play/kit': join(here, 'kit', `index${ext}`),
    'lvs-play/lab': join(here, 'lab', `index${ext}`),
    'lvs-play': join(here, `index${ext}`),
  };
}

let jiti: ReturnType<typeof createJiti> | undefined;

/** How long a user module may take to load (its top-level code and awaits): 30 s, or `$LVS_PLAY_LOAD_TIMEOUT` seconds. */
export function loadTimeoutMs(): number {
  const env = Number(process.env.LVS_PLAY_LOAD_TIMEOUT);
  return Number.isFinite(env) && env > 0 ? env * 1000 : 30_000;
}

/**
 * Imports a user's TypeScript or JavaScript module (playbook, inventory) and returns its default
 * export. Only a regular file of bounded size is imported; a module whose loading does not settle
 * within loadTimeoutMs() (a top-level await that never ends) is refused (E_LOAD, exit 4).
 */
export async function importUserModule(absPath: string, shown = absPath): Promise<unknown> {
  await checkInputFile(absPath, shown, 'the module');
  jiti ??= createJiti(import.meta.url, { alias: selfAliases(), interopDefault: true, moduleCache: true });
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
    const mod = await Promise.race([jiti.import<{ default?: unknown }>(absPath), timeout]);
    return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
  } finally {
    clearTimeout(timer);
  }
}

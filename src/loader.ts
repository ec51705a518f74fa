import { createJiti } from 'jiti';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';

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

/** Imports a user's TypeScript or JavaScript module (playbook, inventory) and returns its default export. */
export async function importUserModule(absPath: string): Promise<unknown> {
  jiti ??= createJiti(import.meta.url, { alias: selfAliases(), interopDefault: true, moduleCache: true });
  const mod = await jiti.import<{ default?: unknown }>(absPath);
  return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
}

/**
 * Loading a user's TypeScript file (playbook, inventory) with Node itself, where Node strips types
 * (Node ≥ 22.18 / 23.6: `process.features.typescript`) and has in-thread module hooks
 * (`module.registerHooks`, Node ≥ 22.15 / 23.5). One resolve hook makes the files load as they do
 * under jiti: the package's own names ('lvs-play', 'lvs-play/kit', …) map to this very copy, and a
 * relative import from a .ts file may name './x.js' for x.ts or omit the extension ('./x').
 */
import * as nodeModule from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface ResolveResult { url: string; format?: string | null; shortCircuit?: boolean }
type NextResolve = (specifier: string, context?: ResolveContext) => ResolveResult;
interface ResolveContext { parentURL?: string; conditions?: readonly string[] }
interface Hooks { resolve: (specifier: string, context: ResolveContext, next: NextResolve) => ResolveResult }
type RegisterHooks = (hooks: Hooks) => unknown;

const registerHooks = (nodeModule as unknown as { registerHooks?: RegisterHooks }).registerHooks;

/** True when this Node can load the user's .ts files itself (else jiti does). */
export function nodeLoadsTypeScript(): boolean {
  const features = process.features as { typescript?: string | false };
  return Boolean(features.typescript) && typeof registerHooks === 'function';
}

/**
 * Whether Node reads `file` as an ES module without a word: its nearest package.json says
 * "type": "module". Else (CommonJS by "type", or no "type", as `npm init` writes them) Node would warn
 * or fail on a playbook's `import`/`export`, and jiti reads the file.
 */
export function esmByPackageJson(file: string): boolean {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false;
      }
    }
    if (dirname(dir) === dir) return false;
  }
}

/** The file names a relative specifier from a TypeScript file may mean, as jiti and tsc find them. */
export function tsCandidates(specifier: string): string[] {
  if (/\.[cm]?js$/.test(specifier)) return [specifier.replace(/js$/, 'ts')];
  if (/\.[cm]?ts$/.test(specifier)) return [];
  return [`${specifier}.ts`, `${specifier}.js`, `${specifier}/index.ts`, `${specifier}/index.js`];
}

function resolveRelative(specifier: string, parentURL: string): string | undefined {
  for (const candidate of tsCandidates(specifier)) {
    const url = new URL(candidate, parentURL);
    if (existsSync(fileURLToPath(url))) return url.href;
  }
  return undefined;
}

let registered = false;

/** Installs the resolve hook once; `aliases` maps the package's names to this copy's entry files. */
export function registerTsResolve(aliases: Record<string, string>): void {
  if (registered || !registerHooks) return;
  registered = true;
  registerHooks({
    resolve(specifier, context, next) {
      const alias = aliases[specifier];
      if (alias) return { url: pathToFileURL(alias).href, shortCircuit: true };
      try {
        return next(specifier, context);
      } catch (e) {
        const parent = context.parentURL;
        const fromTs = parent?.startsWith('file:') && /\.[cm]?ts$/.test(parent) && specifier.startsWith('.');
        const found = fromTs ? resolveRelative(specifier, parent!) : undefined;
        if (found) return { url: found, shortCircuit: true };
        throw e;
      }
    },
  });
}

/**
 * Errors for which jiti gets the file instead: Node's own before it runs any of the user's code, and
 * any SyntaxError (a type imported without `type` fails linking; a SyntaxError the user's code
 * throws itself is thrown again by jiti).
 */
export function jitiTakesOver(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && /^ERR_(UNSUPPORTED_TYPESCRIPT_SYNTAX|INVALID_TYPESCRIPT_SYNTAX|UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING|UNKNOWN_FILE_EXTENSION|MODULE_NOT_FOUND)$/.test(code)) return true;
  return e instanceof SyntaxError;
}

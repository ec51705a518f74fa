/**
 * The role's PowerShell, loaded once as constant text from scripts/*.ps1. Every script is
 * lib.ps1 + its own file (the adapter install also gets setupapi.ps1); values reach them only
 * through `$data`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PsScript } from 'lvs-play';
import { psFromText } from 'lvs-play/kit';

const here = dirname(fileURLToPath(import.meta.url));

/** scripts/ beside this file (sources), or in the package's roles/ above it (built: the bundle in dist/). */
function scriptsDir(): string {
  const up = (n: number): string => join(here, ...Array<string>(n).fill('..'), 'roles', 'windows-realserver', 'scripts');
  const candidates = [join(here, 'scripts'), up(1), up(2), up(3)];
  const found = candidates.find((d) => existsSync(join(d, 'lib.ps1')));
  if (!found) throw new Error(`windows-realserver: scripts not found in ${candidates.join(' or ')}`);
  return found;
}

const NAMES = [
  'loopback-read', 'loopback-apply', 'addresses-read', 'addresses-apply',
  'weakhost-read', 'weakhost-apply', 'firewall-read', 'firewall-apply',
] as const;
export type ScriptName = (typeof NAMES)[number];

function load(): Record<ScriptName, PsScript> {
  const dir = scriptsDir();
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const lib = read('lib.ps1');
  const setupApi = read('setupapi.ps1');
  const out = {} as Record<ScriptName, PsScript>;
  for (const n of NAMES) {
    const parts = [lib, ...(n === 'loopback-apply' ? [setupApi] : []), read(`${n}.ps1`)];
    out[n] = psFromText(parts.join('\n'));
  }
  return out;
}

let cache: Record<ScriptName, PsScript> | undefined;

/** One of the role's scripts (complete: helpers included). */
export function script(name: ScriptName): PsScript {
  cache ??= load();
  return cache[name];
}

/** Every script the role can send, by name (for syntax checks). */
export function allScripts(): Readonly<Record<ScriptName, PsScript>> {
  cache ??= load();
  return cache;
}

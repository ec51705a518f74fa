/**
 * This copy of lvs-play on disk: the nearest directory above the running code with lvs-play's
 * package.json (from the sources, src/…; built, dist/bundle/…), and that package.json.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface OwnPackage {
  root: string;
  json: { name: string; version: string; devDependencies: Record<string, string> };
}

let found: OwnPackage | null | undefined;

/** lvs-play's own package (read once), or null when no package.json above the code is lvs-play's. */
export function ownPackage(): OwnPackage | null {
  if (found !== undefined) return found;
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as OwnPackage['json'];
      if (json.name === 'lvs-play') return (found = { root: dir, json });
    } catch {
      // no (readable) package.json here: further up
    }
  }
  return (found = null);
}

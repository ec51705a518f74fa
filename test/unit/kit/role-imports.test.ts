// Our roles are written with the public kit only: no file under roles/ reaches into src/ by path.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every module specifier a file imports or re-exports (static and dynamic). */
function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push((m[1] ?? m[2])!);
  return out;
}

describe('roles use the public kit only', () => {
  const files = tsFiles(join(root, 'roles'));
  it('finds the roles', () => expect(files.length).toBeGreaterThan(20));
  it.each(files.map((f) => [f.slice(root.length), f]))('%s imports only lvs-play entries, its own role, or node:', (_name, f) => {
    const bad = specifiers(readFileSync(f, 'utf8')).filter(
      (s) => !(s === 'lvs-play' || s.startsWith('lvs-play/') || s.startsWith('node:') || /^\.\.?\//.test(s)) || /(^|\/)src\//.test(s),
    );
    expect(bad).toEqual([]);
  });
});

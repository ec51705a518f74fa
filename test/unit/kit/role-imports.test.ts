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

/** The names `lvs-play/roles` exports (roles/index.ts re-exports each role's public names). */
function publicRoleNames(): Set<string> {
  const text = readFileSync(join(root, 'roles', 'index.ts'), 'utf8');
  const names = [...text.matchAll(/export\s*\{([^}]*)\}/g)].flatMap((m) =>
    m[1]!.split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()!).filter(Boolean),
  );
  return new Set(names);
}

/** `import { a, type b } from '../other-role/x.js'`: the role and the names. */
function crossRoleImports(text: string): { from: string; names: string[] }[] {
  return [...text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"](\.\.\/[^'"]+)['"]/g)].map((m) => ({
    from: m[2]!,
    names: m[1]!.split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!).filter(Boolean),
  }));
}

describe('roles use the public kit only', () => {
  const pub = publicRoleNames();
  it.each(tsFiles(join(root, 'roles')).filter((f) => !f.endsWith('/roles/index.ts')).map((f) => [f.slice(root.length), f]))(
    '%s takes from another role only what lvs-play/roles exports (as an outside role could)',
    (_name, f) => {
      const hidden = crossRoleImports(readFileSync(f, 'utf8')).flatMap((i) => i.names.filter((n) => !pub.has(n)).map((n) => `${n} from ${i.from}`));
      expect(hidden).toEqual([]);
    },
  );
  const files = tsFiles(join(root, 'roles'));
  it('finds the roles', () => expect(files.length).toBeGreaterThan(20));
  it.each(files.map((f) => [f.slice(root.length), f]))('%s imports only lvs-play entries, its own role, or node:', (_name, f) => {
    const bad = specifiers(readFileSync(f, 'utf8')).filter(
      (s) => !(s === 'lvs-play' || s.startsWith('lvs-play/') || s.startsWith('node:') || /^\.\.?\//.test(s)) || /(^|\/)src\//.test(s),
    );
    expect(bad).toEqual([]);
  });
});

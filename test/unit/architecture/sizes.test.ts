// Parts a newcomer can read (issue 25, point 5): no file of src/, roles/ or playbooks/ over ~400
// lines, no function over ~60 outside templates (the text of a file the host gets, listed below with
// why). Counted on the TypeScript syntax tree: declarations, methods, arrow and function expressions.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const MAX_FILE = 400;
const MAX_FUNCTION = 60;
/** Functions that are templates: what they return is a file's text, line for line. */
const TEMPLATES = new Set(['roles/init-service/scripts.ts lsbInitScript']);

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

const files = ['src', 'roles', 'playbooks'].flatMap(sources);

function longFunctions(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isConstructorDeclaration(n)) {
      const lines = sf.getLineAndCharacterOfPosition(n.getEnd()).line - sf.getLineAndCharacterOfPosition(n.getStart()).line + 1;
      const name = `${file} ${(n as { name?: ts.Node }).name?.getText(sf) ?? `(function at line ${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1})`}`;
      if (lines > MAX_FUNCTION && !TEMPLATES.has(name)) out.push(`${name}: ${lines} lines`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('sizes of src/, roles/ and playbooks/', () => {
  it('reads the sources', () => expect(files.length).toBeGreaterThan(200));

  it(`no file over ${MAX_FILE} lines`, () => {
    const long = files.map((f) => [relative(root, join(root, f)), readFileSync(join(root, f), 'utf8').split('\n').length] as const).filter(([, n]) => n > MAX_FILE);
    expect(long.map(([f, n]) => `${f}: ${n} lines`)).toEqual([]);
  });

  it(`no function over ${MAX_FUNCTION} lines but the templates`, () => {
    expect(files.flatMap((f) => longFunctions(f, readFileSync(join(root, f), 'utf8')))).toEqual([]);
  });
});

// Every API name the docs show is exported: the imports from 'lvs-play', 'lvs-play/kit' and
// 'lvs-play/roles' in the code blocks of docs/*.md, README.md and the roles' READMEs, each name
// checked against the exports of that built entry (its .d.ts, read by TypeScript: types too).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const ENTRIES: Record<string, string> = {
  'lvs-play': 'dist/src/index.d.ts',
  'lvs-play/kit': 'dist/src/kit/index.d.ts',
  'lvs-play/roles': 'dist/roles/index.d.ts',
};

function docFiles(): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
  const roles = readdirSync(join(root, 'roles'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `roles/${d.name}/README.md`).filter((f) => existsSync(join(root, f)));
  return [...docs, 'README.md', ...roles];
}

/** `{ file, entry, name }` for every name imported from a public entry in a ts/js code block. */
export function docImports(file: string, text: string): { file: string; entry: string; name: string }[] {
  const out: { file: string; entry: string; name: string }[] = [];
  for (const block of text.matchAll(/```(?:ts|typescript|js|javascript|tsx)\n([\s\S]*?)```/g)) {
    for (const m of block[1]!.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*'(lvs-play(?:\/kit|\/roles)?)'/g)) {
      for (const part of m[1]!.split(',')) {
        const name = part.replace(/\/\/.*$/gm, '').trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!.trim();
        if (name) out.push({ file, entry: m[2]!, name });
      }
    }
  }
  return out;
}

function exportsOf(): Record<string, Set<string>> {
  const files = Object.values(ENTRIES).map((f) => join(root, f));
  const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true });
  const checker = program.getTypeChecker();
  return Object.fromEntries(Object.entries(ENTRIES).map(([entry, f]) => {
    const sf = program.getSourceFile(join(root, f));
    const sym = sf && checker.getSymbolAtLocation(sf);
    return [entry, new Set(sym ? checker.getExportsOfModule(sym).map((s) => s.getName()) : [])];
  }));
}

describe('the docs show only exported API names', () => {
  it('the reader finds imports (one line, several lines, type-only, aliased)', () => {
    const md = "```ts\nimport { a, type B } from 'lvs-play';\nimport {\n  c as d,\n  e, // note\n} from 'lvs-play/kit';\nimport x from 'other';\n```\n";
    expect(docImports('x.md', md).map((i) => `${i.entry}:${i.name}`)).toEqual(['lvs-play:a', 'lvs-play:B', 'lvs-play/kit:c', 'lvs-play/kit:e']);
  });

  it('every name imported from lvs-play, lvs-play/kit or lvs-play/roles in a code block is exported by that entry', () => {
    for (const f of Object.values(ENTRIES)) expect(existsSync(join(root, f)), `${f}: npm run build first`).toBe(true);
    const exported = exportsOf();
    const imports = docFiles().flatMap((f) => docImports(f, readFileSync(join(root, f), 'utf8')));
    expect(imports.length).toBeGreaterThan(20);
    const missing = imports.filter((i) => !exported[i.entry]!.has(i.name)).map((i) => `${i.file}: ${i.name} is not exported by ${i.entry}`);
    expect(missing).toEqual([]);
  }, 120_000);
});

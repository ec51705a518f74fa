/**
 * The import graph of src/ and roles/ (tests excluded), read with TypeScript's own scanner
 * (`ts.preProcessFile`: import/export … from, `import type`, dynamic `import()`), and the two rules
 * docs/architecture.md states: no import circle between files, and imports point down the layers.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** The package's own entries, as roles (and outside users) import them. */
export const ENTRIES: Record<string, string> = {
  'lvs-play': 'src/index.ts',
  'lvs-play/kit': 'src/kit/index.ts',
  'lvs-play/roles': 'roles/index.ts',
  'lvs-play/lab': 'src/lab/index.ts',
};

/** file → the files of the project it imports (paths relative to the root, '/'-separated). */
export type Graph = Map<string, string[]>;

function sourcesUnder(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourcesUnder(root, p));
    else if (/\.(?:ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolveRelative(root: string, from: string, spec: string): string {
  const base = resolve(root, dirname(from), spec);
  const ts_ = base.replace(/\.(?:m?js)$/, (m) => (m === '.mjs' ? '.mts' : '.ts'));
  const candidates = [ts_, base, `${base}.ts`, join(base, 'index.ts')];
  const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? ts_;
  return relative(root, hit).split('\\').join('/');
}

/** Every import of every file under `dirs`; bare specifiers other than the package's own entries are left out. */
export function importGraph(root: string, dirs: readonly string[]): Graph {
  const graph: Graph = new Map();
  for (const file of dirs.flatMap((d) => sourcesUnder(root, d))) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
    const targets = importedFiles.flatMap(({ fileName: spec }) => {
      if (spec.startsWith('.')) return [resolveRelative(root, file, spec)];
      const entry = ENTRIES[spec];
      return entry ? [entry] : [];
    });
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The import circles (strongly connected sets of more than one file, or a file importing itself). */
export function circles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const set: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      set.push(w);
    } while (w !== v);
    if (set.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(set.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** The layer unit of a file: roles/ is one; src/NAME/… is src/NAME; a file directly in src/ is itself. */
export function unitOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'roles') return 'roles';
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : file;
}

/**
 * The layers, top first, from the ```layers block of a markdown text: one line per layer, its units
 * separated by spaces (a `#` starts a comment).
 */
export function layersFrom(markdown: string): string[][] {
  const block = /```layers\n([\s\S]*?)```/.exec(markdown);
  if (!block) throw new Error('no ```layers block');
  return block[1]!
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '')
    .map((l) => l.split(/\s+/));
}

/**
 * Imports that break the layering: a unit may import a unit of a LOWER layer (or itself), never one
 * of its own layer (siblings are independent) or above. Also every unit the graph holds must be placed.
 */
export function layerViolations(graph: Graph, layers: readonly (readonly string[])[]): string[] {
  const rank = new Map<string, number>();
  layers.forEach((units, i) => units.forEach((u) => rank.set(u, layers.length - i)));
  const problems = new Set<string>();
  for (const [file, targets] of graph) {
    const from = unitOf(file);
    if (!rank.has(from)) problems.add(`${from} is in no layer of docs/architecture.md`);
    for (const target of targets) {
      const to = unitOf(target);
      if (to === from) continue;
      if (!rank.has(to)) problems.add(`${to} is in no layer of docs/architecture.md`);
      else if (rank.has(from) && rank.get(to)! >= rank.get(from)!) {
        problems.add(`${file} → ${target}: ${from} may not import ${to} (${rank.get(to) === rank.get(from) ? 'same layer' : 'a higher layer'})`);
      }
    }
  }
  return [...problems].sort();
}

// Imports point one way (issue 25): no import circle between the files of src/ and roles/, and no
// import from a lower layer to a higher one, in the layer order docs/architecture.md writes down.
// Circles count type-only and dynamic imports too: a value circle makes the load order decide what
// is undefined (roles/keepalived had one, index.ts ↔ plays.ts); a type circle is the same knot.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { circles, importGraph, layersFrom, layerViolations, type Graph } from './import-graph.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const graph = importGraph(root, ['src', 'roles']);
const layers = layersFrom(readFileSync(`${root}docs/architecture.md`, 'utf8'));

describe('the import graph of src/ and roles/', () => {
  it('is read: the CLI reaches the executor, roles reach the kit, the kit re-exports the schemas', () => {
    expect(graph.get('src/cli/run.ts')).toContain('src/run/executor.ts');
    expect(graph.get('roles/firewall/index.ts')).toContain('src/kit/index.ts');
    expect(graph.get('src/kit/index.ts')).toContain('src/schema/schemas.ts');
    expect(graph.get('src/cli/builtin-inventory.ts')).toContain('src/lab/inventory.ts'); // a dynamic import()
  });

  it('has no import circle', () => {
    expect(circles(graph)).toEqual([]);
  });

  it('imports only downward, in the layers of docs/architecture.md', () => {
    expect(layerViolations(graph, layers)).toEqual([]);
  });

  it('roles import only the public entries (and each other by relative path)', () => {
    const outside = [...graph].flatMap(([f, ts]) => (f.startsWith('roles/') ? ts.filter((t) => !t.startsWith('roles/') && !['src/index.ts', 'src/kit/index.ts'].includes(t)).map((t) => `${f} → ${t}`) : []));
    expect(outside).toEqual([]);
  });
});

describe('the checks themselves', () => {
  const g: Graph = new Map([
    ['src/a/x.ts', ['src/b/y.ts']],
    ['src/b/y.ts', ['src/a/x.ts', 'src/c.ts']],
    ['src/c.ts', []],
  ]);

  it('find a circle', () => {
    expect(circles(g)).toEqual([['src/a/x.ts', 'src/b/y.ts']]);
  });

  it('find an import up, one between siblings, and a unit placed nowhere', () => {
    expect(layerViolations(g, [['src/a'], ['src/b'], ['src/c.ts']])).toEqual(['src/b/y.ts → src/a/x.ts: src/b may not import src/a (a higher layer)']);
    expect(layerViolations(g, [['src/a', 'src/b'], ['src/c.ts']])).toHaveLength(2);
    expect(layerViolations(g, [['src/a'], ['src/b']])).toContain('src/c.ts is in no layer of docs/architecture.md');
  });

  it('read the layers block, comments dropped', () => {
    expect(layersFrom('x\n```layers\nsrc/cli   # top\n\nsrc/a src/b\n```\n')).toEqual([['src/cli'], ['src/a', 'src/b']]);
  });
});

// --version, --help and a usage error load only what they need (start-up time: bench/, not here):
// the BUILT CLI runs in a child node that records every file: URL loaded.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeLoads } from '../package/load-recorder.js';

const root = new URL('../../../', import.meta.url).pathname;
function loadedBy(args: string[], status: number): string[] {
  const r = nodeLoads([join(root, 'dist/src/cli/main.js'), ...args], root);
  expect(r.status).toBe(status);
  return r.urls;
}

const rootUrl = pathToFileURL(root).href;

describe('start-up of the built CLI', () => {
  it.each([[['--version'], 0], [['--help'], 0], [['--no-such-option'], 5]] as const)('%j loads no dependency and only the CLI front', (args, status) => {
    const urls = loadedBy([...args], status).map((u) => u.slice(rootUrl.length));
    expect(urls.filter((u) => u.startsWith('node_modules/'))).toEqual([]);
    // beside the CLI front: the errors and the warner (no imports of their own)
    const small = new Set(['dist/src/errors.js', 'dist/src/warnings.js', 'package.json']);
    expect(urls.filter((u) => !u.startsWith('dist/src/cli/') && !small.has(u))).toEqual([]);
    expect(urls.length).toBeLessThan(12);
  });
});

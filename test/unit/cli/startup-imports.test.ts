// --version, --help and a usage error load only what they need (start-up time: bench/, not here):
// the BUILT CLI runs in a child node that records every file: URL loaded (the command, its loader
// and the one bundle; no dependency), and V8's coverage tells which parts of the bundle it ran.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeLoads } from '../package/load-recorder.js';
import { bundleInits } from '../package/bundle-init.js';

const root = new URL('../../../', import.meta.url).pathname;
const rootUrl = pathToFileURL(root).href;
const MAIN = join(root, 'dist/src/cli/main.js');

describe('start-up of the built CLI', () => {
  it.each([[['--version'], 0], [['--help'], 0], [['--no-such-option'], 5]] as const)('%j loads the command, its loader and the bundle front: not its engine, no dependency', (args, status) => {
    // without the code cache, Node's loader compiles the bundle (and the recorder sees it)
    const r = nodeLoads([MAIN, ...args], root, { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(r.status).toBe(status);
    const urls = r.urls.map((u) => u.slice(rootUrl.length)).filter((u) => u !== 'package.json');
    expect(urls.sort()).toEqual(['dist/bundle/front.cjs', 'dist/bundle/main.cjs', 'dist/bundle/rolldown-runtime.cjs', 'dist/src/cli/main.js', 'dist/src/launch.js']);
  });

  it.each([[['--version'], 0], [['--help'], 0], [['--no-such-option'], 5]] as const)('%j runs only the command line front of the bundle', (args, status) => {
    const r = bundleInits(root, [MAIN, ...args]);
    expect(r.status).toBe(status);
    expect(['init_cli', 'init_args'].filter((p) => !r.ran(p))).toEqual([]);
    // not the run, the library, zod, the engine, ssh2 or the lab
    expect(['init_run', 'init_src', 'init_zod', 'init_executor', 'require_Protocol', 'init_lab'].filter((p) => r.ran(p))).toEqual([]);
  });
});

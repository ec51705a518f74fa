// --version, --help and a usage error load only what they need (start-up time: bench/, not here):
// the BUILT CLI runs in a child node whose module.register() hook records every file: URL loaded.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'lvs-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOOKS = `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) { appendFileSync(log, url + '\\n'); return next(url, context); }`;

function loadedBy(args: string[], status: number): string[] {
  const log = join(dir, `${args.join('_').replace(/\W/g, '_')}.log`);
  const preload = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}), import.meta.url, { data: { log: ${JSON.stringify(log)} } });`)}`;
  const r = spawnSync(process.execPath, ['--import', preload, join(root, 'dist/src/cli/main.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect(r.status).toBe(status);
  return readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:'));
}

const rootUrl = pathToFileURL(root).href;

describe('start-up of the built CLI', () => {
  it.each([[['--version'], 0], [['--help'], 0], [['--no-such-option'], 5]] as const)('%j loads no dependency and only the CLI front', (args, status) => {
    const urls = loadedBy([...args], status).map((u) => u.slice(rootUrl.length));
    expect(urls.filter((u) => u.startsWith('node_modules/'))).toEqual([]);
    expect(urls.filter((u) => !u.startsWith('dist/src/cli/') && u !== 'dist/src/errors.js' && u !== 'package.json')).toEqual([]);
    expect(urls.length).toBeLessThan(10);
  });
});

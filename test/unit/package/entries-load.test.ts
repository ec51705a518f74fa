// Importing an entry of the BUILT package loads only what it needs: no entry but 'lvs-play/lab'
// loads a file of the lab (qemu, debootstrap, namespaces). A child node records every module URL
// it loads through a module.register() hook; the entries are imported by their package names.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'lvs-entries-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOOKS = `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) { appendFileSync(log, url + '\\n'); return next(url, context); }`;

/** The file: URLs a fresh node loads to import `specifier` from the package root. */
function loadedBy(specifier: string): string[] {
  const log = join(dir, `${specifier.replace(/\W/g, '_')}.log`);
  const script = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}), import.meta.url, { data: { log: ${JSON.stringify(log)} } });
await import(${JSON.stringify(specifier)});`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:'));
}

/** The same, for the CLI run with `args` (a hook module preloaded with --import). */
function loadedByCli(args: string[]): string[] {
  const log = join(dir, `cli-${args.join('_').replace(/\W/g, '_')}.log`);
  const preload = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}), import.meta.url, { data: { log: ${JSON.stringify(log)} } });`)}`;
  const r = spawnSync(process.execPath, ['--import', preload, join(root, 'dist/src/cli/main.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:'));
}

const dist = pathToFileURL(join(root, 'dist')).href;
const labDir = `${dist}/src/lab/`;

describe('the built entries (npm run build)', () => {
  it('are built', () => expect(existsSync(join(root, 'dist/src/index.js'))).toBe(true));

  it.each(['lvs-play', 'lvs-play/kit', 'lvs-play/roles'])('%s loads no file under dist/src/lab/', (entry) => {
    const urls = loadedBy(entry);
    expect(urls.filter((u) => u.startsWith(dist)).length).toBeGreaterThan(5);
    expect(urls.filter((u) => u.startsWith(labDir))).toEqual([]);
  });

  it('the CLI listing the prod site loads no file under dist/src/lab/ (only `lab …` and `-i lab` do)', () => {
    const urls = loadedByCli(['playbooks/site.ts', '-i', 'prod', '--list-hosts']);
    expect(urls.filter((u) => u.startsWith(`${dist}/src/cli/`)).length).toBeGreaterThan(1);
    expect(urls.filter((u) => u.startsWith(labDir))).toEqual([]);
    expect(loadedByCli(['playbooks/site.ts', '-i', 'lab', '--list-hosts']).filter((u) => u.startsWith(labDir)).length).toBeGreaterThan(3);
  });

  it('lvs-play/lab loads the lab (the recorder sees it)', () => {
    expect(loadedBy('lvs-play/lab').filter((u) => u.startsWith(labDir)).length).toBeGreaterThan(5);
  });
});

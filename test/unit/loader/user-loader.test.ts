// Which loader reads a user's playbook: Node itself where it strips types (Node ≥ 22.18 / 23.6,
// the CI step on Node 24), else jiti (Node 20, or LVS_PLAY_LOADER=jiti). The BUILT CLI runs in a
// child node whose module.register() hook records every file: URL Node loads: a file jiti reads
// never passes Node's loader, so the playbook's own URL in the record means Node loaded it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeLoadsTypeScript, tsCandidates } from '../../../src/native-ts.js';
import { nodeLoads } from '../package/load-recorder.js';

const root = new URL('../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'lvs-loader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// a playbook outside the repository, importing the package by name, a sibling without extension
// and one as './x.js' for x.ts (as tsc wants it)
writeFileSync(join(dir, 'names.ts'), `export const hostsOf: string = 'web';\n`);
writeFileSync(join(dir, 'tags.ts'), `export const tags: string[] = ['web'];\n`);
writeFileSync(join(dir, 'site.ts'), `import { playbook, play, type HostView } from 'lvs-play';
import { z } from 'lvs-play/kit';
import { hostsOf } from './names';
import { tags } from './tags.js';
const port: number = z.number().parse(80);
export default playbook('outside', [play('web', { hosts: hostsOf, tags }, (_h: HostView) => [])]);
void port;
`);
// a named import of a type without \`type\`: Node's linker refuses it, jiti takes the file
writeFileSync(join(dir, 'untyped.ts'), `import { playbook, play, HostView } from 'lvs-play';
export default playbook('untyped', [play('web', { hosts: 'web' }, (_h: HostView) => [])]);
`);
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
// a repository whose package.json has no "type" (as \`npm init\` writes it): Node would warn, jiti reads it
mkdirSync(join(dir, 'typeless'));
writeFileSync(join(dir, 'typeless', 'package.json'), '{ "name": "typeless" }\n');
writeFileSync(join(dir, 'typeless', 'site.ts'), `import { playbook, play } from 'lvs-play';\nexport default playbook('typeless', [play('web', { hosts: 'web' }, () => [])]);\n`);
// a playbook that throws lvs-play's LvsError while it loads: the CLI reports it by its code only if
// it is the CLI's own class (one instance of lvs-play for the CLI and the user's files), else E_LOAD
writeFileSync(join(dir, 'throws.ts'), `import { LvsError } from 'lvs-play';
import { sh } from 'lvs-play/kit';
import { directorBase } from 'lvs-play/roles';
void sh; void directorBase;
throw new LvsError('E_VALIDATION', 'refused by the playbook', { fix: 'none' });
`);
writeFileSync(join(dir, 'hosts.ini'), '[web]\nweb1 ansible_host=10.77.0.99\n');

function run(playbook: string, env: Record<string, string> = {}): { urls: string[]; stdout: string } {
  const r = nodeLoads([join(root, 'dist/src/cli/main.js'), join(dir, playbook), '-i', join(dir, 'hosts.ini'), '--list-hosts'], root, { ...process.env, ...env });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/web1/);
  return { urls: r.urls, stdout: r.stdout };
}

const url = (f: string) => pathToFileURL(join(dir, f)).href;
const jitiLoaded = (urls: string[]) => urls.some((u) => u.includes('/node_modules/jiti/'));

describe('loading a user playbook (built CLI)', () => {
  it.skipIf(!nodeLoadsTypeScript())(`Node ${process.version} loads it natively: package names, './x', './x.js' for x.ts; no jiti`, () => {
    const { urls } = run('site.ts');
    expect(urls).toEqual(expect.arrayContaining([url('site.ts'), url('names.ts'), url('tags.ts')]));
    expect(urls).toContain(pathToFileURL(join(root, 'dist/src/index.js')).href);
    expect(jitiLoaded(urls)).toBe(false);
    // what Node cannot link (a type imported without `type`) goes to jiti
    expect(jitiLoaded(run('untyped.ts').urls)).toBe(true);
    // a package.json without "type": "module" above the file: jiti, and no warning of Node's
    expect(jitiLoaded(run('typeless/site.ts').urls)).toBe(true);
  });

  it('jiti loads it where Node does not strip types, or with LVS_PLAY_LOADER=jiti; same output', () => {
    const jiti = run('site.ts', { LVS_PLAY_LOADER: 'jiti' });
    expect(jitiLoaded(jiti.urls)).toBe(true);
    expect(jiti.urls).not.toContain(url('site.ts'));
    expect(run('site.ts').stdout).toBe(jiti.stdout);
  });

  it.each([['native'], ['jiti']])('the playbook (loader %s) shares the CLI\'s instance of lvs-play: its LvsError is the CLI\'s', (loader) => {
    const r = nodeLoads([join(root, 'dist/src/cli/main.js'), join(dir, 'throws.ts'), '-i', join(dir, 'hosts.ini'), '--list-hosts'], root, { ...process.env, LVS_PLAY_LOADER: loader });
    expect(r.stderr).toMatch(/error \[E_VALIDATION\]: .*throws\.ts: refused by the playbook/);
    expect(r.status).toBe(4);
  });

  it('a relative specifier from a .ts file means the files tsc and jiti find', () => {
    expect(tsCandidates('./a.js')).toEqual(['./a.ts']);
    expect(tsCandidates('./a')).toEqual(['./a.ts', './a.js', './a/index.ts', './a/index.js']);
    expect(tsCandidates('./a.ts')).toEqual([]);
  });
});

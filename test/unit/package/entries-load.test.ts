// Importing an entry of the BUILT package loads only what it needs: no entry but 'lvs-play/lab'
// loads a file of the lab (qemu, debootstrap, namespaces). A child node records every module URL
// it loads (./load-recorder.ts); the entries are imported by their package names.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeLoads } from './load-recorder.js';

const root = new URL('../../../', import.meta.url).pathname;

function recorded(args: string[]): string[] {
  const r = nodeLoads(args, root);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.urls;
}

/** The file: URLs a fresh node loads to import `specifier` from the package root. */
const loadedBy = (specifier: string): string[] => recorded(['--input-type=module', '-e', `await import(${JSON.stringify(specifier)});`]);

/** The same, for the CLI run with `args`. */
const loadedByCli = (args: string[]): string[] => recorded([join(root, 'dist/src/cli/main.js'), ...args]);

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

  it('a listing (--list-hosts, --list-tasks) loads none of what only contacting hosts needs: ssh2, listr2, node-powershell, the executor, saved plans', () => {
    const engineOnly = ['/node_modules/ssh2/', '/node_modules/node-ssh/', '/node_modules/listr2/', '/node_modules/node-powershell/', `${dist}/src/run/executor.js`, `${dist}/src/transport/`, `${dist}/src/plan/saved/`];
    for (const flag of ['--list-hosts', '--list-tasks']) {
      const urls = loadedByCli(['playbooks/site.ts', '-i', 'prod', flag]);
      // the kit's feedStdin (src/transport/stdin.ts, no dependencies) is the one exception: transport authors import it
      expect(urls.filter((u) => engineOnly.some((e) => u.includes(e)) && !u.endsWith(`${dist}/src/transport/stdin.js`))).toEqual([]);
    }
  });

  it('lvs-play/lab loads the lab (the recorder sees it)', () => {
    expect(loadedBy('lvs-play/lab').filter((u) => u.startsWith(labDir)).length).toBeGreaterThan(5);
  });
});

// The built CLI compiles its bundle once per machine (src/launch.ts): on Node 20 through V8's code
// cache in $XDG_CACHE_HOME/lvs-play, only in a directory no one else can write, never through a
// symlink; on Node ≥ 22.1 through Node's own compile cache (nothing of ours on disk).
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheableDependency } from '../../../src/launch.js';

const root = new URL('../../../', import.meta.url).pathname;
const ownCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache !== 'function';
const home = mkdtempSync(join(tmpdir(), 'lvs-cache-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function lvsPlay(xdg: string, args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string } {
  const r = spawnSync(process.execPath, [join(root, 'dist/src/cli/main.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '', ...env, XDG_CACHE_HOME: xdg },
  });
  return { code: r.status, stdout: r.stdout };
}
const LIST = ['playbooks/site.ts', '-i', 'prod', '--list-hosts'];
// a run that contacts a host (this machine, connection local) and changes nothing: the whole engine
writeFileSync(join(home, 'hosts.ini'), '[here]\nme ansible_connection=local\n');
writeFileSync(join(home, 'noop.ts'), `import { command, play, playbook, sh } from 'lvs-play';
export default playbook('noop', [play('noop', { hosts: 'here' }, () => [command({ name: 'noop', cmd: sh\`true\`, unless: sh\`true\` })])]);
`);
const RUN = [join(home, 'noop.ts'), '-i', join(home, 'hosts.ini')];
const caches = (xdg: string): string[] => {
  try {
    return readdirSync(join(xdg, 'lvs-play')).sort();
  } catch {
    return [];
  }
};

describe('jiti through the code cache', () => {
  const file = join(root, 'node_modules/jiti/dist/jiti.cjs');
  const text = readFileSync(file, 'utf8');

  it('the jiti installed has no import() call in dist/jiti.cjs (parsed), so it is cached', () => {
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
    let calls = 0;
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) calls++;
      ts.forEachChild(n, visit);
    };
    visit(source);
    expect(calls).toBe(0);
    expect(cacheableDependency(text, file)).toBe(true);
  });

  it('a jiti whose dist calls import(), or any other dependency, is compiled as usual', () => {
    expect(cacheableDependency(`${text}\nconst later = () => import(x);`, file)).toBe(false);
    expect(cacheableDependency(text, join(root, 'node_modules/other/dist/jiti.cjs.js'))).toBe(false);
    expect(cacheableDependency('module.exports = 1', join(root, 'node_modules/zod/lib/index.js'))).toBe(false);
  });
});

describe('the compile cache of the built CLI', () => {
  it.runIf(ownCache)(`Node ${process.version}: the engine's code cache, a listing's then a run's; the same output with it`, () => {
    const xdg = join(home, 'own');
    expect(lvsPlay(xdg, ['--version']).code).toBe(0);
    expect(caches(xdg)).toEqual([]); // --version reads only the small front: nothing to cache
    const first = lvsPlay(xdg, LIST);
    expect(first.code).toBe(0);
    // engine.cjs's listing cache, and jiti's (which loaded the playbook)
    expect(caches(xdg).filter((f) => f.endsWith('-listing.v8'))).toHaveLength(2);
    expect(lstatSync(join(xdg, 'lvs-play')).mode & 0o777).toBe(0o700);
    const run = lvsPlay(xdg, RUN);
    expect(run.code).toBe(0);
    expect(caches(xdg).filter((f) => f.endsWith('-full.v8'))).toHaveLength(2);
    const files = caches(xdg);
    // jiti from its cache: the playbook's imports of 'lvs-play' (jiti's import() of dist/src/index.js) still work
    expect(lvsPlay(xdg, LIST)).toEqual(first);
    expect(lvsPlay(xdg, RUN).code).toBe(0);
    expect(caches(xdg)).toEqual(files); // read, not written again
  });

  it.runIf(ownCache)('a subcommand run first (init) writes its own cache, never the one of playbook runs', () => {
    const xdg = join(home, 'sub');
    expect(lvsPlay(xdg, ['init', join(home, 'sub-site'), '--yes']).code).toBe(0);
    expect(caches(xdg).map((f) => f.replace(/.*-/, ''))).toEqual(['command.v8']);
    expect(lvsPlay(xdg, RUN).code).toBe(0);
    // the run compiled and kept its own (the engine's and jiti's): what a run needs, not what init used
    expect(caches(xdg).filter((f) => f.endsWith('-full.v8'))).toHaveLength(2);
  });

  it.runIf(ownCache)('a cache directory others can write is not used; a cache file that is a symlink is not followed', () => {
    const open = join(home, 'open');
    mkdirSync(join(open, 'lvs-play'), { recursive: true });
    chmodSync(join(open, 'lvs-play'), 0o777);
    expect(lvsPlay(open, RUN).code).toBe(0);
    expect(caches(open)).toEqual([]);

    const xdg = join(home, 'link');
    expect(lvsPlay(xdg, RUN).code).toBe(0);
    const [name] = caches(xdg);
    const target = join(home, 'target');
    writeFileSync(target, 'not a cache');
    rmSync(join(xdg, 'lvs-play', name!));
    symlinkSync(target, join(xdg, 'lvs-play', name!));
    expect(lvsPlay(xdg, RUN).code).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('not a cache');
    expect(lstatSync(join(xdg, 'lvs-play', name!)).isFile()).toBe(true); // replaced by a cache of our own
  });

  it('NODE_DISABLE_COMPILE_CACHE=1 writes no cache; on Node ≥ 22.1 Node keeps the cache (none of ours)', () => {
    const off = join(home, 'off');
    expect(lvsPlay(off, RUN, { NODE_DISABLE_COMPILE_CACHE: '1' }).code).toBe(0);
    expect(caches(off)).toEqual([]);
    if (!ownCache) {
      const xdg = join(home, 'node');
      expect(lvsPlay(xdg, RUN).code).toBe(0);
      expect(caches(xdg)).toEqual([]);
    }
  });
});

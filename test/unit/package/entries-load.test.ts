// Importing an entry of the BUILT package runs only what it needs. The build is a bundle
// (dist/bundle/) whose every module initialises on first use; a child node tells which parts
// ran (./bundle-init.ts, V8's coverage) and which files it loaded (./load-recorder.ts). No entry
// but 'lvs-play/lab' runs the lab (qemu, debootstrap, namespaces); a listing runs no engine.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleInits, type Initialised } from './bundle-init.js';
import { nodeLoads } from './load-recorder.js';

const root = new URL('../../../', import.meta.url).pathname;

function inits(args: string[]): Initialised {
  const r = bundleInits(root, args);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r;
}

/** What a fresh node runs to import `specifier` from the package root. */
const importing = (specifier: string): Initialised => inits(['--input-type=module', '-e', `await import(${JSON.stringify(specifier)});`]);
/** The same, for the CLI run with `args`. */
const cli = (args: string[]): Initialised => inits([join(root, 'dist/src/cli/main.js'), ...args]);

/** Parts of the bundle only contacting hosts needs: the executor, ssh2, listr2, saved plans. */
const ENGINE = ['init_executor', 'require_Protocol', 'require_client', 'init_dist', 'init_record', 'init_plan_out'];

describe('the built entries (npm run build)', () => {
  it('are built', () => {
    for (const f of ['dist/bundle/main.cjs', 'dist/bundle/lib.cjs', 'dist/bundle/engine.cjs', 'dist/src/index.js', 'dist/src/kit/index.js', 'dist/roles/index.js', 'dist/src/lab/index.js']) expect(existsSync(join(root, f))).toBe(true);
  });

  it.each([['lvs-play', 'init_src'], ['lvs-play/kit', 'init_kit'], ['lvs-play/roles', 'init_roles']])('%s runs its part, not the lab', (entry, part) => {
    const r = importing(entry);
    expect(r.ran(part)).toBe(true);
    expect(r.ran('init_lab')).toBe(false);
    expect(r.ran('init_cli')).toBe(false);
  });

  it('the CLI listing the prod site runs no lab (only `lab …` and `-i lab` do)', () => {
    expect(cli(['playbooks/site.ts', '-i', 'prod', '--list-hosts']).ran('init_lab')).toBe(false);
    expect(cli(['playbooks/site.ts', '-i', 'lab', '--list-hosts']).ran('init_lab')).toBe(true);
  });

  it('a listing (--list-hosts, --list-tasks) runs none of what only contacting hosts needs, and loads no node-powershell', () => {
    for (const flag of ['--list-hosts', '--list-tasks']) {
      const r = cli(['playbooks/site.ts', '-i', 'prod', flag]);
      expect(ENGINE.filter((p) => r.ran(p))).toEqual([]);
      const files = nodeLoads([join(root, 'dist/src/cli/main.js'), 'playbooks/site.ts', '-i', 'prod', flag], root).urls;
      expect(files.filter((u) => u.includes('/node_modules/node-powershell/') || u.includes('/node_modules/ssh2/'))).toEqual([]);
    }
  });

  it('lvs-play/lab runs the lab; the entries share one bundle (one instance of each module)', () => {
    expect(importing('lvs-play/lab').ran('init_lab')).toBe(true);
    const both = inits(['--input-type=module', '-e', "const [a, k, r] = await Promise.all(['lvs-play', 'lvs-play/kit', 'lvs-play/roles'].map((e) => import(e))); if (!a.LvsError || a.LvsError !== k.LvsError || r.IPVS_SCHEDULERS !== k.IPVS_SCHEDULERS) process.exit(3);"]);
    expect(both.status).toBe(0);
  });
});

import net from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LvsError, ValidationErrors } from '../../../src/errors.js';
import { loadInventory, locateInventory } from '../../../src/inventory/load.js';
import { builtinInventory } from '../../../src/cli/builtin-inventory.js';
import { secret } from '../../../src/inventory/secret.js';
import { tree } from './tree.js';

const repo = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '');
const fixtures = join(import.meta.dirname, 'fixtures');

async function failure(p: Promise<unknown>): Promise<LvsError> {
  const e = await p.then(
    () => new Error('expected a failure'),
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(LvsError);
  return e as LvsError;
}

afterEach(() => vi.restoreAllMocks());

describe('inventory/prod.ts, the reference site', () => {
  it('loads with -i prod without contacting anything or resolving secrets', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const before = process.env['WIN_PASSWORD'];
    delete process.env['WIN_PASSWORD'];
    try {
      const inv = await loadInventory('prod', { cwd: repo });
      expect(inv.source).toBe('inventory/prod.ts');
      expect(inv.hosts.map((h) => [h.name, h.address, h.connection.type])).toEqual([
        ['lvs1', '192.168.1.14', 'ssh'],
        ['lvs2', '192.168.1.15', 'ssh'],
        ['web1', '192.168.1.16', 'winrm'],
        ['web2', '192.168.1.17', 'winrm'],
      ]);
      const lvs1 = inv.hosts[0]!;
      expect(lvs1.connection).toEqual({ type: 'ssh', user: 'root' });
      expect(lvs1.vars).toEqual({ vip: '192.168.1.10', keepalived_tarball: '/srv/lvs-play/keepalived_2.2.7.orig.tar.gz', vrrp: { state: 'MASTER', priority: 150 } });
      expect(inv.hosts[1]!.vars['vrrp']).toEqual({ state: 'BACKUP', priority: 100 });
      expect(inv.hosts[2]!.connection).toEqual({ type: 'winrm', user: 'Administrator', password: secret.env('WIN_PASSWORD') });
      expect(lvs1.group('directors').map((h) => h.name)).toEqual(['lvs1', 'lvs2']);
      expect(lvs1.group('windows').map((h) => h.address)).toEqual(['192.168.1.16', '192.168.1.17']);
      expect(lvs1.group('linux_realservers')).toEqual([]);
      expect(JSON.stringify(inv.hosts)).not.toMatch(/WIN_PASSWORD/);
      expect(connect).not.toHaveBeenCalled();
    } finally {
      if (before !== undefined) process.env['WIN_PASSWORD'] = before;
    }
  }, 30_000); // the first jiti load of the repo's TypeScript takes seconds on a loaded 2-core machine

  it('-e vars override it', async () => {
    const inv = await loadInventory('prod', { cwd: repo, extraVars: { vip: '10.77.0.10' } });
    for (const h of inv.hosts) expect(h.vars['vip']).toBe('10.77.0.10');
  });
});

describe('locating -i NAME', () => {
  it('tries inventory/NAME.ts, .mts, .js, .mjs, .yml, .yaml, .json, .ini, then no extension', async () => {
    const cwd = tree({ 'inventory/a.yml': 'all: {}', 'inventory/a.ini': '', 'inventory/b.ini': '', 'inventory/b': '', 'inventory/c': '', 'inventory/d/hosts': '' });
    expect((await locateInventory('a', cwd)).path).toBe(join(cwd, 'inventory/a.yml'));
    expect((await locateInventory('b', cwd)).path).toBe(join(cwd, 'inventory/b.ini'));
    expect(await locateInventory('c', cwd)).toEqual({ path: join(cwd, 'inventory/c'), kind: 'auto' });
    expect(await locateInventory('d', cwd)).toEqual({ path: join(cwd, 'inventory/d'), kind: 'dir' });
    expect(await locateInventory('inventory/a.ini', cwd)).toEqual({ path: join(cwd, 'inventory/a.ini'), kind: 'ini' });
  });

  it('falls back to a path relative to cwd, or an absolute one', async () => {
    const cwd = tree({ hosts: '[web]\nw1\n' });
    expect((await locateInventory('hosts', cwd)).path).toBe(join(cwd, 'hosts'));
    expect((await locateInventory(join(fixtures, 'site.ini'), cwd)).kind).toBe('ini');
  });

  it('a path without an extension also finds the file with one (-i inventory/prod → inventory/prod.ts)', async () => {
    const cwd = tree({ 'inventory/prod.ts': 'export default {}', 'hosts/web': '', 'hosts/web.ini': '' });
    expect(await locateInventory('inventory/prod', cwd)).toEqual({ path: join(cwd, 'inventory/prod.ts'), kind: 'module' });
    // the file as named comes first
    expect((await locateInventory('hosts/web', cwd)).path).toBe(join(cwd, 'hosts/web'));
  });

  it('not found: E_LOAD naming what was tried and what exists', async () => {
    const cwd = tree({ 'inventory/prod.ts': '', 'inventory/lab.ts': '' });
    const e = await failure(loadInventory('staging', { cwd }));
    expect(e.code).toBe('E_LOAD');
    expect(e.detail.file).toBe('staging');
    expect(e.detail.fix).toMatch(/^tried inventory\/staging\.ts, inventory\/staging\.mts, .*inventory\/staging, staging; available in inventory\/: (lab, prod|prod, lab)$/);
  });
});

describe('-i lab', () => {
  it('is the built-in lab (the CLI\'s fallback) where the working directory has no inventory/lab.*, with its keepalived tarball', async () => {
    const inv = await loadInventory('lab', { cwd: tree({}), fallback: builtinInventory });
    expect(inv.source).toBe('lab');
    expect(inv.hosts.find((h) => h.name === 'lvs1')?.address).toBe('10.77.0.14');
    expect(inv.hosts[0]!.vars['keepalived_tarball']).toMatch(/\/sources\/keepalived_2\.2\.7\.orig\.tar\.gz$/);
  });

  it('is inventory/lab.* where there is one', async () => {
    const cwd = tree({ 'inventory/lab.yml': 'web:\n  hosts:\n    w1: { ansible_host: 192.0.2.1 }\n' });
    expect((await loadInventory('lab', { cwd, fallback: builtinInventory })).groups['web']).toEqual(['w1']);
  });

  it('is not found by the inventory loader alone: the lab is the CLI\'s to supply', async () => {
    const e = await loadInventory('lab', { cwd: tree({}) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LvsError);
    expect((e as LvsError).code).toBe('E_LOAD');
  });
});

describe('reading each kind', () => {
  it('a file without extension is INI, unless it is a YAML inventory (Ansible tries YAML first)', async () => {
    const cwd = tree({ 'inventory/ini': '[web]\nw1 ansible_host=192.0.2.1\n', 'inventory/yaml': 'web:\n  hosts:\n    w2: { ansible_host: 192.0.2.2 }\n', 'inventory/plain': 'h1\nh2\n' });
    expect((await loadInventory('ini', { cwd })).groups['web']).toEqual(['w1']);
    expect((await loadInventory('yaml', { cwd })).groups['web']).toEqual(['w2']);
    expect((await loadInventory('plain', { cwd })).groups['ungrouped']).toEqual(['h1', 'h2']);
  });

  it('a directory: every inventory file in it (not .ini/.md, as Ansible), plus group_vars and host_vars', async () => {
    process.env['WIN_PASSWORD_T'] = 'x';
    const inv = await loadInventory(join(fixtures, 'dir'), { cwd: fixtures });
    expect(inv.source).toBe('dir');
    expect(inv.groups).toEqual({ all: ['lvs1', 'lvs2', 'web1'], ungrouped: [], directors: ['lvs1', 'lvs2'], windows: ['web1'] });
    const [lvs1, lvs2, web1] = inv.hosts;
    expect(lvs1).toMatchObject({ address: '192.0.2.14', vars: { vip: '192.0.2.10', priority: 150 }, connection: { type: 'ssh', user: 'root', port: 2201 } });
    expect(lvs2).toMatchObject({ vars: { vip: '192.0.2.10', priority: 100 }, connection: { type: 'ssh', user: 'root' } });
    expect(web1!.connection).toEqual({ type: 'winrm', user: 'Administrator', password: secret.env('WIN_PASSWORD') });
  });

  it('a TS inventory that imports lvs-play, validated as untrusted input', async () => {
    const cwd = tree({
      'inventory/ok.ts': "import { inventory } from 'lvs-play';\nexport default inventory({ groups: { web: { hosts: { w1: { address: '192.0.2.1' } } } } });\n",
      'inventory/bad.ts': "export default { groups: { web: { hosts: { w1: { address: 'not an address' } } }, lb: { children: ['nope'] } } };\n",
      'inventory/broken.ts': 'export default {{;\n',
      'inventory/empty.ts': 'export const x = 1;\n',
    });
    expect((await loadInventory('ok', { cwd })).hosts[0]!.address).toBe('192.0.2.1');
    const bad = await failure(loadInventory('bad', { cwd }));
    expect(bad).toBeInstanceOf(ValidationErrors);
    expect((bad as ValidationErrors).errors.map((e) => [e.detail.file, e.detail.field])).toEqual([
      ['inventory/bad.ts', 'groups.web.hosts.w1.address'],
      ['inventory/bad.ts', 'groups.lb.children.0'],
    ]);
    const broken = await failure(loadInventory('broken', { cwd }));
    expect(broken.code).toBe('E_LOAD');
    expect(broken.message).toMatch(/^inventory\/broken\.ts: cannot load inventory/);
    const empty = await failure(loadInventory('empty', { cwd }));
    expect(empty.code).toBe('E_LOAD');
    expect(empty.reason).toBe('the default export is not an inventory');
  });

  it('Ansible files are validated too (addresses, names)', async () => {
    const cwd = tree({ 'inventory/x.ini': '[web]\nw1 ansible_host=300.1.1.1\nw_2\n' });
    const e = await failure(loadInventory('x', { cwd }));
    expect((e as ValidationErrors).errors.map((x) => [x.detail.file, x.detail.field, x.detail.value])).toEqual([
      ['inventory/x.ini', 'groups.web.hosts.w1.address', '300.1.1.1'],
      ['inventory/x.ini', 'groups.web.hosts.w_2.address', undefined],
    ]);
  });
});

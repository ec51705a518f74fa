import { describe, expect, it } from 'vitest';
import { ValidationErrors } from '../../../src/errors.js';
import { inventory } from '../../../src/inventory/define.js';
import { assertConnectable, resolveInventory } from '../../../src/inventory/resolve.js';
import { secret } from '../../../src/inventory/secret.js';
import type { InventorySpec } from '../../../src/types.js';

const resolve = (spec: InventorySpec, extraVars?: Record<string, unknown>) =>
  resolveInventory(spec, { source: 'inventory/t.ts', ...(extraVars ? { extraVars } : {}) });
const host = (inv: ReturnType<typeof resolve>, name: string) => inv.hosts.find((h) => h.name === name)!;

describe('var precedence: -e > host > group (child over parent, later name among peers) > all', () => {
  const spec = inventory({
    vars: { level: 'all', onlyAll: 1, fromE: 'all' },
    groups: {
      parent: { vars: { level: 'parent', onlyParent: 1 }, children: ['child'] },
      child: { vars: { level: 'child', peer: 'child' }, hosts: { h1: { address: '192.0.2.1', vars: { hostOnly: true } } } },
      alpha: { vars: { peer: 'alpha', level: 'alpha' }, hosts: { h1: null, h2: { address: '192.0.2.2' } } },
      zulu: { vars: { peer: 'zulu' }, hosts: { h2: null } },
      hostwins: { vars: { level: 'hostwins' }, hosts: { h3: { address: '192.0.2.3', vars: { level: 'host' } } } },
    },
  });

  it('a child group beats its parent, whatever the declaration order', () => {
    const inv = resolve(spec);
    expect(host(inv, 'h1').vars).toMatchObject({ level: 'child', onlyAll: 1, onlyParent: 1, hostOnly: true });
  });

  it('among groups of the same depth the alphabetically later one wins (as Ansible)', () => {
    const inv = resolve(spec);
    // h1: child (depth 2) beats alpha (depth 1) although alpha sorts first... and peer too
    expect(host(inv, 'h1').vars['peer']).toBe('child');
    // h2: alpha and zulu are both top-level: zulu wins
    expect(host(inv, 'h2').vars['peer']).toBe('zulu');
    expect(host(inv, 'h2').vars['level']).toBe('alpha');
  });

  it('host vars beat group vars; -e beats everything', () => {
    const inv = resolve(spec, { level: 'cli', fromE: 'e' });
    expect(host(inv, 'h3').vars['level']).toBe('cli');
    expect(resolve(spec).hosts.find((h) => h.name === 'h3')!.vars['level']).toBe('host');
    for (const h of inv.hosts) expect(h.vars['fromE']).toBe('e');
  });

  it('get() returns the var or the fallback', () => {
    const h1 = host(resolve(spec), 'h1');
    expect(h1.get('level', 'none')).toBe('child');
    expect(h1.get('missing', 42)).toBe(42);
  });

  it('vars of one host are its own (frozen) object', () => {
    const inv = resolve(spec);
    expect(Object.isFrozen(host(inv, 'h1').vars)).toBe(true);
    expect(host(inv, 'h1').vars).not.toBe(host(inv, 'h2').vars);
  });

  it('groups of a host include ancestors, sorted; ungrouped hosts are in "ungrouped"', () => {
    const inv = resolve({ ...spec, hosts: { solo: { address: '192.0.2.9' } } });
    expect(host(inv, 'h1').groups).toEqual(['alpha', 'child', 'parent']);
    expect(host(inv, 'solo').groups).toEqual(['ungrouped']);
    expect(inv.groups['ungrouped']).toEqual(['solo']);
  });
});

describe('connection settings merge like vars', () => {
  it('top level < group < host, and only the final type\'s fields are kept', () => {
    const inv = resolve({
      connection: { type: 'ssh', user: 'deploy', become: true, connectTimeoutMs: 5000 },
      groups: {
        directors: { connection: { user: 'root' }, hosts: { lvs1: { address: '192.0.2.14', connection: { port: 2222 } } } },
        windows: {
          connection: { type: 'winrm', user: 'Administrator', password: secret.env('WIN_PASSWORD'), useSsl: true },
          hosts: { web1: { address: '192.0.2.16', connection: { port: 5986 } } },
        },
      },
    });
    expect(host(inv, 'lvs1').connection).toEqual({ type: 'ssh', user: 'root', port: 2222, become: true, connectTimeoutMs: 5000 });
    const web1 = host(inv, 'web1').connection;
    expect(web1).toMatchObject({ type: 'winrm', user: 'Administrator', port: 5986, useSsl: true });
    expect(web1).not.toHaveProperty('become');
    expect(JSON.stringify(web1)).toBe('{"type":"winrm","user":"Administrator","password":"********","port":5986,"useSsl":true}');
  });

  it('defaults: ssh, and the host name as address', () => {
    const inv = resolve({ hosts: { 'lvs1.example.com': null } });
    expect(inv.hosts[0]).toMatchObject({ name: 'lvs1.example.com', address: 'lvs1.example.com', connection: { type: 'ssh' } });
  });

  it('a winrm host without user or password resolves (listing needs none); a run is refused naming where to set them', () => {
    const inv = resolve({ groups: { windows: { connection: { type: 'winrm' }, hosts: { web1: { address: '192.0.2.16' }, web2: { address: '192.0.2.17' } } } } });
    expect(inv.hosts.map((h) => h.name)).toEqual(['web1', 'web2']);
    expect(() => assertConnectable(inv, [])).not.toThrow();
    try {
      assertConnectable(inv, ['web1', 'web2']);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationErrors);
      const errs = (e as ValidationErrors).errors;
      expect(errs.map((x) => x.detail.field)).toEqual([
        'groups.windows.hosts.web1.connection.user',
        'groups.windows.hosts.web1.connection.password',
        'groups.windows.hosts.web2.connection.user',
        'groups.windows.hosts.web2.connection.password',
      ]);
      expect(errs[1]!.reason).toBe('host "web1" uses a winrm connection but has no password');
      expect(errs[1]!.detail.fix).toBe("set connection.password on the host or one of its groups (windows), e.g. password: secret.env('WIN_PASSWORD')");
      expect(errs[1]!.detail.file).toBe('inventory/t.ts');
    }
  });

  it('WinRM: Basic over HTTP, Kerberos and CredSSP are refused before any host is contacted', () => {
    const conn = (c: object) => ({ type: 'winrm', user: 'u', password: secret.value('p'), ...c });
    const inv = resolve({ hosts: { a: { connection: conn({ authentication: 'Basic' }) }, b: { connection: conn({ authentication: 'Kerberos', useSsl: true }) }, c: { connection: conn({ authentication: 'Basic', useSsl: true }) } } } as never);
    const errs = (() => { try { assertConnectable(inv, ['a', 'b', 'c']); return []; } catch (e) { return (e as ValidationErrors).errors; } })();
    expect(errs.map((x) => [x.detail.field, x.code])).toEqual([['hosts.a.connection.authentication', 'E_INVENTORY'], ['hosts.b.connection.authentication', 'E_INVENTORY']]);
    expect(errs[0]!.reason).toMatch(/Basic authentication over HTTP is refused/);
    expect(errs[0]!.detail.fix).toMatch(/useSsl: true/);
    expect(errs[1]!.reason).toMatch(/Kerberos is not supported/);
  });
});

describe('HostView.group() and inventory order', () => {
  const spec = inventory({
    hosts: { gw: { address: '192.0.2.1' } },
    groups: {
      realservers: { children: ['windows', 'linux'], hosts: { rs0: { address: '192.0.2.30' } } },
      directors: { hosts: { lvs2: { address: '192.0.2.15' }, lvs1: { address: '192.0.2.14' } } },
      windows: { connection: { type: 'winrm', user: 'A', password: secret.value('x') }, hosts: { web1: { address: '192.0.2.16' } } },
      linux: { hosts: { rs1: { address: '192.0.2.20' } } },
      empty: { hosts: {} },
    },
  });
  const inv = resolve(spec);

  it('returns a group\'s own hosts, then its children\'s, in declaration order', () => {
    const lvs1 = host(inv, 'lvs1');
    expect(lvs1.group('directors').map((h) => h.name)).toEqual(['lvs2', 'lvs1']);
    expect(lvs1.group('realservers').map((h) => h.name)).toEqual(['rs0', 'web1', 'rs1']);
    expect(lvs1.group('realservers')[1]).toBe(host(inv, 'web1'));
    expect(lvs1.group('empty')).toEqual([]);
    expect(lvs1.group('all').map((h) => h.name)).toEqual(['gw', 'rs0', 'web1', 'rs1', 'lvs2', 'lvs1']);
    expect(inv.hosts.map((h) => h.name)).toEqual(['gw', 'rs0', 'web1', 'rs1', 'lvs2', 'lvs1']);
  });

  it('an unknown group is empty, with a warning naming it and near names', () => {
    const warnings: string[] = [];
    const warned = resolveInventory(spec, { source: 'inventory/t.ts', warn: (m) => warnings.push(m) });
    expect(host(warned, 'lvs1').group('window')).toEqual([]);
    expect(warnings).toEqual(['inventory/t.ts: no group "window" in the inventory: treated as empty (did you mean "windows"?)']);
  });

  it('survives spreading (plain objects with own methods)', () => {
    const copy = { ...host(inv, 'lvs1') };
    expect(copy.group('directors')).toHaveLength(2);
    expect(copy.get('nope', 'fb')).toBe('fb');
  });

  it('Inventory.groups lists every group, all and ungrouped', () => {
    expect(inv.groups).toEqual({
      all: ['gw', 'rs0', 'web1', 'rs1', 'lvs2', 'lvs1'],
      ungrouped: ['gw'],
      realservers: ['rs0', 'web1', 'rs1'],
      directors: ['lvs2', 'lvs1'],
      windows: ['web1'],
      linux: ['rs1'],
      empty: [],
    });
  });
});

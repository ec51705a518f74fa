import { describe, expect, it } from 'vitest';
import { LvsError, ValidationErrors } from '../../../src/errors.js';
import { validateInventorySpec } from '../../../src/inventory/schema.js';
import { secret } from '../../../src/inventory/secret.js';

const FILE = 'inventory/bad.ts';

/** The errors validation reports for `input`, as plain details. */
function problems(input: unknown) {
  try {
    validateInventorySpec(input, FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationErrors);
    const v = e as ValidationErrors;
    expect(v.code).toBe('E_VALIDATION');
    for (const x of v.errors) {
      // the printed message carries all four parts
      expect(x.message).toContain(`${FILE}${x.detail.field ? `: ${x.detail.field}` : ''}: ${x.reason}`);
      if (x.detail.fix) expect(x.message).toContain(`fix: ${x.detail.fix}`);
      if (x.detail.value !== undefined) expect(x.message).toContain(`(got ${JSON.stringify(x.detail.value)})`);
    }
    return v.errors.map((x: LvsError) => ({ code: x.code, message: x.reason, ...x.detail }));
  }
  return [];
}

function one(input: unknown) {
  const p = problems(input);
  expect(p).toHaveLength(1);
  const first = p[0]!;
  expect(first.code).toBe('E_INVENTORY');
  expect(first.file).toBe(FILE);
  return first;
}

const grp = (hosts: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ groups: { directors: { hosts, ...extra } } });

describe('validateInventorySpec: a valid spec', () => {
  it('accepts the reference site and returns it unchanged', () => {
    const spec = {
      vars: { vip: '192.0.2.10' },
      groups: {
        directors: { connection: { type: 'ssh', user: 'root' }, hosts: { lvs1: { address: '192.0.2.14' }, lvs2: { address: 'lvs2.example.com' } } },
        windows: { connection: { type: 'winrm', user: 'Administrator', password: secret.env('WIN_PASSWORD') }, hosts: { web1: { address: '2001:db8::16' } } },
        realservers: { children: ['windows'] },
        empty: { hosts: {} },
      },
      hosts: { 'gw.example.com': null },
    };
    expect(validateInventorySpec(spec, FILE)).toBe(spec);
  });
});

describe('validateInventorySpec: every message names file, field, value and fix', () => {
  it('bad address', () => {
    const e = one(grp({ lvs1: { address: '192.168.1.300' } }));
    expect(e.field).toBe('groups.directors.hosts.lvs1.address');
    expect(e.value).toBe('192.168.1.300');
    expect(e.fix).toMatch(/IPv4 address.*IPv6 address.*host name/);
    expect(e.message).toMatch(/not an IP address or host name/);
  });

  it('address with spaces or underscores', () => {
    expect(one(grp({ lvs1: { address: 'bad host' } })).value).toBe('bad host');
    expect(one(grp({ lvs1: { address: 'under_score.example' } })).field).toBe('groups.directors.hosts.lvs1.address');
  });

  it.each([0, 65536, 22.5, '22'])('port %s', (port) => {
    const e = one(grp({ lvs1: { address: '192.0.2.14', connection: { type: 'ssh', port } } }));
    expect(e.field).toBe('groups.directors.hosts.lvs1.connection.port');
    expect(e.value).toBe(port);
    expect(e.fix).toBe('an integer from 1 to 65535');
  });

  it('unknown connection type', () => {
    const e = one({ connection: { type: 'telnet' } });
    expect(e.field).toBe('connection.type');
    expect(e.value).toBe('telnet');
    expect(e.message).toBe('unknown connection type');
    expect(e.fix).toBe('one of ssh, winrm, psrp-ssh, local');
  });

  it('a field of another connection type, with a did-you-mean', () => {
    const e = one(grp({}, { connection: { type: 'ssh', useSSL: true } }));
    expect(e.field).toBe('groups.directors.connection.useSSL');
    expect(e.message).toBe('unknown connection field "useSSL" for type ssh');
    expect(e.fix).toMatch(/^allowed: type, user, port, keyFile/);
    const typo = one(grp({}, { connection: { type: 'winrm', usr: 'x', password: secret.env('P') } }));
    expect(typo.fix).toMatch(/^did you mean "user"\? allowed: type, user, password/);
  });

  it('a plain-string password: the value is masked', () => {
    const e = one(grp({}, { connection: { type: 'winrm', user: 'Administrator', password: 'hunter2' } }));
    expect(e.field).toBe('groups.directors.connection.password');
    expect(e.value).toBe('********');
    expect(e.fix).toMatch(/secret\.env\('NAME'\)/);
    expect(JSON.stringify(problems(grp({}, { connection: { type: 'winrm', user: 'A', password: 'hunter2' } })))).not.toContain('hunter2');
  });

  it('wrong kinds of values', () => {
    const e = one(grp({ lvs1: { address: '192.0.2.14', connection: { become: 'yes' } } }));
    expect(e.field).toBe('groups.directors.hosts.lvs1.connection.become');
    expect(e.fix).toBe('true or false');
    const v = one(grp({ lvs1: { vars: ['x'] } }));
    expect(v.field).toBe('groups.directors.hosts.lvs1.vars');
    expect(v.fix).toMatch(/an object of variables/);
    const c = one({ groups: { a: { children: 'b' } } });
    expect(c.field).toBe('groups.a.children');
    expect(c.fix).toMatch(/an array of group names/);
    const top = one('hosts: x');
    expect(top.field).toBe('');
    expect(top.fix).toMatch(/inventory\(\{\.\.\.\}\)/);
  });

  it('unknown keys, with a did-you-mean', () => {
    const e = one(grp({ lvs1: { adress: '192.0.2.14' } }));
    expect(e.field).toBe('groups.directors.hosts.lvs1.adress');
    expect(e.message).toBe('unknown field "adress"');
    expect(e.fix).toBe('did you mean "address"? allowed: address, vars, connection');
    expect(one({ group: {} }).fix).toBe('did you mean "groups"? allowed: vars, connection, groups, hosts');
    expect(one({ groups: { g: { host: {} } } }).fix).toBe('did you mean "hosts"? allowed: hosts, children, vars, connection');
  });

  it('child group that does not exist', () => {
    const e = one({ groups: { lb: { children: ['directors', 'windws'] }, directors: {}, windows: {} } });
    expect(e.field).toBe('groups.lb.children.1');
    expect(e.value).toBe('windws');
    expect(e.message).toBe('child group "windws" is not defined');
    expect(e.fix).toBe('define groups.windws or use one of: lb, directors, windows');
  });

  it('cycles and self-children', () => {
    const e = one({ groups: { a: { children: ['b'] }, b: { children: ['c'] }, c: { children: ['a'] } } });
    expect(e.message).toBe('group children form a cycle');
    expect(e.field).toBe('groups.a.children');
    expect(e.value).toBe('a → b → c → a');
    expect(e.fix).toMatch(/remove one of these child links/);
    const self = one({ groups: { a: { children: ['a'] } } });
    expect(self.field).toBe('groups.a.children.0');
    expect(self.message).toBe('a group cannot be its own child');
  });

  it('invalid host and group names', () => {
    const h = one(grp({ 'lvs 1': { address: '192.0.2.14' } }));
    expect(h.field).toBe('groups.directors.hosts.lvs 1');
    expect(h.value).toBe('lvs 1');
    expect(h.fix).toMatch(/letters, digits/);
    const g = one({ groups: { '1st-group': {} } });
    expect(g.field).toBe('groups.1st-group');
    expect(g.fix).toMatch(/a letter or '_' first/);
    const all = one({ groups: { all: { vars: { a: 1 } } } });
    expect(all.message).toBe('"all" is an implicit group and cannot be defined');
    expect(all.fix).toMatch(/top level/);
  });

  it('a host that is also a group', () => {
    const e = one({ groups: { web: { hosts: { directors: { address: '192.0.2.1' } } }, directors: {} } });
    expect(e.field).toBe('groups.web.hosts.directors');
    expect(e.message).toBe('host name "directors" is also a group name');
  });

  it('two different addresses for one host', () => {
    const e = one({ groups: { a: { hosts: { h: { address: '192.0.2.1' } } }, b: { hosts: { h: { address: '192.0.2.2' } } } } });
    expect(e.field).toBe('groups.b.hosts.h.address');
    expect(e.value).toBe('192.0.2.2');
    expect(e.message).toMatch(/groups\.a\.hosts\.h\.address is 192\.0\.2\.1/);
    expect(e.fix).toMatch(/h: null/);
  });

  it('no address and a name that cannot be one', () => {
    const e = one(grp({ web_1: {} }));
    expect(e.field).toBe('groups.directors.hosts.web_1.address');
    expect(e.message).toBe('host "web_1" has no address and its name is not a valid host name');
    expect(e.fix).toMatch(/^set address to an IPv4 address/);
  });

  it('reports every problem at once, in one error whose message lists them all', () => {
    const input = {
      connection: { type: 'rdp' },
      groups: {
        directors: { hosts: { lvs1: { address: '999.1.1.1', connection: { port: 70000 } } }, children: ['nope'] },
      },
    };
    const p = problems(input);
    expect(p.map((x) => x.field)).toEqual(['connection.type', 'groups.directors.hosts.lvs1.address', 'groups.directors.hosts.lvs1.connection.port', 'groups.directors.children.0']);
    try {
      validateInventorySpec(input, FILE);
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toMatch(/^4 validation errors:/);
      expect(msg).toContain('inventory/bad.ts: groups.directors.hosts.lvs1.address: not an IP address or host name (got "999.1.1.1")');
      expect(msg).toContain('fix: an integer from 1 to 65535');
    }
  });
});

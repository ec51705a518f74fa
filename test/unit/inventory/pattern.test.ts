import { describe, expect, it } from 'vitest';
import { LvsError } from '../../../src/errors.js';
import { selectHosts, splitPattern } from '../../../src/inventory/pattern.js';
import { play, playbook } from '../../../src/dsl/play.js';
import { selectPlaybook } from '../../../src/run/select.js';
import { resolveInventory } from '../../../src/inventory/resolve.js';
import { secret } from '../../../src/inventory/secret.js';

const inv = resolveInventory(
  {
    groups: {
      directors: { hosts: { lvs1: { address: '192.0.2.14' }, lvs2: { address: '192.0.2.15' } } },
      windows: { connection: { type: 'winrm', user: 'A', password: secret.value('x') }, hosts: { web1: { address: '192.0.2.16' }, web2: { address: '192.0.2.17' } } },
      linux_realservers: { hosts: { web3: { address: '192.0.2.18' } } },
      realservers: { children: ['windows', 'linux_realservers'] },
      webfarm: { hosts: { web1: null, web3: null } },
    },
    hosts: { 'gw.example.com': null },
  },
  { source: 'inventory/t.ts' },
);
const names = (p: string) => selectHosts(inv, p).map((h) => h.name);

describe('selectHosts', () => {
  it('all and *', () => {
    expect(names('all')).toEqual(['gw.example.com', 'lvs1', 'lvs2', 'web1', 'web2', 'web3']);
    expect(names('*')).toEqual(names('all'));
  });

  it('group and host names', () => {
    expect(names('directors')).toEqual(['lvs1', 'lvs2']);
    expect(names('realservers')).toEqual(['web1', 'web2', 'web3']);
    expect(names('web2')).toEqual(['web2']);
    expect(names('gw.example.com')).toEqual(['gw.example.com']);
  });

  it('globs match groups and hosts', () => {
    expect(names('web*')).toEqual(['web1', 'web3', 'web2']); // webfarm group first, then matching host names
    expect(names('lvs?')).toEqual(['lvs1', 'lvs2']);
    expect(names('web[!2]')).toEqual(['web1', 'web3']);
    // like Ansible, NAME[digits] is a subscript, not a character class
    expect(() => names('web[12]')).toThrowError(/pattern "web\[12\]" matches no group or host/);
    expect(names('*.example.com')).toEqual(['gw.example.com']);
    expect(names('nothing*')).toEqual([]);
  });

  it('union with : and ,', () => {
    expect(names('directors:windows')).toEqual(['lvs1', 'lvs2', 'web1', 'web2']);
    expect(names('windows,directors')).toEqual(['web1', 'web2', 'lvs1', 'lvs2']);
    expect(names('lvs1:lvs1')).toEqual(['lvs1']);
  });

  it('intersection and exclusion apply after the plain terms, whatever their place', () => {
    expect(names('realservers:&webfarm')).toEqual(['web1', 'web3']);
    expect(names('&webfarm:realservers')).toEqual(['web1', 'web3']);
    expect(names('all:!windows')).toEqual(['gw.example.com', 'lvs1', 'lvs2', 'web3']);
    expect(names('!windows:realservers')).toEqual(['web3']);
    expect(names('!directors')).toEqual(['gw.example.com', 'web1', 'web2', 'web3']);
    expect(names('realservers:!web1:&webfarm')).toEqual(['web3']);
  });

  it('regexes and subscripts', () => {
    expect(names('~web[12]')).toEqual(['web1', 'web2']);
    expect(names('~eb')).toEqual([]); // anchored at the start, like Python's re.match
    expect(names('realservers[0]')).toEqual(['web1']);
    expect(names('realservers[1:2]')).toEqual(['web2', 'web3']);
    expect(names('realservers[-1]')).toEqual(['web3']);
    expect(names('realservers[1:]')).toEqual(['web2', 'web3']);
  });

  it('unknown names fail with E_PATTERN listing known groups and hosts', () => {
    let err: unknown;
    try {
      selectHosts(inv, 'directors:windws', { source: 'site.ts', field: 'play "web".hosts' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LvsError);
    const e = err as LvsError;
    expect(e.code).toBe('E_PATTERN');
    expect(e.detail).toMatchObject({ file: 'site.ts', field: 'play "web".hosts', value: 'windws' });
    expect(e.detail.fix).toBe('known groups: all, ungrouped, directors, windows, linux_realservers, realservers, webfarm; known hosts: gw.example.com, lvs1, lvs2, web1, web2, web3');
    expect(e.message).toContain('pattern "windws" matches no group or host (did you mean "windows"?)');
    expect(() => selectHosts(inv, '!nope')).toThrowError(/pattern "nope" matches no group or host/);
    expect(() => selectHosts(inv, '  ')).toThrowError(/empty host pattern/);
    expect(() => selectHosts(inv, '~(')).toThrowError(/invalid regular expression/);
  });

  it('with onUnknown (a play\'s hosts), an unknown term matches nothing and warns with near names', () => {
    const warnings: string[] = [];
    const hosts = selectHosts(inv, 'directors:windws', { source: 'site.ts', field: 'play "web".hosts', onUnknown: (w) => warnings.push(w) });
    expect(hosts.map((h) => h.name)).toEqual(['lvs1', 'lvs2']);
    expect(warnings).toEqual([`site.ts: could not match host pattern "windws" in ${inv.source}, ignoring it (did you mean "windows"?)`]);
  });

  it('--limit (the one implementation: selectPlaybook) restricts a play\'s hosts and keeps their order', () => {
    const pb = playbook('p', [play('rs', { hosts: 'realservers' }, () => [])]);
    const limited = (limit: string) =>
      selectPlaybook(pb, { file: 'p.ts', limit, select: (p, field) => selectHosts(inv, p, field ? { source: 'p.ts', field } : { source: '--limit' }) })[0]!.hosts.map((h) => h.name);
    expect(limited('web2:web1')).toEqual(['web1', 'web2']);
    expect(limited('directors')).toEqual([]);
    expect(() => limited('wbe1')).toThrowError(/--limit/);
  });
});

describe('splitPattern (Ansible split_host_pattern)', () => {
  it.each([
    ['a:b', ['a', 'b']],
    ['a, b ,c', ['a', 'b', 'c']],
    ['a:b,c', ['a:b', 'c']],
    ['web[1:3]:db', ['web[1:3]', 'db']],
    ['a:&b:!c', ['a', '&b', '!c']],
    ['2001:db8::1', ['2001:db8::1']],
    ['', []],
  ])('%s', (p, want) => expect(splitPattern(p)).toEqual(want));
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationErrors } from '../../../src/errors.js';
import { parseAnsibleIni } from '../../../src/inventory/ansible-ini.js';
import { parsePythonLiteral } from '../../../src/inventory/py-literal.js';
import { expandHostRange } from '../../../src/inventory/ranges.js';
import { resolveInventory } from '../../../src/inventory/resolve.js';
import { secret } from '../../../src/inventory/secret.js';
import { shlexSplit } from '../../../src/inventory/shlex.js';

const fixture = (f: string) => readFileSync(join(import.meta.dirname, 'fixtures', f), 'utf8');

function errorsOf(text: string) {
  try {
    parseAnsibleIni(text, 'hosts');
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationErrors);
    return (e as ValidationErrors).errors.map((x) => ({ file: x.detail.file, field: x.detail.field, reason: x.reason, value: x.detail.value, fix: x.detail.fix }));
  }
  throw new Error('expected errors');
}

describe('parseAnsibleIni', () => {
  it('maps the reference site: groups, children, vars, ansible_* connection settings', () => {
    const spec = parseAnsibleIni(fixture('site.ini'), 'site.ini');
    expect(spec.vars).toEqual({ vip: '192.0.2.10', weight: 0 });
    expect(spec.hosts).toEqual({ gateway: { address: '192.0.2.1' } });
    expect(Object.keys(spec.groups ?? {})).toEqual(['directors', 'windows', 'realservers', 'linux_realservers']);
    expect(spec.groups?.['directors']).toEqual({
      hosts: {
        lvs1: { address: '192.0.2.14', vars: { vrrp_state: 'MASTER', vrrp_priority: 150 } },
        lvs2: { address: '192.0.2.15', vars: { vrrp_state: 'BACKUP', vrrp_priority: 100 } },
      },
      vars: { keepalived_version: '2.2.7', ports: [80, 443] },
      connection: { user: 'root', become: true },
    });
    const win = spec.groups?.['windows'];
    expect(win?.hosts).toEqual({
      web1: { connection: { type: 'winrm' } },
      web2: { connection: { type: 'winrm' } },
      web3: { address: '192.0.2.18', vars: { weight: 3 }, connection: { type: 'winrm', port: 5986 } },
    });
    expect(win?.connection).toEqual({ user: 'Administrator', password: secret.value('S3cret-pw'), authentication: 'Negotiate' });
    expect(JSON.stringify(win)).not.toContain('S3cret-pw');
    expect(spec.groups?.['realservers']).toEqual({ children: ['windows', 'linux_realservers'], vars: { weight: 2, role: 'realserver' } });
    expect(spec.groups?.['linux_realservers']).toEqual({});
  });

  it('resolves to typed connections', () => {
    const inv = resolveInventory(parseAnsibleIni(fixture('site.ini'), 'site.ini'), { source: 'site.ini' });
    const web3 = inv.hosts.find((h) => h.name === 'web3')!;
    expect(web3.connection).toEqual({ type: 'winrm', user: 'Administrator', password: secret.value('S3cret-pw'), port: 5986, authentication: 'Negotiate' });
    expect(web3.vars).toEqual({ vip: '192.0.2.10', weight: 3, role: 'realserver' });
    expect(inv.hosts.find((h) => h.name === 'lvs1')!.connection).toEqual({ type: 'ssh', user: 'root', become: true });
  });

  it('[all] and [ungrouped] hosts, host:port, IPv6, psrp, local, key files, env lookups', () => {
    const spec = parseAnsibleIni(
      [
        '[all]',
        'a1 ansible_connection=local',
        '[ungrouped]',
        'u1:2200 ansible_ssh_private_key_file=~/.ssh/id_ed25519 ansible_become_password="{{ lookup(\'env\', \'BECOME_PW\') }}"',
        '[win]',
        'w1 ansible_connection=psrp ansible_psrp_protocol=https ansible_psrp_cert_validation=ignore ansible_psrp_auth=kerberos ansible_psrp_ca_cert=/etc/ca.pem',
        'w2 ansible_shell_type=powershell ansible_user=admin',
        '[v6]',
        '[2001:db8::5]:2222',
        '2001:db8::6',
      ].join('\n'),
      'hosts',
    );
    expect(spec.hosts).toEqual({
      a1: { connection: { type: 'local' } },
      u1: { connection: { port: 2200, keyFile: '~/.ssh/id_ed25519', becomePassword: secret.env('BECOME_PW') } },
    });
    expect(spec.groups?.['win']?.hosts).toEqual({
      w1: { connection: { type: 'winrm', useSsl: true, skipCertCheck: true, authentication: 'Kerberos', caFile: '/etc/ca.pem' } },
      w2: { connection: { type: 'psrp-ssh', user: 'admin' } },
    });
    expect(spec.groups?.['v6']?.hosts).toEqual({ '2001:db8::5': { connection: { port: 2222 } }, '2001:db8::6': {} });
  });

  it('ranges expand with padding, letters and steps', () => {
    expect(expandHostRange('web[01:03]')).toEqual(['web01', 'web02', 'web03']);
    expect(expandHostRange('db-[a:c].example.com')).toEqual(['db-a.example.com', 'db-b.example.com', 'db-c.example.com']);
    expect(expandHostRange('h[0:6:3]')).toEqual(['h0', 'h3', 'h6']);
    expect(expandHostRange('r[1:2]-[a:b]')).toEqual(['r1-a', 'r1-b', 'r2-a', 'r2-b']);
    expect(() => expandHostRange('web[3:1]', { file: 'hosts:4' })).toThrowError(/hosts:4: invalid host range: begin is after end/);
    expect(() => expandHostRange('web[01:100]')).toThrowError(/same width/);
  });

  it('errors carry file:line, value and fix, all at once', () => {
    const errs = errorsOf(['[directors]', 'lvs1 priority', '[bad:kind]', '[bad group]', '[ghost:vars]', 'x=1', '[lb:children]', 'nowhere', '[r]', 'web[5:1]', '[p]', 'h ansible_port=http ansible_connection=docker'].join('\n'));
    expect(errs).toEqual([
      { file: 'hosts:2', field: undefined, reason: 'expected key=value host variable', value: 'priority', fix: 'write name=value after the host name' },
      { file: 'hosts:3', field: undefined, reason: 'unknown section type ":kind"', value: '[bad:kind]', fix: 'use [group], [group:vars] or [group:children]' },
      { file: 'hosts:4', field: undefined, reason: 'invalid section header', value: '[bad group]', fix: 'use [group], [group:vars] or [group:children], without spaces' },
      { file: 'hosts:10', field: undefined, reason: 'invalid host range: begin is after end', value: 'web[5:1]', fix: expect.stringMatching(/START:END/) },
      { file: 'hosts:5', field: undefined, reason: 'section [ghost:vars] is for an undefined group', value: 'ghost', fix: 'declare [ghost] or list ghost under a [...:children] section' },
      { file: 'hosts:8', field: undefined, reason: 'children section includes undefined group "nowhere"', value: 'nowhere', fix: 'declare [nowhere] (it may be empty)' },
      { file: 'hosts:12', field: 'ansible_port', reason: 'ansible_port is not a port number', value: 'http', fix: 'an integer from 1 to 65535' },
      { file: 'hosts:12', field: 'ansible_connection', reason: 'unsupported ansible_connection', value: 'docker', fix: expect.stringMatching(/^one of ssh/) },
    ]);
    const mapped = errorsOf('[p]\nh ansible_port=http ansible_connection=docker ansible_password="{{ vault_pw }}"\n[p:vars]\nansible_become=maybe\nansible_host=192.0.2.1');
    expect(mapped.map((e) => [e.file, e.field, e.reason, e.value])).toEqual([
      ['hosts', '[p:vars].ansible_become', 'ansible_become is not a boolean', 'maybe'],
      ['hosts', '[p:vars].ansible_host', 'ansible_host in group vars is not supported', '192.0.2.1'],
      ['hosts:2', 'ansible_port', 'ansible_port is not a port number', 'http'],
      ['hosts:2', 'ansible_connection', 'unsupported ansible_connection', 'docker'],
      ['hosts:2', 'ansible_password', 'ansible_password uses a Jinja template, which lvs-play does not evaluate', '********'],
    ]);
    expect(mapped[3]!.fix).toBe('one of ssh, smart, paramiko, paramiko_ssh, winrm, psrp, local');
    expect(mapped[1]!.fix).toBe('set ansible_host on each host');
  });
});

describe('Python literals in INI values (as ast.literal_eval)', () => {
  it.each([
    ['150', 150],
    ['-3', -3],
    ['0x1f', 31],
    ['010', '010'],
    ['1.5', 1.5],
    ['True', true],
    ['true', 'true'],
    ['None', null],
    ['[1, 2]', [1, 2]],
    ["'a b'", 'a b'],
    ['{"a": 1, 2: [3]}', { a: 1, '2': [3] }],
    ['(1)', 1],
    ['(1, 2)', [1, 2]],
    ['{1, 2}', '{1, 2}'],
    ['10.77.0.10', '10.77.0.10'],
    ['5 # comment', 5],
    ['"q" ;z', '"q" ;z'],
  ])('%s', (text, want) => expect(parsePythonLiteral(text)).toEqual(want));
});

describe('shlex splitting of host lines', () => {
  it.each([
    ['h a=1 b="x y"', ['h', 'a=1', 'b=x y']],
    ["h a='it''s'", ['h', 'a=its']],
    ['h a=1#comment b=2', ['h', 'a=1']],
    ['h a=x\\ y', ['h', 'a=x y']],
    ['h a="say \\"hi\\""', ['h', 'a=say "hi"']],
  ])('%s', (line, want) => expect(shlexSplit(line)).toEqual(want));
});

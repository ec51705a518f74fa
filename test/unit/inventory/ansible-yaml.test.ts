import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationErrors } from '../../../src/errors.js';
import { parseAnsibleYaml } from '../../../src/inventory/ansible-yaml.js';
import { resolveInventory } from '../../../src/inventory/resolve.js';
import { secret } from '../../../src/inventory/secret.js';

const fixture = (f: string) => readFileSync(join(import.meta.dirname, 'fixtures', f), 'utf8');

function errorsOf(text: string) {
  try {
    parseAnsibleYaml(text, 'hosts.yml');
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationErrors);
    return (e as ValidationErrors).errors.map((x) => ({ file: x.detail.file, field: x.detail.field, reason: x.reason, value: x.detail.value }));
  }
  throw new Error('expected errors');
}

describe('parseAnsibleYaml', () => {
  it('maps all: { vars, hosts, children } with nesting', () => {
    const spec = parseAnsibleYaml(fixture('site.yml'), 'site.yml');
    expect(spec.vars).toEqual({ vip: '192.0.2.10', enabled: true, n: 1 });
    expect(spec.hosts).toEqual({ gateway: { address: '192.0.2.1' } });
    expect(Object.keys(spec.groups ?? {})).toEqual(['directors', 'realservers', 'windows', 'linux_realservers', 'alpha', 'zulu']);
    expect(spec.groups?.['realservers']).toEqual({ children: ['windows', 'linux_realservers'], vars: { n: 3, tier: 'web' } });
    expect(spec.groups?.['windows']).toEqual({
      hosts: { web01: {}, web02: {} },
      vars: { n: 4 },
      connection: { type: 'winrm', user: 'Administrator', password: secret.value('S3cret-pw') },
    });
    expect(spec.groups?.['directors']?.hosts?.['lvs2']).toEqual({ address: '192.0.2.15', vars: { vrrp: { state: 'BACKUP', priority: 100 } }, connection: { port: 2222 } });
    expect(spec.groups?.['alpha']?.hosts).toEqual({ rs1: null, lvs1: null });
  });

  it('resolves with Ansible precedence', () => {
    const inv = resolveInventory(parseAnsibleYaml(fixture('site.yml'), 'site.yml'), { source: 'site.yml' });
    const lvs1 = inv.hosts.find((h) => h.name === 'lvs1')!;
    // alpha, directors, zulu are all depth 1: directors (n) and zulu (letter) come later than alpha
    expect(lvs1.vars).toMatchObject({ n: 2, letter: 'z' });
    const rs1 = inv.hosts.find((h) => h.name === 'rs1')!;
    expect(rs1.vars).toMatchObject({ n: 5, letter: 'a', tier: 'web' });
    expect(inv.groups['realservers']).toEqual(['web01', 'web02', 'rs1']);
  });

  it('YAML 1.1 booleans as PyYAML reads them: yes/no/on/off, but not y/n', () => {
    const spec = parseAnsibleYaml('all:\n  vars: { a: yes, b: off, c: y, n: 1, d: "yes" }\n', 'h.yml');
    expect(spec.vars).toEqual({ a: true, b: false, c: 'y', n: 1, d: 'yes' });
  });

  it('host:port and a string section', () => {
    const spec = parseAnsibleYaml('web:\n  hosts: w1.example.com:8022\n', 'h.yml');
    expect(spec.groups?.['web']?.hosts).toEqual({ 'w1.example.com': { connection: { port: 8022 } } });
  });

  it('errors name the dotted YAML path', () => {
    expect(
      errorsOf(
        [
          'all:',
          '  host:',
          '    a: {}',
          '  children:',
          '    web:',
          '      hosts:',
          '        w1: [1, 2]',
          '        w[3:1]:',
          '      vars: [x]',
          '    db:',
          '      hosts:',
          '        d1: { ansible_port: 99999 }',
        ].join('\n'),
      ),
    ).toEqual([
      { file: 'hosts.yml', field: 'all.host', reason: 'unexpected key "host" in group "all"', value: 'host' },
      { file: 'hosts.yml', field: 'all.children.web.hosts.w1', reason: 'vars of host "w1" must be a mapping', value: [1, 2] },
      { file: 'hosts.yml', field: 'all.children.web.hosts.w[3:1]', reason: 'invalid host range: begin is after end', value: 'w[3:1]' },
      { file: 'hosts.yml', field: 'all.children.web.vars', reason: '"vars" of group "web" must be a mapping', value: ['x'] },
      { file: 'hosts.yml', field: 'all.children.db.hosts.d1.ansible_port', reason: 'ansible_port is not a port number', value: 99999 },
    ]);
    expect(errorsOf('- a\n- b\n')[0]!.reason).toBe('an Ansible YAML inventory must be a mapping of groups');
    expect(errorsOf('plugin: aws_ec2\n')[0]!.reason).toBe('inventory plugin configurations are not supported');
    expect(errorsOf('all:\n  hosts: {a: 1\n')[0]!.file).toMatch(/^hosts\.yml:\d+$/);
  });
});

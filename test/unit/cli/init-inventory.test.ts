/** `lvs-play init`'s inventory writer: an Ansible spec as TypeScript; secrets only as secret.env references. */
import { describe, expect, it } from 'vitest';
import { adaptAnsibleSpec, DEFAULT_GROUPS, inventorySource, specFromAnswers } from '../../../src/cli/init-inventory.js';
import { parseAnsibleIni } from '../../../src/inventory/ansible-ini.js';

const INI = `[lb]
lb1 ansible_host=192.0.2.14
[web_win]
win1 ansible_host=192.0.2.18 ansible_password=HostSecret1
[web_win:vars]
ansible_connection=psrp
ansible_user=Administrator
ansible_password=GroupSecret2
[web_linux]
rs1 ansible_host=192.0.2.16 ansible_become_password="{{ lookup('env', 'RS_SUDO') }}"
[all:vars]
api_token=TokenValue3
vip=192.0.2.10
`;

describe('init inventory', () => {
  it('converts groups, connections and vars; never writes a secret value', () => {
    const spec = adaptAnsibleSpec(parseAnsibleIni(INI, 'hosts.ini'), { ...DEFAULT_GROUPS, directors: 'lb', windows: 'web_win', linux: 'web_linux' }, {});
    const ts = inventorySource(spec, '// converted');
    for (const secret of ['HostSecret1', 'GroupSecret2', 'TokenValue3']) expect(ts).not.toContain(secret);
    expect(ts).toContain("password: secret.env('WEB_WIN_PASSWORD')");
    expect(ts).toContain("password: secret.env('WIN1_PASSWORD')");
    expect(ts).toContain("becomePassword: secret.env('RS_SUDO')");
    expect(ts).toContain('// api_token: not copied (a secret)');
    expect(ts).toContain("directors_group: 'lb'");
    expect(ts).toMatch(/lb1: \{\n\s+address: '192\.0\.2\.14',\n\s+vars: \{\n\s+vrrp: \{\n\s+state: 'MASTER'/);
    expect(ts.startsWith("// converted\nimport { inventory, secret } from 'lvs-play';")).toBe(true);
  });

  it('from answers: the reference layout, the Windows password from the environment', () => {
    const ts = inventorySource(specFromAnswers({ vip: '192.0.2.10', port: 443, directors: [{ name: 'a', address: '192.0.2.1' }], linux: [], windows: [{ name: 'w', address: '192.0.2.5' }] }), '//');
    expect(ts).toContain("password: secret.env('WIN_PASSWORD')");
    expect(ts).toContain('port: 443');
    expect(ts).not.toContain('linux_realservers');
  });
});

describe('init inventory: hostile names and values stay data', () => {
  it('a line break (any kind) in a var name or value never starts a line of code in the generated file', () => {
    const evil = ['\n', '\r', '\u2028', '\u2029'].map((nl) => `x${nl}process.exit(7)//`);
    const vars: Record<string, unknown> = {};
    for (const [i, e] of evil.entries()) {
      vars[`note${i}`] = e;
      vars[`password${e}${i}`] = 'hidden'; // a secret-looking name: written as a comment only
    }
    const ts = inventorySource({ vars, groups: {} }, '// hostile');
    for (const line of ts.split(/\r\n|[\n\r\u2028\u2029]/)) expect(line.trimStart().startsWith('process.exit')).toBe(false);
    expect(ts).not.toContain('hidden');
    // what is not a comment evaluates back to the same strings
    for (const e of evil) expect(ts).toContain(`'${e.replace('\n', '\\n').replace('\r', '\\r').replace('\u2028', '\\u2028').replace('\u2029', '\\u2029')}'`);
  });
});

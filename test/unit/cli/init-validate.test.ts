/**
 * `lvs-play init` refuses what it cannot write faithfully (issue 24, point 7): bad addresses and
 * names, an unknown group given on the command line (with a did-you-mean), and YAML values a
 * TypeScript literal cannot hold exactly — before any file is written.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initCommand } from '../../../src/cli/init.js';
import { LvsError } from '../../../src/errors.js';

const base = mkdtempSync(join(tmpdir(), 'lvs-init-validate-'));
let n = 0;
async function refused(args: string[]): Promise<LvsError> {
  const dir = join(base, `repo-${n++}`);
  const err = await initCommand([dir, ...args], false).catch((e: unknown) => e);
  expect(err, String(err)).toBeInstanceOf(LvsError);
  expect(existsSync(join(dir, 'inventory', 'prod.ts')), 'nothing written').toBe(false);
  return err as LvsError;
}
const yml = (name: string, text: string): string => {
  const f = join(base, name);
  writeFileSync(f, text);
  return f;
};
const INV = 'all:\n  vars: { vip: 192.0.2.10 }\n  children:\n    directors:\n      hosts: { lvs1: { ansible_host: 192.0.2.14 } }\n    webservers:\n      hosts: { rs1: { ansible_host: 192.0.2.16 } }\n';

describe('init refuses what it cannot write faithfully', () => {
  it('addresses and names that are not addresses or names', async () => {
    expect((await refused(['--linux', 'rs1=$(id)'])).message).toMatch(/--linux: address "\$\(id\)" in "rs1=\$\(id\)" is not valid/);
    expect((await refused(['--directors', 'lvs1=10.0.0.1;reboot'])).message).toMatch(/is not valid/);
    expect((await refused(['--windows', 'web1=a b'])).message).toMatch(/is not valid/);
  });

  it('an unknown --directors-group/--linux-group is refused with a did-you-mean, never replaced by a guess', async () => {
    const f = yml('inv.yml', INV);
    const e = await refused(['--from-ansible', f, '--linux-group', 'webserver']);
    expect(e.message).toMatch(/--linux-group: .*inv\.yml has no group "webserver" \(did you mean "webservers"\?\)/);
    expect((await refused(['--from-ansible', f, '--directors-group', 'lvs'])).message).toMatch(/--directors-group: .*has no group "lvs"/);
  });

  it('YAML dates, sets, big integers and NUL bytes are refused naming the var', async () => {
    const cases: [string, RegExp][] = [
      ['    since: 2024-01-01\n', /since is a date/],
      ['    allowed: !!set { a, b }\n', /allowed is a set/],
      ['    serial: 12345678901234567890\n', /serial is an integer beyond 2\^53/],
      ['    motd: "a\\0b"\n', /motd is a NUL byte|motd is a/],
    ];
    for (const [line, msg] of cases) {
      const f = yml(`v-${n}.yml`, INV.replace('  vars: { vip: 192.0.2.10 }\n', `  vars:\n    vip: 192.0.2.10\n${line}`));
      const e = await refused(['--from-ansible', f, '--linux-group', 'webservers']);
      expect(e.message).toMatch(msg);
      expect(e.message).toMatch(/vars\./);
    }
  });

  it('a good inventory with the given groups is written', async () => {
    const f = yml('good.yml', INV);
    expect(await initCommand([join(base, 'good'), '--from-ansible', f, '--linux-group', 'webservers'], false)).toBe(0);
    expect(existsSync(join(base, 'good', 'inventory', 'prod.ts'))).toBe(true);
  });
});

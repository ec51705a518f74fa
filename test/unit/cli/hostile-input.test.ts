/**
 * The probes of issue 24 as tests, through the built CLI (a child process, as a user runs it):
 * no silent exit, no stack trace, documented exit codes, bounded cost. The fuzz suite
 * (test/faults/hostile-fuzz.test.ts) generates many more such inputs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandHostRange, MAX_RANGE_HOSTS } from '../../../src/inventory/ranges.js';
import { regexRisk } from '../../../src/inventory/regex-guard.js';
import { shlexTokens } from '../../../src/inventory/shlex.js';
import { parseExtraVars } from '../../../src/inventory/extra-vars.js';
import { checkDepth } from '../../../src/input-file.js';
import { LvsError } from '../../../src/errors.js';

const ROOT = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'lvs-hostile-'));
const SITE = join(ROOT, 'playbooks/site.ts');
const INV = join(dir, 'inv.yml');
writeFileSync(INV, 'all:\n  vars: { vip: 10.77.0.10, vrrp_auth_pass: x, keepalived_install: package, ipvs_tuning: false }\n  children:\n    directors:\n      hosts:\n        lvs1: { ansible_host: 10.77.0.14, vrrp: { state: MASTER, priority: 150 } }\n        lvs2: { ansible_host: 10.77.0.15, vrrp: { state: BACKUP, priority: 100 } }\n    linux_realservers:\n      hosts:\n        rs1: { ansible_host: 10.77.0.16 }\n');

/** The built CLI, in a network namespace of its own when possible is not needed: none of these reach a host. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true', ...env }, timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, stderr: r.stderr };
}
const STACK = /\n\s+at .+:\d+:\d+\)?/;

describe('hostile input through the CLI: a documented exit code, one line on stderr, no stack trace', { timeout: 120_000 }, () => {
  it('a module whose top-level await never settles: E_LOAD after the load timeout, exit 4 naming the file', () => {
    writeFileSync(join(dir, 'never.ts'), 'await new Promise(() => {});\nexport default 1;\n');
    const r = cli(['never.ts', '-i', INV], { LVS_PLAY_LOAD_TIMEOUT: '1' });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/never\.ts: loading did not finish within 1 s/);
  });

  it('a playbook that empties the event loop: a message and exit 1, never a silent 0', () => {
    writeFileSync(join(dir, 'stall.ts'), "import { playbook, play, resource } from 'lvs-play';\nexport default playbook('x', []);\n");
    writeFileSync(join(dir, 'stall-inv.ts'), 'export default new Promise(() => {});\n');
    const r = cli(['stall.ts', '-i', 'stall-inv.ts'], { LVS_PLAY_LOAD_TIMEOUT: '1' });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).not.toBe('');
  });

  it('/dev/zero as playbook, inventory or -e file: refused as not a regular file (exit 4)', () => {
    for (const args of [['/dev/zero', '-i', INV], [SITE, '-i', '/dev/zero'], [SITE, '-i', INV, '-e', '@/dev/zero']]) {
      const r = cli([...args, '--list-hosts']);
      expect(r.code, r.out).toBe(4);
      expect(r.stderr).toMatch(/\/dev\/zero: .*(not a regular file|inventory not found)/);
    }
  });

  it('unknown flags to init, drain, undrain, apply, show: exit 5 without a stack trace', () => {
    for (const sub of ['init', 'drain', 'undrain', 'apply', 'show', 'status']) {
      const r = cli([sub, '--no-such-flag']);
      expect(r.code, `${sub}: ${r.out}`).toBe(5);
      expect(r.out).not.toMatch(STACK);
    }
  });

  it('--json into a missing directory is refused before anything is loaded (exit 5)', () => {
    const r = cli([SITE, '-i', INV, '--check', '--json', '/nonexistent-dir/r.json']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/--json \/nonexistent-dir\/r\.json: its directory \/nonexistent-dir does not exist/);
    const p = cli([SITE, '-i', INV, '--check', '--plan-out', '/nonexistent-dir/p.json']);
    expect(p.code).toBe(5);
  });

  it('--limit selecting no host: E_NO_HOSTS, exit 6, and the --json report says so', () => {
    const r = cli([SITE, '-i', INV, '--limit', 'all:!all', '--list-hosts', '--json', 'no-hosts.json']);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/E_NO_HOSTS.*no host to run on/);
    const report = JSON.parse(require('node:fs').readFileSync(join(dir, 'no-hosts.json'), 'utf8') as string) as { exitCode: number; error: { code: string } };
    expect(report).toMatchObject({ exitCode: 6, error: { code: 'E_NO_HOSTS' } });
  });

  it('a YAML alias bomb and a self-referencing YAML inventory are refused (exit 4)', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(10).fill(`*${'abcdefghij'[i - 1]}`).join(', ')}]`);
    writeFileSync(join(dir, 'bomb.yml'), `all:\n  vars:\n${lines.map((l) => `    ${l}`).join('\n')}\n  hosts:\n    h1:\n`);
    const r = cli([SITE, '-i', 'bomb.yml', '--list-hosts']);
    expect(r.code, r.out).toBe(4);
    expect(r.stderr).toMatch(/bomb\.yml: invalid YAML: Excessive alias count/);
    writeFileSync(join(dir, 'cycle.yml'), 'all:\n  vars:\n    loop: &l { self: *l }\n  hosts:\n    h1:\n');
    const c = cli([SITE, '-i', 'cycle.yml', '--list-hosts']);
    expect(c.code, c.out).toBe(4);
    expect(c.out).not.toMatch(STACK);
  });

  it('cyclic vars with --plan-out (a TS inventory, a YAML -e file): E_VALIDATION naming the file, exit 4', () => {
    writeFileSync(join(dir, 'cyc-inv.ts'), `const loop: Record<string, unknown> = { a: 1 };\nloop.self = loop;\nexport default { hosts: { a: { vars: { dir: ${JSON.stringify(dir)}, loop }, connection: { type: 'local' } } } };\n`);
    writeFileSync(join(dir, 'cyc-pb.ts'), "import { playbook, play, file } from 'lvs-play';\nexport default playbook('p', [play('f', { hosts: 'all' }, (host) => [file({ path: host.get('dir', '') + '/cyc.conf', content: 'a\\n' })])]);\n");
    const r = cli(['cyc-pb.ts', '-i', 'cyc-inv.ts', '--check', '--plan-out', 'cyc.json']);
    expect(r.code, r.out).toBe(4);
    expect(r.stderr).toMatch(/cyc-inv\.ts: the inventory cannot be saved in a plan: a cycle/);
    writeFileSync(join(dir, 'cyc.yml'), 'a: &x { self: *x }\n');
    const e = cli(['cyc-pb.ts', '-i', 'cyc-inv.ts', '--check', '--plan-out', 'cyc.json', '-e', '@cyc.yml']);
    expect(e.code).toBe(4);
    expect(e.stderr).toMatch(/cyc\.yml: a\.self: the extra vars refers to itself/);
    expect(`${r.out}${e.out}`).not.toMatch(STACK);
  });

  it('a ~regex with nested quantifiers in --limit is refused at once (exit 4)', () => {
    const r = cli([SITE, '-i', INV, '--limit', '~(a+)+$', '--list-hosts']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/regular expression refused: a quantifier inside a repeated group/);
  });

  it('-e ansible_host / ansible_port: refused (never silently ignored)', () => {
    for (const e of ['ansible_host=10.0.0.1', 'ansible_port=0']) {
      const r = cli([SITE, '-i', INV, '-e', e, '--list-hosts']);
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/cannot be given with -e: connection variables/);
    }
  });
});

describe('bounded cost', () => {
  it('a host range is counted before it is built: web[00000000:99999999] is refused at once', () => {
    const t = Date.now();
    expect(() => expandHostRange('web[00000000:99999999]', { file: 'h.ini' })).toThrow(/expands to 100000000 hosts, more than the limit of 100000/);
    expect(() => expandHostRange('a[0:999]b[0:999]', { file: 'h.ini' })).toThrow(/more than the limit/);
    expect(Date.now() - t).toBeLessThan(1000);
    expect(expandHostRange('w[1:3]-[a:b]')).toEqual(['w1-a', 'w1-b', 'w2-a', 'w2-b', 'w3-a', 'w3-b']);
    expect(expandHostRange(`r[1:${MAX_RANGE_HOSTS}]`)).toHaveLength(MAX_RANGE_HOSTS);
  });

  it('the INI tokenizer is linear: a 20 MB value splits into one token, quotes and escapes as before', () => {
    const big = 'x'.repeat(20_000_000);
    expect(shlexTokens(`h v=${big}`)[1]!.text.length).toBe(20_000_002);
    expect(shlexTokens(`h v="${big}"`)[1]).toMatchObject({ quotedValue: true });
    expect(shlexTokens(`a "b\\"c" 'd e'f\\ g # c`).map((t) => t.text)).toEqual(['a', 'b"c', 'd ef g']);
    expect(shlexTokens('k="a\\xb"')[0]!.text).toBe('k=a\\xb');
  });

  it('regexes that can backtrack exponentially are recognised; linear ones pass', () => {
    for (const r of ['(a+)+$', '(a|aa)*', '(a*)*', '(\\d+)+x', '(?:a+){2,}', '((a)+)+', '(a)\\1']) expect(regexRisk(r), r).not.toBeNull();
    for (const r of ['web0[12]', '(web|db)[0-9]+', '.*', 'a{1,3}', '(ab)+', '[(a+)]+', 'x(a|b)?']) expect(regexRisk(r), r).toBeNull();
    expect(regexRisk('a'.repeat(1001))).toMatch(/longer than 1000/);
  });

  it('nesting deeper than 64 levels and cycles are refused without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => checkDepth(deep, 'f')).toThrow(/nested deeper than 64 levels/);
    const cyc: Record<string, unknown> = {};
    cyc.self = { back: cyc };
    expect(() => checkDepth(cyc, 'f')).toThrow(/refers to itself/);
  });

  it('-e vars: ansible_* refused naming the var, from a file too', async () => {
    writeFileSync(join(dir, 'conn.yml'), 'ansible_user: admin\n');
    await expect(parseExtraVars(['@conn.yml'], { cwd: dir })).rejects.toThrow(/conn\.yml: ansible_user: ansible_user cannot be given with -e/);
    await expect(parseExtraVars(['vip=10.0.0.1'], { cwd: dir })).resolves.toEqual({ vip: '10.0.0.1' });
    await expect(parseExtraVars(['@/dev/zero'], { cwd: dir })).rejects.toBeInstanceOf(LvsError);
  });
});

/**
 * Malformed inventories and playbooks: each fails with ONE clear error naming the file and the
 * host/variable, exit 4, before any host is contacted. The CLI runs in a fresh network namespace
 * (`unshare -n`: only a downed loopback), so a connection attempt could not succeed: it would
 * show as UNREACHABLE and exit 3, never 4.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../lab/support.js';
import { recordFault } from './record.js';

const dir = mkdtempSync(join(tmpdir(), 'lvs-bad-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE = `all:
  vars:
    vip: 10.77.0.10
    vrrp_auth_pass: lvs-lab
    keepalived_args: ['-D', '--vrrp']
    ipvs_tuning: false
    keepalived_install: package
  children:
    directors:
      hosts:
        lvs1: { ansible_host: 10.77.0.14, vrrp: { state: MASTER, priority: 150 } }
        lvs2: { ansible_host: 10.77.0.15, vrrp: { state: BACKUP, priority: 100 } }
    linux_realservers:
      hosts:
        rs1: { ansible_host: 10.77.0.16 }
        rs2: { ansible_host: 10.77.0.17 }
    windows:
      hosts: {}
`;

function edit(from: string, to: string): string {
  if (!BASE.includes(from)) throw new Error(`fixture: ${from} not in BASE`);
  return BASE.replace(from, to);
}

/** 1-based line of the first line of BASE starting with `start`. */
const lineOf = (start: string): number => BASE.split('\n').findIndex((l) => l.startsWith(start)) + 1;

interface Case {
  name: string;
  /** File name → text, written into a fresh directory. */
  files: Record<string, string>;
  /** CLI arguments (paths relative to that directory are made absolute). */
  args: string[];
  /** What the one error must say (file, host, variable). */
  says: RegExp[];
}

const site = join(ROOT, 'playbooks/site.ts');
const CASES: Case[] = [
  {
    name: 'playbook with a syntax error',
    files: { 'pb.ts': "import { playbook, play } from 'lvs-play';\nexport default playbook('x', [ play('p', { hosts: 'all' }, (host) => [ ) ]);\n", 'inv.yml': BASE },
    args: ['@pb.ts', '-i', '@inv.yml'],
    says: [/pb\.ts/, /pb\.ts:2:\d+/],
  },
  {
    name: 'role option of the wrong type',
    files: {
      'pb.ts': "import { playbook, play } from 'lvs-play';\nimport { linuxRealServer } from 'lvs-play/roles';\nexport default playbook('x', [ play('p', { hosts: 'linux_realservers' }, () => [ linuxRealServer({ vip: 42 as unknown as string, tcpPorts: [80] }) ]) ]);\n",
      'inv.yml': BASE,
    },
    args: ['@pb.ts', '-i', '@inv.yml'],
    says: [/pb\.ts/, /linux-realserver\(options\)\.vip/, /got 42/],
  },
  { name: 'inventory YAML syntax error', files: { 'inv.yml': edit('    directors:\n', '    directors:\n      hosts: [\n') }, args: [site, '-i', '@inv.yml'], says: [new RegExp(`inv\\.yml:${lineOf('    directors:') + 2}: invalid YAML`)] },
  { name: 'inventory: wrong type (ansible_port)', files: { 'inv.yml': edit('rs2: { ansible_host: 10.77.0.17 }', 'rs2: { ansible_host: 10.77.0.17, ansible_port: twenty-two }') }, args: [site, '-i', '@inv.yml'], says: [/inv\.yml/, /rs2\.ansible_port/, /twenty-two/] },
  {
    name: 'inventory: unknown key',
    files: { 'inv.ts': "import { inventory } from 'lvs-play';\nexport default inventory({ vars: { vip: '10.77.0.10' }, groups: { directors: { hosts: { lvs1: { adress: '10.77.0.14' } as never } } } });\n" },
    args: [site, '-i', '@inv.ts'],
    says: [/inv\.ts/, /lvs1\.adress: unknown field/, /did you mean "address"/],
  },
  { name: 'inventory: duplicate host', files: { 'inv.yml': edit('        rs2: { ansible_host: 10.77.0.17 }\n', '        rs2: { ansible_host: 10.77.0.17 }\n        rs1: { ansible_host: 10.77.0.19 }\n') }, args: [site, '-i', '@inv.yml'], says: [new RegExp(`inv\\.yml:${lineOf('        rs2:') + 1}: invalid YAML`), /unique/] },
  { name: 'inventory: two hosts with one address', files: { 'inv.yml': edit('ansible_host: 10.77.0.17', 'ansible_host: 10.77.0.16') }, args: [site, '-i', '@inv.yml'], says: [/inv\.yml/, /rs2\.address/, /"rs1" and "rs2" have the same address 10\.77\.0\.16/] },
  { name: 'inventory: two directors with one address', files: { 'inv.yml': edit('ansible_host: 10.77.0.15', 'ansible_host: 10.77.0.14') }, args: [site, '-i', '@inv.yml'], says: [/inv\.yml/, /lvs2\.address/, /"lvs1" and "lvs2" have the same address/] },
  { name: 'inventory: bad IP address', files: { 'inv.yml': edit('ansible_host: 10.77.0.17', 'ansible_host: 10.77.0.317') }, args: [site, '-i', '@inv.yml'], says: [/inv\.yml/, /rs2\.address/, /10\.77\.0\.317/] },
  { name: 'bad CIDR as the VIP (-e)', files: { 'inv.yml': BASE }, args: [site, '-i', '@inv.yml', '-e', 'vip=10.77.0.10/40'], says: [/^lvs-play: error \[\w+\]: -e: hosts rs1, rs2, lvs1, lvs2: variable "vip" is invalid/, /10\.77\.0\.10\/40/] },
  { name: 'VIP equal to a real server address', files: { 'inv.yml': edit('vip: 10.77.0.10', 'vip: 10.77.0.16') }, args: [site, '-i', '@inv.yml'], says: [/VIP 10\.77\.0\.16 is also the address of real server rs1/] },
  { name: "VIP equal to a director's address", files: { 'inv.yml': edit('vip: 10.77.0.10', 'vip: 10.77.0.14') }, args: [site, '-i', '@inv.yml'], says: [/VIP 10\.77\.0\.14 is also the address of director lvs1/] },
  {
    name: 'empty directors group',
    files: { 'inv.yml': edit('      hosts:\n        lvs1: { ansible_host: 10.77.0.14, vrrp: { state: MASTER, priority: 150 } }\n        lvs2: { ansible_host: 10.77.0.15, vrrp: { state: BACKUP, priority: 100 } }\n', '      hosts: {}\n') },
    args: [site, '-i', '@inv.yml'],
    says: [/hosts "directors" match no host/],
  },
  {
    name: 'Ansible INI with a garbage line',
    files: { 'inv.ini': "[directors]\nlvs1 ansible_host=10.77.0.14\nthis is = not [ a host line\n[linux_realservers]\nrs1 ansible_host=10.77.0.16\n[windows]\n[all:vars]\nvip=10.77.0.10\n" },
    args: [site, '-i', '@inv.ini'],
    says: [/inv\.ini:3/],
  },
  { name: 'director without its vrrp var', files: { 'inv.yml': edit(', vrrp: { state: BACKUP, priority: 100 }', '') }, args: [site, '-i', '@inv.yml'], says: [/inv\.yml: host lvs2: variable "vrrp" is missing/, /set vrrp: \{ state: MASTER, priority: 150 \}/] },
];

const unshare = spawnSync('unshare', ['-n', 'true']).status === 0;

describe.skipIf(!unshare)('bad input: one clear error, exit 4, no connection (no network at all)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const d = mkdtempSync(join(dir, 'case-'));
      for (const [f, text] of Object.entries(c.files)) writeFileSync(join(d, f), text);
      const args = c.args.map((a) => (a.startsWith('@') ? join(d, a.slice(1)) : a));
      const r = spawnSync('unshare', ['-n', process.execPath, join(ROOT, 'dist/src/cli/main.js'), ...args, '--check'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: 'true' } });
      const err = r.stderr.trim();
      const errors = /^lvs-play: error \[\w+\]: (\d+) validation errors:/.exec(err)?.[1] ?? (err.startsWith('lvs-play: error [') ? '1' : '0');
      const said = c.says.every((re) => re.test(err));
      const contacted = /UNREACHABLE|unreachable=|PLAY RECAP/.test(`${r.stdout}${err}`);
      const ok = r.status === 4 && errors === '1' && said && !contacted;
      recordFault(`bad input: ${c.name}`, `exit ${r.status}, ${errors} error(s)${contacted ? ', CONTACTED hosts' : ''}: ${err.split('\n')[0]?.slice(0, 160)}`, ok);
      expect({ status: r.status, errors, contacted, err }).toMatchObject({ status: 4, errors: '1', contacted: false });
      for (const re of c.says) expect(err).toMatch(re);
    });
  }
});

/**
 * The reference site on inventories shaped as users write them: Ansible INI and YAML with their
 * own group names (set as site settings), a Linux-only and a Windows-only real-server set, and a
 * psrp host without a password. Listing needs no connection setting; --check runs on the lab.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../src/lab/paths.js';
import { ensureKeepalivedTarball } from '../../src/lab/sources.js';
import { cli, ensureLab } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'lvs-site-inv-'));
let tarball = '';

/** The lab's settings as Ansible vars (the netns lab has no IPVS: VRRP only). */
const labVars = () => ({
  ansible_user: 'root',
  ansible_ssh_private_key_file: paths.key(),
  ansible_ssh_common_args: `-o UserKnownHostsFile=${paths.knownHosts()}`,
  vip: '10.77.0.10',
  vrrp_auth_pass: 'lvs-lab',
  ipvs_tuning: false,
  keepalived_args: ['-D', '--vrrp'],
  keepalived_tarball: tarball,
});

const DIRECTORS = { lb1: { ansible_host: '10.77.0.14', vrrp: { state: 'MASTER', priority: 150 } }, lb2: { ansible_host: '10.77.0.15', vrrp: { state: 'BACKUP', priority: 100 } } };

function iniFile(): string {
  const v = labVars();
  const file = join(dir, 'hosts.ini');
  writeFileSync(
    file,
    `[lb]
lb1 ansible_host=10.77.0.14 vrrp="{'state': 'MASTER', 'priority': 150}"
lb2 ansible_host=10.77.0.15 vrrp="{'state': 'BACKUP', 'priority': 100}"

[web_linux]
rs1 ansible_host=10.77.0.16
rs2 ansible_host=10.77.0.17

[web_win]
win1 ansible_host=10.77.0.18

[web_win:vars]
ansible_connection=psrp
ansible_user=Administrator

[backends:children]
web_linux
web_win

[cluster:children]
lb
backends

[all:vars]
ansible_user=root
ansible_ssh_private_key_file=${v.ansible_ssh_private_key_file}
ansible_ssh_common_args='${v.ansible_ssh_common_args}'
vip=10.77.0.10
vrrp_auth_pass=lvs-lab
ipvs_tuning=false
keepalived_args=-D --vrrp
keepalived_tarball=${tarball}
directors_group=lb
linux_realservers_group=web_linux
windows_realservers_group=web_win
`,
  );
  return file;
}

/** A YAML inventory: directors in `balancers`, real servers in `group` (Linux-only or Windows-only). */
function yamlFile(name: string, group: string, hosts: Record<string, Record<string, unknown>>, settings: Record<string, string>): string {
  const file = join(dir, `${name}.yml`);
  const inv = { all: { vars: { ...labVars(), ...settings }, children: { balancers: { hosts: DIRECTORS }, [group]: { hosts } } } };
  writeFileSync(file, JSON.stringify(inv, null, 2)); // JSON is YAML
  return file;
}

const site = (inv: string, ...args: string[]) => cli(['playbooks/site.ts', '-i', inv, ...args]);

describe('the reference site on users\' inventories', () => {
  beforeAll(async () => {
    await ensureLab();
    tarball = await ensureKeepalivedTarball();
  });

  it('INI with its own group names: --list-hosts and --list-tasks need no password for the psrp host', () => {
    const ini = iniFile();
    const hosts = site(ini, '--list-hosts');
    expect(hosts.stderr).toBe('');
    expect(hosts.code).toBe(0);
    expect(hosts.stdout).toContain('play "linux real servers" (web_linux): 2 host(s)\n    rs1  10.77.0.16\n    rs2  10.77.0.17');
    expect(hosts.stdout).toContain('play "windows real servers" (web_win): 1 host(s)\n    win1  10.77.0.18');
    expect(hosts.stdout).toContain('play "keepalived rollout" (lb): 2 host(s)\n    lb2  10.77.0.15\n    lb1  10.77.0.14');
    const tasks = site(ini, '--list-tasks');
    expect(tasks.code, tasks.stderr).toBe(0);
    expect(tasks.stdout).toMatch(/win1:\n\s+windows-realserver \| windows loopback adapter/);
    expect(tasks.stdout).toMatch(/lb1:\n\s+keepalived-config \| keepalived config/);
  });

  it('INI: a run that would connect to the psrp host without a password stops before contacting any host; without it, --check runs', () => {
    const ini = iniFile();
    const refused = site(ini, '--check');
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('host "win1" uses a winrm connection but has no password');
    expect(refused.stdout).not.toMatch(/PLAY/);
    const r = site(ini, '--check', '--limit', '!web_win');
    expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
    for (const h of ['lb1', 'lb2', 'rs1', 'rs2']) expect(r.stdout).toMatch(new RegExp(`${h}\\s+: ok=\\d+\\s+changed=\\d+\\s+failed=0\\s+skipped=\\d+\\s+unreachable=0`));
    expect(r.stdout).not.toMatch(/win1\s+:/);
  });

  it('YAML, Linux real servers only (no Windows group at all): a warning names it; --check on the lab', () => {
    const yml = yamlFile('linux-only', 'linux_web', { rs1: { ansible_host: '10.77.0.16' }, rs2: { ansible_host: '10.77.0.17' } }, { directors_group: 'balancers', linux_realservers_group: 'linux_web' });
    const r = site(yml, '--check');
    expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
    expect(r.stderr).toContain('could not match host pattern "windows"');
    expect(r.stdout).toMatch(/PLAY \[windows real servers\] \*+\nskipping: no hosts matched/);
    for (const h of ['lb1', 'lb2', 'rs1', 'rs2']) expect(r.stdout).toMatch(new RegExp(`${h}\\s+: ok=\\d+\\s+changed=\\d+\\s+failed=0\\s+skipped=\\d+\\s+unreachable=0`));
  });

  it('YAML, Windows real servers only (Windows over SSH: ansible_shell_type=powershell): --check on the lab', () => {
    const yml = yamlFile('windows-only', 'iis', { win1: { ansible_host: '10.77.0.18', ansible_shell_type: 'powershell' } }, { directors_group: 'balancers', windows_realservers_group: 'iis' });
    const r = site(yml, '--check');
    expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
    expect(r.stderr).toContain('could not match host pattern "linux_realservers"');
    for (const h of ['lb1', 'lb2', 'win1']) expect(r.stdout).toMatch(new RegExp(`${h}\\s+: ok=\\d+\\s+changed=\\d+\\s+failed=0\\s+skipped=\\d+\\s+unreachable=0`));
  });
});

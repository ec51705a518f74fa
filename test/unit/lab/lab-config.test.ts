import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { LvsError } from '../../../src/errors.js';
import { labCommand, labDown, labUp } from '../../../src/lab/index.js';
import { labInventory } from '../../../src/lab/inventory.js';
import { writeAnsibleInventory } from '../../../src/lab/known-hosts-file.js';
import { BASE_PACKAGES, baseRootfsDir, labDir, netnsName, vethName } from '../../../src/lab/paths.js';
import { labHosts, loadTopology } from '../../../src/lab/topology.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  vi.restoreAllMocks();
});

describe('lab topology', () => {
  it('reads lab/topology.json', () => {
    const t = loadTopology();
    expect(t.network).toMatchObject({ bridge: 'lvsbr0', gateway: '10.77.0.1', cidr: '10.77.0.0/24' });
    const hosts = labHosts(t);
    expect(hosts.map((h) => `${h.name}=${h.address}`)).toEqual([
      'lvs1=10.77.0.14', 'lvs2=10.77.0.15', 'rs1=10.77.0.16', 'rs2=10.77.0.17', 'win1=10.77.0.18', 'client=10.77.0.20',
    ]);
    expect(hosts.find((h) => h.name === 'win1')?.kind).toBe('powershell');
  });

  it('rejects an invalid topology naming the field', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'lvs-topo-')), 't.json');
    writeFileSync(f, JSON.stringify({ network: { bridge: 'b', cidr: '10.0.0.0/24', gateway: '10.0.0.1' }, hosts: { a: { address: 'nope', kind: 'linux' } } }));
    try {
      loadTopology(f);
      expect.unreachable();
    } catch (e) {
      expect((e as LvsError).code).toBe('E_VALIDATION');
      expect((e as Error).message).toContain('hosts.a.address');
    }
  });

  it.each([
    ['network.gateway', { gateway: '999.1.1.1' }, {}],
    ['network.cidr', { cidr: '10.0.0.0/33' }, {}],
    ['hosts.a.address', {}, { address: '10.0.0.256' }],
    ['hosts.a.web', {}, { web: 70000 }],
  ])('checks %s with the kit\'s schemas (999.1.1.1 is no address, 70000 no port)', (field, network, host) => {
    const f = join(mkdtempSync(join(tmpdir(), 'lvs-topo-')), 't.json');
    writeFileSync(f, JSON.stringify({ network: { bridge: 'b', cidr: '10.0.0.0/24', gateway: '10.0.0.1', ...network }, hosts: { a: { address: '10.0.0.2', kind: 'linux', ...host } } }));
    expect(() => loadTopology(f)).toThrow(expect.objectContaining({ code: 'E_VALIDATION', detail: expect.objectContaining({ field }) }));
  });

  it('names kernel objects with the lvs- prefix within 15 bytes', () => {
    expect(netnsName('lvs1')).toBe('lvs-lvs1');
    expect(vethName('client')).toBe('lvs-client');
    const long = vethName('a-very-long-host-name');
    expect(long.startsWith('lvs-')).toBe(true);
    expect(long.length).toBeLessThanOrEqual(15);
  });

  it('keeps state under $LVS_PLAY_LAB_DIR and the base rootfs keyed by the package list', () => {
    process.env.LVS_PLAY_LAB_DIR = '/tmp/some-lab';
    expect(labDir()).toBe('/tmp/some-lab');
    delete process.env.LVS_PLAY_LAB_DIR;
    expect(labDir()).toBe('/var/lib/lvs-play/lab');
    expect(BASE_PACKAGES).toEqual(expect.arrayContaining(['openssh-server', 'ipvsadm', 'build-essential', 'libnl-genl-3-dev']));
    expect(baseRootfsDir()).toMatch(/^\/var\/cache\/lvs-play\/rootfs\/bookworm-minbase-[0-9a-f]{10}$/);
  });
});

describe('lab inventory', () => {
  it('describes the lab by group, ssh as root with the lab key and known_hosts, windows over psrp-ssh', () => {
    process.env.LVS_PLAY_LAB_DIR = '/tmp/lab-x';
    const inv = labInventory();
    expect(Object.keys(inv.groups ?? {})).toEqual(['directors', 'linux_realservers', 'windows', 'clients']);
    expect(inv.connection).toEqual({ type: 'ssh', user: 'root', keyFile: '/tmp/lab-x/id_ed25519', knownHosts: '/tmp/lab-x/known_hosts' });
    expect(inv.groups?.directors?.hosts?.lvs1).toEqual({ address: '10.77.0.14', vars: { vrrp: { state: 'MASTER', priority: 150 } } });
    expect(inv.groups?.windows?.connection).toMatchObject({ type: 'psrp-ssh', user: 'root', keyFile: '/tmp/lab-x/id_ed25519' });
    expect(inv.groups?.linux_realservers?.connection?.type).toBe('ssh');
    expect(inv.vars).toEqual({
      vip: '10.77.0.10',
      keepalived_args: ['-D', '--vrrp'],
      vrrp_auth_pass: 'lvs-lab',
      ipvs_tuning: false,
      // no IPVS in the netns lab: no sync daemon (keepalived 2.2.7's VRRP process crashes on it)
      lvs_sync: false,
      keepalived_tarball: expect.stringMatching(/\/sources\/keepalived_2\.2\.7\.orig\.tar\.gz$/),
    });
  });

  it('reaches win1 over WinRM (HTTP 5985, NTLM) when lab up gave it an endpoint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvs-labdir-'));
    process.env.LVS_PLAY_LAB_DIR = dir;
    writeFileSync(join(dir, 'win1-winrm.json'), JSON.stringify({ user: 'Administrator', password: 'pw', address: '10.77.0.18', http_port: 5985 }));
    const conn = labInventory().groups?.windows?.hosts?.win1?.connection;
    expect(conn).toMatchObject({ type: 'winrm', user: 'Administrator', port: 5985, password: { type: 'secret', source: { value: 'pw' } } });
  });

  it('writes an Ansible YAML inventory of the same hosts', async () => {
    process.env.LVS_PLAY_LAB_DIR = mkdtempSync(join(tmpdir(), 'lvs-labdir-'));
    await writeAnsibleInventory(labHosts());
    const doc = parse(readFileSync(join(labDir(), 'inventory.yml'), 'utf8')) as {
      all: { children: Record<string, { hosts: Record<string, Record<string, unknown>> }> };
    };
    expect(Object.keys(doc.all.children)).toEqual(['directors', 'linux_realservers', 'windows', 'clients']);
    expect(doc.all.children.directors?.hosts.lvs2).toMatchObject({ ansible_host: '10.77.0.15', ansible_user: 'root', vrrp: { state: 'BACKUP' } });
    expect(doc.all.children.windows?.hosts.win1).toMatchObject({ ansible_shell_type: 'powershell' });
  });
});

describe('lab command', () => {
  it('prints usage and exits 2 on bad arguments', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await labCommand(['sideways'])).toBe(2);
    expect(await labCommand(['up', '--purge'])).toBe(2);
    expect(String(err.mock.calls[0]?.[0])).toContain('usage: lvs-play lab up');
  });

  it('says clearly that it needs root', async () => {
    vi.spyOn(process, 'getuid').mockReturnValue(1000);
    await expect(labUp()).rejects.toThrow(/lab up needs root/);
    await expect(labDown()).rejects.toMatchObject({ code: 'E_USAGE' });
  });
});

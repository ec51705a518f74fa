/**
 * The VM lab boots a Debian VM with real IPVS on the lab bridge and we reach it over SSH with the
 * lab key and strict host-key checking (its key was put in labDir()/known_hosts and
 * labDir()/vm/known_hosts before boot).
 * Needs root, qemu-system-x86_64 and /dev/net/tun; skipped with a printed reason otherwise.
 *
 * It boots lvs1 at 10.77.0.14 unless the netns lab's lvs1 is up (netns lvs-lvs1): then, so as not
 * to tear down someone's running lab, it boots "vmtest" at the spare address 10.77.0.24 instead.
 * LVS_VM_TEST_REPLACE_NETNS=1 stops the netns lvs1 (with the netns lab's own functions) and uses .14.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killNetnsProcesses, stopHost } from '../../src/lab/hostproc.js';
import { removeHostNet } from '../../src/lab/network.js';
import { netnsName, vethName } from '../../src/lab/paths.js';
import { labDir, reapplyVmKnownHosts, vmDown, vmSsh, vmStatus, vmUp, type VmSpec, type VmUpResult } from '../../src/lab/vm/index.js';
import { editKnownHosts, replaceKnownHost } from '../../src/lab/vm/known-hosts.js';
import { exec } from '../../src/lab/vm/exec.js';
import { readPid } from '../../src/lab/vm/vm.js';
import { listLabTaps } from '../../src/lab/vm/tap.js';

function skipReason(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (taps, bridge)';
  try {
    execFileSync('qemu-system-x86_64', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'qemu-system-x86_64 is not installed';
  }
  if (!existsSync('/dev/net/tun')) return '/dev/net/tun is missing';
  return null;
}

function netnsExists(name: string): boolean {
  try {
    return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').some((l) => l.split(/\s+/)[0] === name);
  } catch {
    return false;
  }
}

const reason = skipReason();
if (reason) console.log(`vm-boot: skipped: ${reason}`);

const replace = process.env.LVS_VM_TEST_REPLACE_NETNS === '1';
const netnsUp = netnsExists(netnsName('lvs1'));
const vm: VmSpec = netnsUp && !replace ? { name: 'vmtest', address: '10.77.0.24' } : { name: 'lvs1', address: '10.77.0.14' };

describe.skipIf(reason !== null)('VM lab: a director VM with real IPVS', () => {
  let up: VmUpResult;
  const lines: string[] = [];
  const log = (l: string): void => {
    lines.push(l);
    console.log(`vm-boot: ${l}`);
  };

  beforeAll(async () => {
    if (netnsUp && !replace) log(`netns lvs1 is up: booting ${vm.name} at ${vm.address} instead (LVS_VM_TEST_REPLACE_NETNS=1 to replace it)`);
    up = await vmUp({
      vms: [vm],
      network: { bridge: 'lvsbr0', prefixLength: 24, gateway: '10.77.0.1' },
      log,
      stopNetnsHost: async (name) => {
        await stopHost(name);
        await killNetnsProcesses(netnsName(name));
        await removeHostNet({ netns: netnsName(name), veth: vethName(name) });
      },
    });
  });

  afterAll(async () => {
    await vmDown({ log });
  });

  it('boots to sshd and records the boot time', () => {
    const [info] = up.vms;
    expect(info?.running).toBe(true);
    expect(info?.sshReady).toBe(true);
    expect(info?.tap).toBe(`lvstap-${vm.name}`);
    console.log(`vm-boot: ${up.accel.kind} boot to sshd: ${info?.bootSeconds} s (base image ${up.base.key}, built in ${up.base.buildSeconds} s)`);
    expect(info?.bootSeconds).toBeGreaterThan(0);
  });

  it('is reachable with the lab key and strict host-key checking, as the right host', async () => {
    const r = await vmSsh(vm.address, 'hostname; uname -r; ip -4 -o addr show dev eth0');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const [hostname, kernel] = r.stdout.split('\n');
    expect(hostname).toBe(vm.name);
    expect(kernel).toMatch(/-amd64$/);
    expect(r.stdout).toContain(`inet ${vm.address}/24`);
  });

  it('has real IPVS: ip_vs loaded at boot, a wrr DR service with a weighted real server', async () => {
    const r = await vmSsh(vm.address, [
      'grep -q "^ip_vs " /proc/modules',
      'modprobe ip_vs',
      'ipvsadm -C',
      'ipvsadm -A -t 10.77.0.10:80 -s wrr',
      'ipvsadm -a -t 10.77.0.10:80 -r 10.77.0.16:80 -g -w 3',
      'ipvsadm -S -n',
    ].join(' && '));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      '-A -t 10.77.0.10:80 -s wrr',
      '-a -t 10.77.0.10:80 -r 10.77.0.16:80 -g -w 3',
    ]);
  });

  it('survives the netns lab rewriting labDir()/known_hosts; reapplyVmKnownHosts puts the key back', async () => {
    // `lab up` rewrites known_hosts with its own hosts' keys: simulate a foreign key for our address.
    const dir = mkdtempSync(join(tmpdir(), 'vm-kh-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')]);
    const foreign = readFileSync(join(dir, 'k.pub'), 'utf8');
    rmSync(dir, { recursive: true, force: true });
    await editKnownHosts(join(labDir(), 'known_hosts'), (t) => replaceKnownHost(t, vm.address, foreign));
    const r = await vmSsh(vm.address, 'true');
    expect(r.code, r.stderr).toBe(0);
    expect(await reapplyVmKnownHosts()).toContain(vm.address);
    const mine = readFileSync(join(labDir(), 'vm', vm.name, 'ssh_host_ed25519_key.pub'), 'utf8').split(' ')[1];
    expect(readFileSync(join(labDir(), 'known_hosts'), 'utf8')).toContain(`${vm.address} ssh-ed25519 ${mine}`);
  });

  it('has keepalived (Debian package) installed but not running', async () => {
    const r = await vmSsh(vm.address, 'keepalived --version 2>&1 | head -1; systemctl is-enabled keepalived || true');
    expect(r.stdout).toMatch(/^Keepalived v2\./);
    expect(r.stdout).toContain('disabled');
  });

  it('vmStatus reports it; vmDown powers it off and removes every lvstap- device', async () => {
    const st = (await vmStatus()).find((v) => v.name === vm.name);
    expect(st?.running).toBe(true);
    // A stray tap, as a crashed run would leave it, goes too.
    await exec('ip', ['tuntap', 'add', 'dev', 'lvstap-stray', 'mode', 'tap']);
    await vmDown({ log });
    expect(await readPid(st!.dir)).toBeNull();
    expect(await listLabTaps()).toEqual([]);
    expect(lines.some((l) => l === `${vm.name}: powered off`)).toBe(true);
  });
});

describe('VM lab: pure parts', () => {
  it('derives a stable MAC from the address and builds qemu args without a shell', async () => {
    const { macFor, qemuArgs, kernelAppend } = await import('../../src/lab/vm/qemu.js');
    expect(macFor('10.77.0.14')).toBe('52:54:00:4c:00:0e');
    expect(macFor('10.77.0.15/24')).toBe('52:54:00:4c:00:0f');
    expect(() => macFor('10.77.0')).toThrow(/IPv4/);
    const args = qemuArgs({
      name: 'lvs1', dir: '/x/lvs1', accel: { kind: 'tcg' }, memoryMb: 768, kernel: '/b/vmlinuz', initrd: '/b/initrd.img',
      disk: '/x/lvs1/disk.qcow2', seed: '/x/lvs1/seed.img', tap: 'lvstap-lvs1', mac: '52:54:00:4c:00:0e', machineId: 'ab'.repeat(16),
    });
    expect(args).toContain('-daemonize');
    expect(args[args.indexOf('-accel') + 1]).toBe('tcg');
    expect(args[args.indexOf('-smp') + 1]).toBe('1');
    expect(args).toContain('tap,id=n0,ifname=lvstap-lvs1,script=no,downscript=no');
    expect(kernelAppend({ name: 'lvs1', machineId: 'ab' })).toContain('root=/dev/vda rw console=ttyS0');
    expect(() => qemuArgs({
      name: 'x', dir: '/x,y', accel: { kind: 'tcg' }, memoryMb: 1, kernel: 'k', initrd: 'i', disk: 'd', seed: 's', tap: 't', mac: 'm', machineId: 'z',
    })).toThrow(/','/);
  });

  it('replaces only the known_hosts lines of one address', async () => {
    const { replaceKnownHost } = await import('../../src/lab/vm/known-hosts.js');
    const before = ['10.77.0.14 ssh-ed25519 OLD', '10.77.0.140 ssh-ed25519 KEEP1', '10.77.0.15,10.77.0.14 ecdsa-sha2-nistp256 OLD2', '[10.77.0.14]:22 ssh-ed25519 OLD3', '10.77.0.16 ssh-ed25519 KEEP2', ''].join('\n');
    expect(replaceKnownHost(before, '10.77.0.14', 'ssh-ed25519 NEW root@lvs1\n')).toBe(
      '10.77.0.140 ssh-ed25519 KEEP1\n10.77.0.16 ssh-ed25519 KEEP2\n10.77.0.14 ssh-ed25519 NEW\n',
    );
  });

  it('seeds hostname, networkd config, host key and authorized_keys with safe modes', async () => {
    const { seedFiles } = await import('../../src/lab/vm/seed.js');
    const files = seedFiles({
      hostname: 'lvs1', address: '10.77.0.14/24', gateway: '10.77.0.1', mac: '52:54:00:4c:00:0e',
      authorizedKeys: 'ssh-ed25519 AAA lab', hostKey: { private: 'PRIV', public: 'ssh-ed25519 BBB root@lvs1\n' },
    });
    const by = new Map(files.map((f) => [f.path, f]));
    expect(by.get('/etc/systemd/network/10-lvs-lab.network')?.content).toContain('Address=10.77.0.14/24\nGateway=10.77.0.1');
    expect(by.get('/etc/ssh/ssh_host_ed25519_key')?.mode).toBe(0o600);
    expect(by.get('/root/.ssh/authorized_keys')?.content).toBe('ssh-ed25519 AAA lab\n');
  });
});

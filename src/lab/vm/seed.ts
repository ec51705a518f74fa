import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execOk } from './exec.js';

/** What one VM gets on its seed disk (applied by lvs-seed.service before networkd and sshd). */
export interface SeedSpec {
  hostname: string;
  /** Address with prefix length, e.g. "10.77.0.14/24". */
  address: string;
  gateway: string;
  mac: string;
  /** OpenSSH public key line(s) for /root/.ssh/authorized_keys. */
  authorizedKeys: string;
  /** Private host key (OpenSSH format) and its public line, for /etc/ssh/ssh_host_ed25519_key{,.pub}. */
  hostKey: { private: string; public: string };
}

/** The files the seed writes into the VM, by absolute path in the guest (pure; unit-testable). */
export function seedFiles(s: SeedSpec): { path: string; content: string; mode: number }[] {
  const network = [
    '# lvs-play lab VM (seed disk)',
    '[Match]',
    `MACAddress=${s.mac}`,
    '',
    '[Network]',
    `Address=${s.address}`,
    `Gateway=${s.gateway}`,
    'LinkLocalAddressing=no',
    'IPv6AcceptRA=no',
    '',
  ].join('\n');
  return [
    { path: '/etc/hostname', content: `${s.hostname}\n`, mode: 0o644 },
    {
      path: '/etc/hosts',
      content: `127.0.0.1\tlocalhost\n127.0.1.1\t${s.hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n`,
      mode: 0o644,
    },
    { path: '/etc/systemd/network/10-lvs-lab.network', content: network, mode: 0o644 },
    { path: '/etc/ssh/ssh_host_ed25519_key', content: s.hostKey.private, mode: 0o600 },
    { path: '/etc/ssh/ssh_host_ed25519_key.pub', content: s.hostKey.public, mode: 0o644 },
    { path: '/root/.ssh/authorized_keys', content: s.authorizedKeys.endsWith('\n') ? s.authorizedKeys : `${s.authorizedKeys}\n`, mode: 0o600 },
  ];
}

/** Directories whose mode `cp -a` would otherwise change on the guest. */
const DIR_MODES: Record<string, number> = { '/root': 0o700, '/root/.ssh': 0o700 };

/**
 * Builds the seed disk: a folder `files/` mirroring / , turned into a small ext4 image by `mke2fs -d`
 * (no loop device, no mount). Returns the image path.
 */
export async function buildSeedImage(dir: string, s: SeedSpec): Promise<string> {
  const folder = join(dir, 'seed');
  const image = join(dir, 'seed.img');
  await rm(folder, { recursive: true, force: true });
  await rm(image, { force: true });
  for (const f of seedFiles(s)) {
    const target = join(folder, 'files', f.path);
    const parts = f.path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i += 1) {
      const guestDir = `/${parts.slice(0, i).join('/')}`;
      const hostDir = join(folder, 'files', guestDir);
      await mkdir(hostDir, { recursive: true });
      await chmod(hostDir, DIR_MODES[guestDir] ?? 0o755);
    }
    await writeFile(target, f.content, { mode: f.mode });
    await chmod(target, f.mode);
  }
  await chmod(join(folder, 'files'), 0o755);
  await execOk('mke2fs', ['-q', '-t', 'ext4', '-O', '^has_journal', '-L', 'lvsseed', '-d', folder, image, '8M']);
  return image;
}

/** A host key for a VM: kept in the VM's state dir so a fresh disk keeps the same known_hosts entry. */
export async function ensureHostKey(dir: string, comment: string): Promise<{ private: string; public: string }> {
  const path = join(dir, 'ssh_host_ed25519_key');
  try {
    return { private: await readFile(path, 'utf8'), public: await readFile(`${path}.pub`, 'utf8') };
  } catch {
    await rm(path, { force: true });
    await rm(`${path}.pub`, { force: true });
    await execOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
    return { private: await readFile(path, 'utf8'), public: await readFile(`${path}.pub`, 'utf8') };
  }
}

/** Configures a host's rootfs (idempotent, fast when nothing changed): sshd, keys, users, init. */
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execOk } from './exec.js';
import { paths } from './paths.js';
import { writeFileAtomic } from './state.js';
import type { LabHost } from './topology.js';

/** Non-root users in every host: `deploy` (passwordless sudo) and `deploy-pw` (sudo asks this). */
export const LAB_BECOME_USER = 'deploy';
/** The lab user whose sudo asks a password (LAB_SUDO_PASSWORD). */
export const LAB_BECOME_PW_USER = 'deploy-pw';
/** The sudo password of `deploy-pw` (a throwaway lab credential; sshd allows keys only). */
export const LAB_SUDO_PASSWORD = 'lvs-lab-sudo';

export const HOST_KEY_TYPES = ['ed25519', 'ecdsa'] as const;
export const INIT_PATH = '/etc/lvs-play/init.py';
export const SSHD_LOG = '/var/log/sshd.log';

const SSHD_CONF = `# Written by lvs-play lab.
${HOST_KEY_TYPES.map((t) => `HostKey /etc/ssh/ssh_host_${t}_key`).join('\n')}
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
PidFile /run/sshd.pid
`;

/** PID 1 of a host: starts sshd, reaps orphans, exits on SIGTERM (which ends the PID namespace). */
const INIT_PY = `# PID 1 of an lvs-play lab host (written by lvs-play lab).
import os, signal, sys, time
def stop(signum, frame):
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
signal.signal(signal.SIGHUP, signal.SIG_IGN)
os.makedirs('/run/sshd', mode=0o755, exist_ok=True)
os.makedirs('/run/lock', mode=0o1777, exist_ok=True)
if os.fork() == 0:
    os.execv('/usr/sbin/sshd', ['/usr/sbin/sshd', '-E', '${SSHD_LOG}'])
while True:
    try:
        os.waitpid(-1, 0)
    except ChildProcessError:
        time.sleep(1)
`;

async function writeIfChanged(path: string, content: string, mode: number): Promise<void> {
  const old = await readFile(path, 'utf8').catch(() => null);
  if (old !== content) await writeFileAtomic(path, content, mode);
  await chmod(path, mode);
}

/** The lab's client key pair (generated once). Returns the public key line. */
export async function ensureLabKey(): Promise<string> {
  const key = paths.key();
  if (!existsSync(key)) {
    await mkdir(join(key, '..'), { recursive: true, mode: 0o700 });
    await execOk(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'lvs-play-lab', '-f', key]);
  }
  return (await readFile(`${key}.pub`, 'utf8')).trim();
}

/** The host's own ssh host keys, kept beside its rootfs (generated at its first `lab up`). */
export async function ensureHostKeys(host: string): Promise<string[]> {
  const dir = paths.hostKeys(host);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pubs: string[] = [];
  for (const t of HOST_KEY_TYPES) {
    const f = join(dir, `ssh_host_${t}_key`);
    if (!existsSync(f)) await execOk(['ssh-keygen', '-q', '-t', t, '-N', '', '-C', `root@${host}`, '-f', f]);
    pubs.push((await readFile(`${f}.pub`, 'utf8')).trim());
  }
  return pubs;
}

export interface PasswdEntry {
  uid: number;
  gid: number;
  home: string;
}

async function passwdEntry(root: string, user: string): Promise<PasswdEntry | null> {
  const text = await readFile(join(root, 'etc/passwd'), 'utf8');
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === user) return { uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? `/home/${user}` };
  }
  return null;
}

export async function ensureUser(root: string, user: string, password: string | null): Promise<PasswdEntry> {
  let e = await passwdEntry(root, user);
  if (!e) {
    await execOk(['chroot', root, 'useradd', '-m', '-U', '-s', '/bin/bash', user]);
    // "*": no password login, but not a locked account (sshd refuses keys for locked ones).
    await execOk(['chroot', root, 'usermod', '-p', '*', user]);
    if (password !== null) await execOk(['chroot', root, 'chpasswd'], { stdin: `${user}:${password}\n` });
    e = await passwdEntry(root, user);
    if (!e) throw new Error(`lab: useradd ${user} left no passwd entry`);
  }
  return e;
}

async function authorize(root: string, e: PasswdEntry, pub: string): Promise<void> {
  const dir = join(root, e.home, '.ssh');
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o700);
  await chown(dir, e.uid, e.gid);
  const f = join(dir, 'authorized_keys');
  await writeIfChanged(f, `${pub}\n`, 0o600);
  await chown(f, e.uid, e.gid);
}

export async function configureHost(host: LabHost, all: readonly LabHost[], root: string, labPub: string): Promise<void> {
  await ensureHostKeys(host.name);
  for (const t of HOST_KEY_TYPES) {
    const src = join(paths.hostKeys(host.name), `ssh_host_${t}_key`);
    const dst = join(root, 'etc/ssh', `ssh_host_${t}_key`);
    await writeIfChanged(dst, await readFile(src, 'utf8'), 0o600);
    await writeIfChanged(`${dst}.pub`, await readFile(`${src}.pub`, 'utf8'), 0o644);
  }
  await writeIfChanged(join(root, 'etc/ssh/sshd_config.d/lvs-play.conf'), SSHD_CONF, 0o644);
  await writeIfChanged(join(root, INIT_PATH.slice(1)), INIT_PY, 0o755);
  await writeIfChanged(join(root, 'etc/hostname'), `${host.name}\n`, 0o644);
  const hosts = ['127.0.0.1\tlocalhost', `127.0.1.1\t${host.name}`, '::1\tlocalhost ip6-localhost ip6-loopback',
    ...all.map((h) => `${h.address}\t${h.name}`)].join('\n');
  await writeIfChanged(join(root, 'etc/hosts'), `${hosts}\n`, 0o644);

  await authorize(root, { uid: 0, gid: 0, home: '/root' }, labPub);
  await authorize(root, await ensureUser(root, LAB_BECOME_USER, null), labPub);
  await authorize(root, await ensureUser(root, LAB_BECOME_PW_USER, LAB_SUDO_PASSWORD), labPub);
  await writeIfChanged(
    join(root, 'etc/sudoers.d/lvs-play'),
    `# Written by lvs-play lab.\n${LAB_BECOME_USER} ALL=(ALL:ALL) NOPASSWD: ALL\n${LAB_BECOME_PW_USER} ALL=(ALL:ALL) ALL\n`,
    0o440,
  );
  await mkdir(join(root, 'var/log'), { recursive: true });
}

/**
 * Root filesystems: one Debian minbase built once with debootstrap and cached, then a copy per
 * host (usr/ hard-linked — dpkg and install(1) replace files by rename — everything else copied,
 * so in-place writes in etc/, var/, root/ never leak between hosts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BASE_PACKAGES, SUITE, baseRootfsDir, paths } from './paths.js';
import { exec, execOk, type Progress } from './exec.js';

export const MARKER = '.lvs-play-base';
export const HOST_MARKER = '.lvs-play-host';
const SOURCES = '/etc/apt/sources.list.d/debian.sources';

/** The first `URIs:` of the machine's debian.sources (the mirror apt already uses). */
export async function debianMirror(): Promise<string> {
  try {
    const text = await readFile(SOURCES, 'utf8');
    const m = /^URIs:\s*(\S+)/m.exec(text);
    if (m?.[1]) return m[1];
  } catch {
    /* fall through */
  }
  return 'http://deb.debian.org/debian';
}

/** Builds the base rootfs unless it is cached. Returns its path. */
export async function ensureBaseRootfs(progress: Progress): Promise<string> {
  const base = baseRootfsDir();
  if (existsSync(join(base, MARKER))) return base;
  const mirror = await debianMirror();
  const tmp = `${base}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(dirname(base), { recursive: true });
  progress(`building the base rootfs (debootstrap ${SUITE} minbase from ${mirror}; a few minutes, once) → ${base}`);
  const t0 = Date.now();
  await execOk(
    ['debootstrap', '--variant=minbase', `--include=${BASE_PACKAGES.join(',')}`, SUITE, tmp, mirror],
    { timeoutMs: 30 * 60_000 },
  );
  // Host keys made by openssh-server's postinst would be shared by every host: drop them.
  for (const f of await readdir(join(tmp, 'etc/ssh'))) {
    if (f.startsWith('ssh_host_')) await rm(join(tmp, 'etc/ssh', f));
  }
  await exec(['chroot', tmp, 'apt-get', 'clean']);
  await writeFile(join(tmp, MARKER), JSON.stringify({ suite: SUITE, packages: BASE_PACKAGES, mirror, builtAt: new Date().toISOString() }) + '\n');
  await rm(base, { recursive: true, force: true });
  await rename(tmp, base);
  progress(`base rootfs built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return base;
}

/**
 * Makes (or keeps) the host's own copy of the base. With `fresh` an existing copy is dropped.
 * The host must not be running.
 */
export async function ensureHostRootfs(host: string, base: string, fresh: boolean, progress: Progress): Promise<string> {
  const root = paths.rootfs(host);
  if (!fresh && hostRootfsCurrent(host, base)) return root;
  progress(`${host}: ${existsSync(root) ? 'recreating' : 'creating'} its rootfs from the base`);
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  for (const entry of await readdir(base)) {
    if (entry === MARKER) continue;
    const src = join(base, entry);
    if (entry === 'usr') {
      const r = await exec(['cp', '-al', src, join(root, entry)]);
      if (r.code === 0) continue;
      await rm(join(root, entry), { recursive: true, force: true }); // other filesystem: copy
    }
    await execOk(['cp', '-a', src, join(root, entry)]);
  }
  await writeFile(join(root, HOST_MARKER), `${basename(base)}\n`);
  return root;
}

/** Is the host's rootfs a complete copy of this base? */
export function hostRootfsCurrent(host: string, base: string): boolean {
  try {
    return readFileSync(join(paths.rootfs(host), HOST_MARKER), 'utf8').trim() === basename(base);
  } catch {
    return false;
  }
}

/** Copies what lets apt inside the host work like the machine's own: sources, lists, resolver. */
export async function syncAptAndResolver(root: string): Promise<void> {
  await rm(join(root, 'etc/apt/sources.list'), { force: true });
  if (existsSync(SOURCES)) await execOk(['cp', '-f', SOURCES, join(root, 'etc/apt/sources.list.d/debian.sources')]);
  const lists = join(root, 'var/lib/apt/lists');
  await mkdir(join(lists, 'partial'), { recursive: true });
  if (existsSync('/var/lib/apt/lists')) {
    // -u: only newer files, so a second `lab up` copies nothing.
    await execOk(['sh', '-c', 'cp -u -p /var/lib/apt/lists/*_* "$1"/ 2>/dev/null || true', 'sh', lists]);
  }
  await rm(join(root, 'etc/resolv.conf'), { force: true });
  await execOk(['cp', '-L', '/etc/resolv.conf', join(root, 'etc/resolv.conf')]);
}

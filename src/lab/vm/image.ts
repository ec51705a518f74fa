import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { topologyPath } from '../topology.js';
import { execOk } from './exec.js';
import { vmCacheDir } from './paths.js';

/** Debian packages of the base image (on top of debootstrap's minbase). */
export const BASE_PACKAGES: readonly string[] = [
  'linux-image-amd64', 'initramfs-tools', 'systemd-sysv', 'udev', 'dbus', 'openssh-server',
  'iproute2', 'ipvsadm', 'kmod', 'procps', 'iptables', 'keepalived', 'iputils-ping',
];

/** Extra packages to build keepalived from source inside the VM (`buildDeps: true`; ~250 MB more). */
export const BUILD_DEP_PACKAGES: readonly string[] = [
  'build-essential', 'pkg-config', 'libssl-dev', 'libnl-3-dev', 'libnl-genl-3-dev', 'curl', 'ca-certificates',
];

/** Units turned off in the image: nothing periodic, no VGA console, keepalived off until a role enables it. */
const DISABLED_UNITS = ['keepalived.service'];
const MASKED_UNITS = [
  'apt-daily.timer', 'apt-daily-upgrade.timer', 'e2scrub_all.timer', 'e2scrub_reap.service', 'fstrim.timer',
  'systemd-firstboot.service', 'getty@tty1.service',
  // Each unit costs ~1–2 s of the single TCG vCPU at boot; these mounts are unused in the lab.
  'dev-hugepages.mount', 'sys-kernel-debug.mount', 'sys-kernel-tracing.mount', 'sys-fs-fuse-connections.mount',
];
const ENABLED_UNITS = ['lvs-seed.service', 'systemd-networkd.service'];

/** Bump when the recipe below changes in a way the cache key cannot see. */
const RECIPE_VERSION = 1;

export interface BaseImageOptions {
  /** Debian suite (default bookworm). */
  suite?: string;
  mirror?: string;
  /** Add BUILD_DEP_PACKAGES (compilers, openssl/libnl headers). */
  buildDeps?: boolean;
  /** Size of the root filesystem (default 2G, 3G with build deps). */
  size?: string;
  /** Rebuild even if a cached image with the same key exists. */
  rebuild?: boolean;
  /** Keep the debootstrap tree next to the image (~900 MB) instead of deleting it. */
  keepRoot?: boolean;
  log?: (line: string) => void;
}

export interface BaseImage {
  key: string;
  dir: string;
  /** Raw ext4 filesystem image (the root, /dev/vda): the read-only backing file of every VM's overlay. */
  image: string;
  kernel: string;
  initrd: string;
  kernelRelease: string;
  packages: readonly string[];
  /** Seconds the build took (from the manifest; 0 for images built before timing was recorded). */
  buildSeconds: number;
  builtAt: string;
}

/** lab/vm/overlay: files copied over the debootstrap tree (units, scripts, configs). */
export function overlayDir(): string {
  // the package's lab/ folder, beside src/ (sources) or beside dist/ (built)
  return join(dirname(topologyPath()), 'vm', 'overlay');
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out.sort();
}

/** The cache key: packages, suite, size, recipe version and the overlay's files (names, modes, contents). */
export async function baseImageKey(opts: BaseImageOptions = {}): Promise<string> {
  const h = createHash('sha256');
  h.update(JSON.stringify({ v: RECIPE_VERSION, suite: suiteOf(opts), size: sizeOf(opts), pkgs: packagesOf(opts), DISABLED_UNITS, MASKED_UNITS, ENABLED_UNITS }));
  const root = overlayDir();
  for (const f of await listFiles(root)) {
    const st = await stat(f);
    h.update(`\0${relative(root, f)}\0${st.mode & 0o7777}\0`);
    h.update(await readFile(f));
  }
  return h.digest('hex').slice(0, 12);
}

const suiteOf = (o: BaseImageOptions): string => o.suite ?? 'bookworm';
const sizeOf = (o: BaseImageOptions): string => o.size ?? (o.buildDeps ? '3G' : '2G');
const packagesOf = (o: BaseImageOptions): string[] => [...BASE_PACKAGES, ...(o.buildDeps ? BUILD_DEP_PACKAGES : [])];

async function readManifest(dir: string): Promise<BaseImage | null> {
  try {
    return JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as BaseImage;
  } catch {
    return null;
  }
}

/** Returns the cached base image, building it first if needed (debootstrap ~1.5–2 min, then ~10 s). */
export async function ensureBaseImage(opts: BaseImageOptions = {}): Promise<BaseImage> {
  const log = opts.log ?? (() => undefined);
  const cache = vmCacheDir();
  const key = await baseImageKey(opts);
  const dir = join(cache, `base-${key}`);
  if (!opts.rebuild) {
    const m = await readManifest(dir);
    if (m) return m;
  }
  const started = Date.now();
  const work = join(cache, `build-${key}-${process.pid}`);
  const root = join(work, 'root');
  await rm(work, { recursive: true, force: true });
  await mkdir(join(cache, 'debs'), { recursive: true });
  await mkdir(work, { recursive: true });
  try {
    log(`debootstrap ${suiteOf(opts)} → ${root}`);
    await execOk('debootstrap', [
      '--variant=minbase', `--cache-dir=${join(cache, 'debs')}`, `--include=${packagesOf(opts).join(',')}`,
      suiteOf(opts), root, opts.mirror ?? 'http://deb.debian.org/debian',
    ], { timeoutMs: 20 * 60_000 });
    log('customizing the tree');
    await customize(root);
    const kernelRelease = await findKernelRelease(root);
    log(`update-initramfs for ${kernelRelease}`);
    await execOk('chroot', [root, 'update-initramfs', '-u', '-k', kernelRelease], { timeoutMs: 10 * 60_000 });
    await cp(join(root, 'boot', `vmlinuz-${kernelRelease}`), join(work, 'vmlinuz'));
    await cp(join(root, 'boot', `initrd.img-${kernelRelease}`), join(work, 'initrd.img'));
    await rm(join(root, 'var/cache/apt/archives'), { recursive: true, force: true });
    await mkdir(join(root, 'var/cache/apt/archives/partial'), { recursive: true });
    log(`mke2fs ${sizeOf(opts)}`);
    await execOk('mke2fs', ['-q', '-t', 'ext4', '-L', 'lvsroot', '-d', root, join(work, 'base.img'), sizeOf(opts)], { timeoutMs: 10 * 60_000 });
    if (opts.keepRoot) await rename(root, join(work, 'root.kept'));
    else await rm(root, { recursive: true, force: true });
    const manifest: BaseImage = {
      key, dir, image: join(dir, 'base.img'), kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.img'),
      kernelRelease, packages: packagesOf(opts), buildSeconds: Math.round((Date.now() - started) / 1000),
      builtAt: new Date().toISOString(),
    };
    await writeFile(join(work, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(work, dir);
    log(`base image ${key} built in ${manifest.buildSeconds} s`);
    return manifest;
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw e;
  }
}

async function findKernelRelease(root: string): Promise<string> {
  const names = (await readdir(join(root, 'boot'))).filter((n) => n.startsWith('vmlinuz-')).sort();
  const last = names[names.length - 1];
  if (!last) throw new Error(`no kernel in ${root}/boot`);
  return last.slice('vmlinuz-'.length);
}

/** Overlay files, per-VM state removed (host keys, machine id), units enabled/masked, fstab. */
async function customize(root: string): Promise<void> {
  await cp(overlayDir(), root, { recursive: true });
  for (const f of await readdir(join(root, 'etc/ssh'))) {
    if (/^ssh_host_.*_key(\.pub)?$/.test(f)) await rm(join(root, 'etc/ssh', f));
  }
  // Empty machine-id: each VM gets its own from the kernel command line (systemd.machine_id=).
  await writeFile(join(root, 'etc/machine-id'), '');
  await rm(join(root, 'var/lib/dbus/machine-id'), { force: true });
  await writeFile(join(root, 'etc/hostname'), 'lvs-vm\n');
  await writeFile(join(root, 'etc/hosts'), '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n');
  // No root line: root (/dev/vda, rw) comes from the kernel command line, and an fstab entry would make
  // local-fs.target wait for udev to announce dev-vda.device (~15 s under TCG).
  await writeFile(join(root, 'etc/fstab'), '# lvs-play lab VM: root is /dev/vda, mounted rw by the initramfs (kernel command line)\n');
  await mkdir(join(root, 'root/.ssh'), { recursive: true, mode: 0o700 });
  await execOk('systemctl', [`--root=${root}`, 'enable', ...ENABLED_UNITS]);
  await execOk('systemctl', [`--root=${root}`, 'disable', ...DISABLED_UNITS]);
  await execOk('systemctl', [`--root=${root}`, 'mask', ...MASKED_UNITS]);
}

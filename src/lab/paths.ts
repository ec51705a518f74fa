/** Where the lab keeps its state and caches, and the one list of packages in every host. */
import { join } from 'node:path';
import { createHash } from 'node:crypto';

/** State of the running lab (host rootfs copies, keys, known_hosts, inventory, state file). */
export function labDir(): string {
  return process.env.LVS_PLAY_LAB_DIR || '/var/lib/lvs-play/lab';
}

/** Cache that survives fresh clones on the same machine (the base rootfs). */
export function cacheDir(): string {
  return process.env.LVS_PLAY_CACHE_DIR || '/var/cache/lvs-play';
}

export const SUITE = 'bookworm';

/**
 * Packages of the base rootfs (debootstrap --variant=minbase --include=…). The build deps let
 * keepalived be built from source inside a host with no network.
 */
export const BASE_PACKAGES: readonly string[] = [
  'openssh-server', 'iproute2', 'iptables', 'nftables', 'procps', 'psmisc', 'kmod', 'sudo',
  'python3', 'curl', 'ca-certificates',
  'build-essential', 'pkg-config', 'libssl-dev', 'libnl-3-dev', 'libnl-genl-3-dev',
  'ipvsadm',
];

/** The cached base rootfs; its name changes when the package list does. */
export function baseRootfsDir(): string {
  const h = createHash('sha256').update(`${SUITE}\n${BASE_PACKAGES.join(',')}`).digest('hex').slice(0, 10);
  return join(cacheDir(), 'rootfs', `${SUITE}-minbase-${h}`);
}

/** The lab's files on the control node (state, keys …); exported as `labPaths`. */
export const paths = {
  state: () => join(labDir(), 'state.json'),
  key: () => join(labDir(), 'id_ed25519'),
  knownHosts: () => join(labDir(), 'known_hosts'),
  inventoryYml: () => join(labDir(), 'inventory.yml'),
  hostDir: (host: string) => join(labDir(), 'hosts', host),
  rootfs: (host: string) => join(labDir(), 'hosts', host, 'root'),
  hostKeys: (host: string) => join(labDir(), 'hosts', host, 'hostkeys'),
  log: (host: string) => join(labDir(), 'hosts', host, 'init.log'),
};

/** Name prefix of everything the lab creates in the kernel (netns, veth host ends). */
export const PREFIX = 'lvs-';
export const NAT_COMMENT = 'lvs-play-lab';

export function netnsName(host: string): string {
  return `${PREFIX}${host}`;
}

/** Host end of a host's veth; interface names are at most 15 bytes. */
export function vethName(host: string): string {
  const n = `${PREFIX}${host}`;
  if (n.length <= 15) return n;
  return `${PREFIX}${createHash('sha256').update(host).digest('hex').slice(0, 10)}`;
}

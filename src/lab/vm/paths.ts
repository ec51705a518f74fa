import { join } from 'node:path';

/**
 * The lab's state directory: $LVS_PLAY_LAB_DIR or /var/lib/lvs-play/lab.
 * Same rule as the netns lab's labDir(); kept here so the VM lab has no import cycle with it.
 */
export function labDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LVS_PLAY_LAB_DIR || '/var/lib/lvs-play/lab';
}

/**
 * Cache of base images, the debootstrap package cache and the KVM probe result:
 * $LVS_PLAY_VM_CACHE, else ($LVS_PLAY_CACHE_DIR or /var/cache/lvs-play)/vm.
 */
export function vmCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LVS_PLAY_VM_CACHE || join(env.LVS_PLAY_CACHE_DIR || '/var/cache/lvs-play', 'vm');
}

/** Per-VM runtime state: labDir()/vm/NAME (disk overlay, seed, pidfile, QMP socket, serial log). */
export function vmStateDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(labDir(env), 'vm', name);
}

export function labKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(labDir(env), 'id_ed25519');
}

export function knownHostsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(labDir(env), 'known_hosts');
}

/**
 * labDir()/vm/known_hosts: the VMs' lines only, owned by the VM lab (the netns lab rewrites
 * labDir()/known_hosts whole on `lab up`, dropping them; sshArgs reads both files).
 */
export function vmKnownHostsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(labDir(env), 'vm', 'known_hosts');
}

/** Name of the netns lab's namespace for a host (src/lab/paths.ts netnsName). */
export const NETNS_PREFIX = 'lvs-';

/** Tap devices of lab VMs are named TAP_PREFIX + VM name (at most 15 characters in all). */
export const TAP_PREFIX = 'lvstap-';

import { LvsError } from '../errors.js';

/** The lab changes the kernel's network and mounts: it needs root. */
export function requireRoot(what: string): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new LvsError('E_USAGE', `${what} needs root (it creates network namespaces, a bridge, NAT rules and mounts)`, {
      fix: 'run it as root, e.g. `sudo npx lvs-play lab up`',
    });
  }
}

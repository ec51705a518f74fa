import { ownPackage } from '../package-root.js';

/** This lvs-play's version (its package.json, above the sources or the build). */
export function lvsPlayVersion(): string {
  return ownPackage()?.json.version ?? 'unknown';
}

/**
 * Packages whose names differ per OS family (iproute2 vs iproute, iptables-persistent vs
 * iptables-services): the core `pkg` resource reading every candidate name in its one fact, with
 * a plan that picks the host family's names.
 */
import { pkg, planPkg, type PkgChange, type PkgState } from '../resources/pkg.js';
import type { Resource } from '../types.js';

/** Package names per OS family: Debian's and RHEL's. */
export interface FamilyNames {
  debian: readonly string[];
  rhel: readonly string[];
}

/** The names for the host's family (unknown family: the Debian names, then apt/dnf decides). */
export function namesFor(names: FamilyNames, cur: PkgState): readonly string[] {
  if (cur.os.family === 'rhel' || (cur.os.family === 'unknown' && cur.os.pkgManager !== null && cur.os.pkgManager !== 'apt')) return names.rhel;
  return names.debian;
}

/** Packages installed under their family's names, the family read in the same round trip. */
export function familyPackages(id: string, names: FamilyNames): Resource<PkgState, PkgChange, 'posix'> {
  const all = [...new Set([...names.debian, ...names.rhel])];
  const base = pkg({ names: all });
  return {
    ...base,
    id,
    plan: (cur) => planPkg(namesFor(names, cur), 'present', cur),
    desired: () => ({ settings: [`packages installed: ${names.debian.join(' ')} (Debian); ${names.rhel.join(' ')} (RHEL)`] }),
  };
}

/**
 * Before keepalived is told to use an IPVS scheduler, the director is checked for its kernel
 * module (`ip_vs_lblcr` …: loaded, built in or loadable; the kit's schedulerCheck): a missing one
 * fails that director, naming the module, before its config changes. keepalived run with VRRP only
 * (`--vrrp`/`-P`: the netns lab, whose kernel has no IPVS) programs no IPVS: nothing to check.
 */
import { role, type RoleInstance } from 'lvs-play';
import { schedulerCheck } from 'lvs-play/kit';
import type { KeepalivedConfig } from './model.js';

/** Whether keepalived with these arguments runs its checker (and so programs IPVS). */
export function programsIpvs(args: readonly string[]): boolean {
  return !args.some((a) => a === '--vrrp' || /^-[A-Za-z]*P[A-Za-z]*$/.test(a));
}

/** The checks of every scheduler a director's config uses, as a role; null when there is none to check. */
export function schedulerChecks(cfg: KeepalivedConfig, args: readonly string[]): RoleInstance | null {
  if (!programsIpvs(args)) return null;
  const names = [...new Set(cfg.virtualServers.map((v) => v.lbAlgo))];
  return names.length ? role('keepalived-schedulers', names.map(schedulerCheck)) : null;
}

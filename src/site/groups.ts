/**
 * Which inventory groups play which part of the site: the directors, the Linux and the Windows
 * real servers. Each is a setting (`directors_group`, `linux_realservers_group`,
 * `windows_realservers_group`) with a default, read from the inventory's `all` vars and -e (a
 * play's host pattern is matched before any host's vars are read) or, as a host sees it, through
 * `host.var`.
 */
import { z } from 'zod';
import { LvsError } from '../errors.js';
import type { HostView, Vars } from '../types.js';

/** A group name: a letter or '_' first, then letters, digits, '_' or '-'. */
export const groupName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, "a group name: a letter or '_' first, then letters, digits, '_' or '-'");

/** The three parts, each with its setting and default group. */
export const SITE_GROUPS = {
  directors: { name: 'directors_group', fallback: 'directors' },
  linux: { name: 'linux_realservers_group', fallback: 'linux_realservers' },
  windows: { name: 'windows_realservers_group', fallback: 'windows' },
} as const;
/** A role a host plays in the site: directors, Linux or Windows real servers. */
export type SiteRole = keyof typeof SITE_GROUPS;

/** The group name of each part. */
export type SiteGroups = Record<SiteRole, string>;

/** The group of one part from inventory-level vars (the `all` vars with -e over them). */
export function groupIn(vars: Vars, role: SiteRole, source?: string): string {
  const s = SITE_GROUPS[role];
  const r = groupName.safeParse(vars[s.name] ?? s.fallback);
  if (!r.success) {
    throw new LvsError('E_VALIDATION', `${s.name} is not a group name`, {
      ...(source ? { file: source } : {}),
      field: `vars.${s.name}`,
      value: vars[s.name],
      fix: `${r.error.issues[0]?.message}; set it in the inventory's all vars or with -e ${s.name}=NAME`,
    });
  }
  return r.data;
}

/** Every part's group from inventory-level vars. */
export const siteGroupsIn = (vars: Vars, source?: string): SiteGroups => ({
  directors: groupIn(vars, 'directors', source),
  linux: groupIn(vars, 'linux', source),
  windows: groupIn(vars, 'windows', source),
});

/**
 * A play's pattern: the group named by the setting. A group that does not exist is an empty set,
 * with a warning suggesting near names.
 */
export const groupPattern =
  (role: SiteRole) =>
  (vars: Vars): string =>
    groupIn(vars, role);

/** The same setting, as a host sees it (host.var: its errors name the host and the variable). */
export const groupOf = (host: HostView, role: SiteRole): string => host.var(SITE_GROUPS[role].name, groupName, SITE_GROUPS[role].fallback);

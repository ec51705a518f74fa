/**
 * `lvs-play init --from-ansible`: which groups of an Ansible inventory play which part of the site.
 * For each part, the first that applies: the flag (`--directors-group` …), the inventory's own
 * setting (`directors_group` … in its `all` vars, read by the site model), the default name when
 * the inventory has that group, a guess from the group names and connections, the default.
 */
import { SITE_GROUPS, siteGroupsIn, type SiteGroups, type SiteRole } from '../site/index.js';
import type { InventorySpec } from '../types.js';

const WINDOWS_CONNECTIONS = ['winrm', 'psrp-ssh'];

/** Groups whose own hosts are not the directors' or the Windows group's: real-server candidates. */
function linuxCandidates(spec: InventorySpec, taken: readonly string[]): string[] {
  const takenHosts = new Set(taken.flatMap((g) => Object.keys(spec.groups?.[g]?.hosts ?? {})));
  return Object.entries(spec.groups ?? {})
    .filter(([g, gs]) => !taken.includes(g) && !WINDOWS_CONNECTIONS.includes(String(gs.connection?.type ?? '')))
    .filter(([, gs]) => {
      const hosts = Object.keys(gs.hosts ?? {});
      return hosts.length > 0 && hosts.every((h) => !takenHosts.has(h));
    })
    .map(([g]) => g);
}

function guess(spec: InventorySpec, role: SiteRole, picked: Partial<SiteGroups>): string | undefined {
  const names = Object.keys(spec.groups ?? {});
  const find = (re: RegExp) => names.find((g) => re.test(g));
  if (role === 'directors') return find(/director|lvs|^lb|balanc/i);
  if (role === 'windows') return names.find((g) => WINDOWS_CONNECTIONS.includes(String(spec.groups?.[g]?.connection?.type ?? ''))) ?? find(/win/i);
  const byName = find(/linux/i);
  if (byName) return byName;
  // the one group left with hosts of its own (e.g. `web` beside `lb` and `winweb`)
  const left = linuxCandidates(spec, [picked.directors, picked.windows].filter((g): g is string => !!g));
  return left.length === 1 ? left[0] : left.find((g) => /real|web|backend|^rs|app|server/i.test(g));
}

/** The site's groups in an Ansible inventory's spec; `given`: the groups named by flags. */
export function siteGroupsFor(spec: InventorySpec, given: Partial<SiteGroups>, source?: string): SiteGroups {
  const vars = spec.vars ?? {};
  const own = siteGroupsIn(vars, source);
  const has = (g: string) => g in (spec.groups ?? {});
  const picked: Partial<SiteGroups> = {};
  // Linux last: its guess is what the other two leave
  for (const role of ['directors', 'windows', 'linux'] as const) {
    const setting = vars[SITE_GROUPS[role].name] !== undefined;
    picked[role] = given[role] ?? (setting || has(own[role]) ? own[role] : (guess(spec, role, picked) ?? own[role]));
  }
  return picked as SiteGroups;
}

/**
 * The site model (docs/site.md): which hosts are the directors and the real servers, the VIPs,
 * ports and weights, and where drained real servers are recorded. Re-exported by 'lvs-play'.
 */
export { SITE_GROUPS, groupName, groupIn, siteGroupsIn, groupPattern, groupOf, type SiteRole, type SiteGroups } from './groups.js';
export { configuredVips, vipsOf, portsOf, weightOf, realServerGroupsOf, realServersOf, memberOf, directorsOf, KEEPALIVED_CONF, keepalivedConfOf, type SiteMember } from './members.js';
export { vipGroupsOf, syncGroupsOf, type VipGroupVar } from './vip-groups.js';
export { siteOf, requireDirectors, realServerNamed, type Site } from './model.js';
export { DRAINED_DIR, drainedPath, drainedListCommand, parseDrainedList } from './drained.js';

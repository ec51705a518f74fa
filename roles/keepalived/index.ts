/**
 * The keepalived role, in parts a directors play composes:
 *   keepalived.build({ version, tarball | url, sha256 })   one resource, skipped when installed
 *   keepalived.config({ config })                          keepalived.conf, checked by `keepalived -t`
 *   keepalived.service({ … })                              init-service with keepalived's defaults
 *   keepalived.health({ … })                               waits for a known VRRP state
 * plus `directorConfigs` (site → per-director configs), `validateDirectorPair` and `backupFirst`
 * (the play order for serial rollouts). See README.md.
 */
import { backupFirst } from './health.js';
import { build, config, health, keepalivedPaths, service } from './parts.js';
import { directorConfig, directorConfigs, directorVarsOf } from './site.js';
import { directorsPlays } from './plays.js';
import { validateDirectorPair, validateKeepalived } from './validate.js';

export { backupFirst, keepalivedHealth, healthProblem, parseDataDump, type HealthOptions, type HealthState, type HealthProblem, type VrrpState } from './health.js';
export { directorConfig, directorConfigs, directorVarsOf, directorVarsSchema, siteAddressErrors, type DirectorSite, type DirectorVars, type DirectorWithAddress, type SiteService, type SiteRealServer, type SiteNotify, type SiteWhere } from './site.js';
export { vrrpExtras, type SiteVrrpOptions, type SiteTrackScript, type SiteLvsSync } from './site-vrrp.js';
export { lvsSyncLine, SYNC_GROUP, SYNC_PORT } from './sync.js';
export { versionOf as vrrpVersionOf } from './vrrp-version.js';
export { vipGroupInstances, rankIn, groupMaster, serverGroupName, type SiteVipGroup } from './vip-groups.js';
export { keepalivedBuildResource, planBuild, parseKeepalivedVersion, BUILD_DEPS, type BuildSpec, type BuildState, type BuildChange } from './build.js';
export { keepalivedConfigResources, authSecrets, RELOAD_HANDLER, HEALTH_HANDLER, DEFAULT_CONFIG_PATH } from './config.js';
export { directorsPlays, expectedStates, type DirectorsPlaysOptions, type PerHost } from './plays.js';
export { schedulerChecks, programsIpvs } from './schedulers.js';
export { renderKeepalivedConf, redactKeepalivedConf } from './render.js';
export { validateKeepalived, validateDirectorPair } from './validate.js';
export { LB_ALGOS, type KeepalivedConfig, type VrrpInstance, type VrrpScript, type VrrpAuthentication, type TrackScriptRef, type TrackInterfaceRef, type LvsSyncDaemon, type VrrpSyncGroup, type VirtualServerGroup, type VirtualServer, type KaRealServer, type HealthCheck, type TcpCheck, type HttpGetCheck, type HttpUrl, type MiscCheck, type GlobalDefs, type LbAlgo, type LbKind, type ScriptCommand, type Where as KeepalivedWhere } from './model.js';

export { build as keepalivedBuild, service as keepalivedService, buildOptions, configOptions, healthOptions, keepalivedPaths, type KeepalivedBuildInput, type KeepalivedInstall, type KeepalivedServiceInput } from './parts.js';

/** The keepalived role's parts: build, config, service, health, the director plays and the validators. */
export const keepalived = {
  build,
  config,
  service,
  health,
  paths: keepalivedPaths,
  directorConfig,
  directorConfigs,
  directorVarsOf,
  directorsPlays,
  validate: validateKeepalived,
  validateDirectorPair,
  backupFirst,
} as const;

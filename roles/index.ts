/**
 * lvs-play/roles: the roles of an LVS direct-routing cluster.
 * `import { directorBase, firewall, ipvsadm, linuxRealServer } from 'lvs-play/roles'`.
 * (Keep this file additive: one block of exports per role.)
 */

// director-base
export { directorBase, directorPackages, directorSysctls, type DirectorBaseInput, type DirectorBaseOptions } from './director-base/index.js';

// ipvsadm
export {
  ipvsadm,
  ipvsadmSchema,
  MAX_PERSISTENCE,
  validateServices,
  parseIpvsadmSave,
  serviceArgs,
  realServerKey,
  type Forwarding,
  type IpvsadmInput,
  type IpvsadmOptions,
  type VirtualService,
  type RealServer,
  type Scheduler,
} from './ipvsadm/index.js';

// firewall
export { firewall, firewallRules, type FirewallInput, type FirewallOptions } from './firewall/index.js';

// linux-realserver
export { linuxRealServer, REALSERVER_ARP_SYSCTLS, type LinuxRealServerInput, type LinuxRealServerOptions } from './linux-realserver/index.js';

// keepalived
export {
  keepalived,
  keepalivedPaths,
  keepalivedHealth,
  backupFirst,
  directorConfig,
  directorConfigs,
  directorVarsOf,
  directorsPlays,
  validateKeepalived,
  validateDirectorPair,
  renderKeepalivedConf,
  redactKeepalivedConf,
  type KeepalivedBuildInput,
  type KeepalivedInstall,
  type KeepalivedServiceInput,
  type KeepalivedConfig,
  type DirectorSite,
  type DirectorVars,
  type SiteService,
  type SiteRealServer,
  type DirectorsPlaysOptions,
  type HealthOptions as KeepalivedHealthOptions,
} from './keepalived/index.js';

// init-service
export { initService, initServiceOptions, type InitServiceInput, type InitServiceOptions } from './init-service/index.js';

// windows-realserver
export {
  windowsRealServer,
  windowsRealServerSchema,
  type WindowsRealServerInput,
  type WindowsRealServerOptions,
} from './windows-realserver/index.js';

// drain (real-server maintenance)
export { drain, drainWait, undrain, realServerMaintenance, onHost, type MaintenanceOptions } from './drain/index.js';

/**
 * lvs-play/roles: the roles of an LVS direct-routing cluster.
 * `import { directorBase, firewall, ipvsadm, linuxRealServer } from 'lvs-play/roles'`.
 * (Keep this file additive: one block of exports per role.)
 */

// director-base
export { directorBase, directorBaseSchema, directorPackages, directorSysctls, type DirectorBaseInput, type DirectorBaseOptions } from './director-base/index.js';

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
  SCHED_FLAGS,
  type TunnelType,
  type TunnelCsum,
  type Protocol,
  type SchedFlag,
  type Where as IpvsadmWhere,
} from './ipvsadm/index.js';

// firewall
export { firewall, firewallRules, firewallSchema, type FirewallInput, type FirewallOptions, type FwRule } from './firewall/index.js';

// linux-realserver
export { linuxRealServer, linuxRealServerSchema, REALSERVER_ARP_SYSCTLS, type LinuxRealServerInput, type LinuxRealServerOptions } from './linux-realserver/index.js';

// keepalived
export {
  keepalived,
  keepalivedPaths,
  keepalivedHealth,
  backupFirst,
  keepalivedBuild,
  keepalivedService,
  buildOptions as keepalivedBuildOptions,
  directorConfig,
  directorConfigs,
  directorVarsOf,
  directorVarsSchema,
  directorsPlays,
  validateKeepalived,
  validateDirectorPair,
  renderKeepalivedConf,
  redactKeepalivedConf,
  programsIpvs,
  type KeepalivedBuildInput,
  type KeepalivedInstall,
  type KeepalivedServiceInput,
  type KeepalivedConfig,
  type DirectorSite,
  type DirectorVars,
  type DirectorWithAddress,
  type SiteService,
  type SiteRealServer,
  type SiteNotify,
  type SiteWhere,
  type DirectorsPlaysOptions,
  type PerHost,
  type HealthOptions as KeepalivedHealthOptions,
  type HealthState as KeepalivedHealthState,
  type HealthProblem as KeepalivedHealthProblem,
  type HealthCheck,
  type GlobalDefs,
  type VrrpScript,
  type VrrpInstance,
  type VirtualServer,
  type KaRealServer,
  type LbAlgo,
  type LbKind,
  type KeepalivedWhere,
  type VrrpState,
  type VrrpAuthentication,
  type TrackScriptRef,
  type TcpCheck,
  type HttpGetCheck,
  type HttpUrl,
  type MiscCheck,
  type ScriptCommand,
  type SiteVipGroup,
  type VrrpSyncGroup,
  type VirtualServerGroup,
} from './keepalived/index.js';

// keepalived: VRRP version, the director's own health (track_interface / track_script), IPVS connection sync
export { SYNC_GROUP, SYNC_PORT, vrrpVersionOf, type SiteVrrpOptions, type SiteTrackScript, type SiteLvsSync, type TrackInterfaceRef, type LvsSyncDaemon } from './keepalived/index.js';

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

// the types of lvs-play and lvs-play/kit that the roles' signatures name (the same types)
export type {
  AnyResource,
  Connection,
  DesiredFile,
  DesiredState,
  Diff,
  Fact,
  FileRead,
  HostOrder,
  HostView,
  KernelRead,
  LocalConnection,
  Play,
  PlayOptions,
  PowerShellTransport,
  PosixTransport,
  PsrpSshConnection,
  PsScript,
  PutOptions,
  Resource,
  ResourceMeta,
  RoleInstance,
  RoleMeta,
  ByteStream,
  RunOptions,
  RunResult,
  SecretRef,
  ShellCommand,
  ShellKind,
  SshConnection,
  Task,
  Transport,
  TransportBase,
  TransportFor,
  Vars,
  WinRmConnection,
  JsonValue,
} from 'lvs-play';
export { IPVS_SCHEDULERS } from 'lvs-play/kit';
export type { FamilyNames, IpFamily, SchedulerName } from 'lvs-play/kit';

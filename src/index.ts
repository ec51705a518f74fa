/**
 * lvs-play: the DSL, the core resources, inventories and secrets.
 * `import { playbook, play, file, service, inventory, secret, sh } from 'lvs-play'`.
 *
 * Roles are in 'lvs-play/roles'; what a role author builds resources with (schemas, fact helpers,
 * OS gating, the file-write path) is in 'lvs-play/kit'; the lab is 'lvs-play/lab'. Nothing here
 * loads the lab. The public surface is recorded in api/ (`npm run api`).
 */
// ── the types a playbook, role or inventory author writes (and those their signatures name); the
// engine's own (the --json report's rows, render's desired state) stay inside
export type {
  Playbook,
  Play,
  PlayOptions,
  HostOrder,
  Task,
  RoleInstance,
  Resource,
  AnyResource,
  ResourceMeta,
  Fact,
  FileRead,
  KernelRead,
  Diff,
  DesiredState,
  DesiredFile,
  HostView,
  Vars,
  JsonValue,
  Inventory,
  InventorySpec,
  GroupSpec,
  HostSpec,
  Connection,
  SshConnection,
  WinRmConnection,
  PsrpSshConnection,
  LocalConnection,
  SecretRef,
  Transport,
  TransportBase,
  TransportFor,
  PosixTransport,
  PowerShellTransport,
  ShellKind,
  ShellCommand,
  PsScript,
  RunResult,
  RunOptions,
  ByteStream,
  PutOptions,
} from './types.js';

// ── the DSL: resources, roles, plays, playbooks
export { defineResource } from './dsl/resource.js';
export { defineRole, role, type RoleFactory, type RoleDefinition, type RoleMeta } from './dsl/role.js';
export { play, playbook } from './dsl/play.js';

// ── the core resources (each: options type, state and change types as planned)
export type { Meta } from './resources/common.js';
export { command, type CommandOptions, type CommandGuards, type CommandChange } from './resources/command.js';
export { file, type FileOptions, type FileResource } from './resources/file.js';
export type { FileState, FileChange, FileAttrs } from './resources/filewrite.js';
export { template, type TemplateOptions } from './resources/template.js';
export { lineInFile, type LineInFileOptions, type LineInFileChange } from './resources/lineinfile.js';
export { directory, type DirectoryOptions, type DirectoryChange } from './resources/directory.js';
export { symlink, type SymlinkOptions, type SymlinkChange } from './resources/symlink.js';
export { sysctl, type SysctlOptions, type SysctlState, type SysctlChange } from './resources/sysctl.js';
export { pkg, packages, type PkgOptions, type PkgState, type PkgChange } from './resources/pkg.js';
export {
  service,
  serviceAction,
  type ServiceOptions,
  type ServiceResource,
  type ServiceState,
  type ServiceChange,
  type ServiceActionOptions,
  type ServiceActionState,
  type ServiceActionChange,
  type InitSystem,
} from './resources/service.js';
export { upload, type UploadOptions, type UploadChange } from './resources/upload.js';
export { unarchive, type UnarchiveOptions, type UnarchiveState, type UnarchiveChange } from './resources/unarchive.js';

// ── inventories and secrets
export { inventory } from './inventory/define.js';
export { secret, secretFromEnv } from './inventory/secret.js';
export { loadInventory, type LoadOptions, type InventoryFallback } from './inventory/load.js';
export { resolveInventory, type ResolveOptions } from './inventory/resolve.js';
export { selectHosts, type PatternOptions } from './inventory/pattern.js';
export { parseExtraVars } from './inventory/extra-vars.js';
export { Vault, type VaultPassword } from './vault/vault.js';
export { Redactor } from './mask.js';
export type { Warn } from './warnings.js';

// ── the site model (docs/site.md): directors, real servers, VIPs, ports, weights, drained records
export {
  SITE_GROUPS,
  siteGroupsIn,
  groupPattern,
  groupOf,
  vipsOf,
  portsOf,
  weightOf,
  realServersOf,
  directorsOf,
  keepalivedConfOf,
  vipGroupsOf,
  syncGroupsOf,
  type VipGroupVar,
  siteOf,
  DRAINED_DIR,
  drainedPath,
  drainedListCommand,
  parseDrainedList,
  type SiteRole,
  type SiteGroups,
  type SiteMember,
  type Site,
} from './site/index.js';

// ── shell and PowerShell text (values quoted or passed as data), errors
export { sh, raw, shJoin, quote, type ShellValue, type ShellFragment } from './shell/quote.js';
export type { OsFacts, OsFamily, PkgManager } from './resources/osfamily.js';
export { ps, quotePowerShell } from './shell/powershell.js';
export { LvsError, ValidationErrors, type ErrorCode, type ErrorDetail } from './errors.js';

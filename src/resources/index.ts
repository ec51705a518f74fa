/** The core resources of lvs-play (one file each). */
export { command, guardFact, planCommand, type CommandOptions, type CommandGuards, type CommandChange } from './command.js';
export { file, buildFile, type FileOptions, type FileResource } from './file.js';
export { template, type TemplateOptions } from './template.js';
export { lineInFile, editLines, type LineInFileOptions, type LineInFileChange, type LineEdit } from './lineinfile.js';
export { directory, type DirectoryOptions, type DirectoryChange } from './directory.js';
export { symlink, type SymlinkOptions, type SymlinkChange } from './symlink.js';
export {
  sysctl,
  sysctlFact,
  planSysctl,
  procPath,
  normaliseValue,
  DEFAULT_SYSCTL_FILE,
  type SysctlOptions,
  type SysctlState,
  type SysctlChange,
} from './sysctl.js';
export { pkg, packages, pkgFact, parsePkgState, planPkg, pkgCommands, type PkgOptions, type PkgState, type PkgChange } from './pkg.js';
export { osFamilyFact, osFactScript, parseOsFacts, parseOsRelease, type OsFacts, type OsFamily, type PkgManager } from './osfamily.js';
export {
  service,
  serviceAction,
  serviceFact,
  parseServiceState,
  planService,
  serviceCommands,
  serviceActionCommand,
  type ServiceOptions,
  type ServiceResource,
  type ServiceState,
  type ServiceChange,
  type ServiceActionOptions,
  type ServiceActionState,
  type ServiceActionChange,
  type InitSystem,
} from './service.js';
export { upload, type UploadOptions, type UploadChange } from './upload.js';
export { unarchive, planUnarchive, UNARCHIVE_MARKER, type UnarchiveOptions, type UnarchiveState, type UnarchiveChange } from './unarchive.js';
export { fileFact, sha256, CONTENT_CAP, type FileState, type FileChange, type FileAttrs, type WriteOptions } from './filewrite.js';
export { redact, type Meta } from './common.js';

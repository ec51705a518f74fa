/**
 * lvs-play/kit: the role-author's kit. Everything the bundled roles are built with, and nothing
 * else: an outside role imports from 'lvs-play' (DSL, core resources) and 'lvs-play/kit' (below)
 * exactly as ours do. See docs/authoring.md.
 *
 *   import { defineResource, defineRole } from 'lvs-play';
 *   import { z, ipv4, port, parseKv, kv, runOk, fileFact, applyFileChange, onlyOn, onDebian } from 'lvs-play/kit';
 */

// ── option schemas: zod (the same instance the engine uses) and one definition per shared value
export { z } from 'zod';
export { anyIpv4, ipv4, ipv6, ipAddress, cidr, port, absPath, hostPath, ifaceName, flag, wholeNumber, listOf, words, structured } from '../schema/schemas.js';
export {
  parseIPv4,
  parseIPv6,
  isIPv4,
  isIPv6,
  isIp,
  ipFamily,
  canonicalIp,
  compareIp,
  formatIPv6,
  formatHostPort,
  isIPv4Netmask,
  isInterfaceName,
  isPort,
  type IpFamily,
} from '../schema/net.js';

// ── the IPVS schedulers: one list (names, one-line descriptions, the zod schema) and a director's check for one
export { IPVS_SCHEDULERS, SCHEDULER_NAMES, scheduler, isScheduler, schedulerModule, type SchedulerName } from './schedulers.js';
export { schedulerCheck, schedulerFact, parseSchedulerState, missingSchedulerMessage, type SchedulerModuleState } from './scheduler-check.js';

// ── facts: a command plus a pure parser; helpers for the usual outputs
export { isFact } from '../run/converge.js';
export { parseKv, kv, b64, checkFactResult, runOk, commandError, tail, octal, invalid, metaOf, type Meta } from '../resources/common.js';

// ── OS gating: branch per host on its OS facts, in the same round trip
export { osFamilyFact, osFactScript, parseOsFacts, parseOsRelease, type OsFacts, type OsFamily, type PkgManager } from '../resources/osfamily.js';
export { onlyOn, gatedFact, onSystemd, onDebian, onRhel, onDebianSysv, onRhelSysv, osCondition, type Condition, type Gated } from './gate.js';

// ── the one file-write path: temp file → owner/mode → validate → backup → rename
export {
  fileFact,
  fileFactScript,
  parseFileState,
  planFileContent,
  planFileAbsent,
  describeFileChange,
  fileDiff,
  applyFileChange,
  writeFileContent,
  sha256,
  type FileState,
  type FileChange,
  type FileAttrs,
  type WriteOptions,
} from '../resources/filewrite.js';
// a kernel file (procfs, sysfs) read whole: one read(2); a host's batch reads all of them with one head
export { kernelFactScript } from '../resources/kernel-read.js';
// the bytes a write sends: a Buffer or a control-node file, streamed in chunks, hashed once
export { bufferStream, localFile, type LocalFile } from '../resources/content.js';
/** Writes a command's stdin (text, a Buffer or a ByteStream, chunk by chunk with backpressure) and ends it: for transport authors. */
export { feedStdin, type StdinPart } from '../transport/stdin.js';
export {
  fileSetScript,
  parseFileSet,
  planFileSet,
  describeFileSet,
  fileSetDiff,
  applyFileSet,
  type WantedFile,
  type FileSetChange,
} from '../resources/fileset.js';
export { editLines, type LineEdit } from '../resources/lineinfile.js';
export { planPkg, type PkgState, type PkgChange } from '../resources/pkg.js';
export { familyPackages, namesFor, type FamilyNames } from './packages.js';

// ── an address on an interface, live and persisted for boot (VIPs on lo, a director's VIP)
export {
  ipAddress as interfaceAddress,
  persistAddresses,
  staleAddresses,
  planStaleAddresses,
  recordedAddresses,
  planAddress,
  planPersist,
  parseIpAddr,
  addressCommands,
  renderIfupdown,
  renderIfcfg,
  persistedFiles,
  type AddressSpec,
  type AddressChange,
  type InterfaceAddresses,
  type StaleAddressState,
  type PersistMethod,
  type PersistState,
  type PersistChange,
} from './addresses.js';

// ── foreign formats: the one keepalived.conf parser (statements and blocks with their lines)
export { parseKeepalivedStatements, blocksNamed, valueIn, type KeepalivedStatement } from '../formats/keepalived-conf.js';

// ── shell and PowerShell text (values quoted or passed as data; never interpolated raw)
export { sh, raw, shJoin, quote, type ShellValue, type ShellFragment } from '../shell/quote.js';

// ── the engine's types the kit's signatures name (the same as lvs-play's)
export type {
  AnyResource,
  Transport,
  PowerShellTransport,
  JsonValue,
  TransportBase,
  PutOptions,
  ShellKind,
  TransportFor,
  Diff,
  Fact,
  FileRead,
  KernelRead,
  PosixTransport,
  PsScript,
  Resource,
  ResourceMeta,
  RunOptions,
  RunResult,
  ShellCommand,
  ByteStream,
  DesiredFile,
  DesiredState,
} from '../types.js';
export { ps, psFromText, quotePowerShell } from '../shell/powershell.js';

// ── secrets: the one mask and redaction, and the holder of a run's secret values
export { MASK, redact, Redactor } from '../mask.js';

// ── errors that carry a code, and zod issue helpers for messages in the user's terms
export { LvsError, ValidationErrors, type ErrorCode, type ErrorDetail } from '../errors.js';
export { fromZod, valueAt, pathSuffix, fieldRule, ruleOf, type Where } from '../dsl/zod-errors.js';

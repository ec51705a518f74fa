/// <reference types="node" preserve="true" />
/**
 * Public types of lvs-play, in one place: this file re-exports them all; src/types/ holds them by topic.
 *
 * Layers: inventory (hosts, vars, connections) → playbook (plays → roles → resources, pure data)
 * → planner (read → plan → diff) → executor (listr2) → transports (local, ssh, powershell).
 * Nothing here knows about LVS; roles do.
 */
export type { JsonValue, PsScript, ShellCommand } from './types/shell-text.js';
export type {
  ByteStream,
  PosixTransport,
  PowerShellTransport,
  PutOptions,
  RunOptions,
  RunResult,
  ShellKind,
  Transport,
  TransportBase,
  TransportFor,
} from './types/transport.js';
export type { AnyResource, DesiredFile, DesiredState, Diff, Fact, FileRead, KernelRead, Resource, ResourceMeta } from './types/resource.js';
export type { HostOrder, Play, Playbook, PlayOptions, RoleInstance, Task } from './types/playbook.js';
export type { Connection, LocalConnection, PsrpSshConnection, SecretRef, SshConnection, WinRmConnection } from './types/connection.js';
export type { GroupSpec, HostSpec, HostView, Inventory, InventorySpec, Vars } from './types/inventory.js';
export type { HostSummary, ResultStatus, RunReport, TaskResult } from './types/report.js';

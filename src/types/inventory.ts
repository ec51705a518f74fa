/** Inventories: vars, host and group specs, resolved hosts as plays see them, a loaded inventory. */
import type { ZodType, ZodTypeDef } from 'zod';
import type { Connection } from './connection.js';

/** Variables by name (inventory vars, `-e`, play vars). */
export type Vars = Record<string, unknown>;

/** A host in an inventory spec: its address, vars and connection settings. */
export interface HostSpec {
  address?: string;
  vars?: Vars;
  connection?: Partial<Connection> & { type?: Connection['type'] };
}

/** A group in an inventory spec: hosts, child groups, vars, connection settings. */
export interface GroupSpec {
  hosts?: Readonly<Record<string, HostSpec | null>>;
  children?: readonly string[];
  vars?: Vars;
  connection?: Partial<Connection> & { type?: Connection['type'] };
}

/** A typed inventory (`inventory()`'s argument and an inventory file's default export). */
export interface InventorySpec {
  /** Vars of every host (lowest precedence). */
  vars?: Vars;
  connection?: Partial<Connection> & { type?: Connection['type'] };
  groups?: Readonly<Record<string, GroupSpec>>;
  /** Hosts in no group (they are still in `all`). */
  hosts?: Readonly<Record<string, HostSpec | null>>;
}

/** A resolved host, as plays see it. */
export interface HostView {
  name: string;
  address: string;
  /** Merged vars: `-e` > host > group (deeper child groups win) > all > play. */
  vars: Vars;
  groups: readonly string[];
  connection: Connection;
  /** Hosts of a group, in inventory order (for peers, real-server lists …); a group the inventory lacks is empty (with a warning). */
  group(name: string): readonly HostView[];
  /** A var, or the fallback when missing (untyped: prefer `var`). */
  get<T>(name: string, fallback: T): T;
  /**
   * A var read through a zod schema (e.g. the kit's `ipv4`), typed by its output. Missing (and the
   * schema not optional) or not matching: the run stops before any host is contacted, naming the
   * inventory file, the host, the variable and where to set it.
   */
  var<T>(name: string, schema: ZodType<T, ZodTypeDef, unknown>): T;
  /** A var read through a schema, or `fallback` when it is not set. */
  var<T>(name: string, schema: ZodType<T, ZodTypeDef, unknown>, fallback: NoInfer<T>): T;
}

/** A loaded inventory: resolved hosts with merged vars, its groups and where it came from. */
export interface Inventory {
  /** Where it was loaded from, for messages. */
  source: string;
  hosts: readonly HostView[];
  groups: Readonly<Record<string, readonly string[]>>;
  /** The `all` vars with `-e` over them (what a play's `hosts` function sees). */
  vars?: Vars;
  /**
   * Connection settings a host lacks (a winrm host without a password …), per host name. Listing
   * needs none; a run that would connect to such a host refuses before contacting any host.
   */
  connectionProblems?: Readonly<Record<string, readonly Error[]>>;
  /** Values read from Ansible Vault (and `-e` vault files): redacted everywhere the run writes. */
  secrets?: readonly string[];
}

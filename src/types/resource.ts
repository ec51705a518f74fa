/// <reference types="node" preserve="true" />
/** Resources: facts (a read as one command + a parser), diffs, desired state, and the resource itself. */
import type { ShellCommand } from './shell-text.js';
import type { RunResult, ShellKind, TransportFor } from './transport.js';

/** A read that is one shell command plus a pure parser: the executor batches these per host. */
export interface Fact<Current> {
  command: ShellCommand;
  parse(result: RunResult): Current;
  /**
   * Optional, for speed: `command` split into the paths it reads with the kit's `fileFactScript`
   * (same options) and the `rest` of it. In a host's batch the paths of all its facts are then read
   * together — one listing and one content read for all of them (a checksum per checksum-only
   * file), a path read by several facts once — and `parse` gets their lines followed by the output of `rest`: what
   * `command` alone prints. `kernel`: the kernel files (procfs, sysfs) it reads with the kit's
   * `kernelFactScript`, read together the same way (one `head` for all of a host's), their lines
   * given before the files'. (`fileFact` and the core resources' facts set it.)
   */
  split?: { files: readonly FileRead[]; kernel?: readonly KernelRead[]; rest?: ShellCommand };
}

/** A kernel file (procfs, sysfs: it reports size 0 and answers one read) a fact reads whole, in `kernelFactScript`'s format. */
export interface KernelRead {
  /** The path (absolute; one with a newline, tab or backslash is read by the fact's own command). */
  path: string;
  /** The key of its line: `KEY=<base64 of its bytes>`, or `KEY-missing=1` when it cannot be read. */
  key: string;
}

/** One path a fact reads in `fileFactScript`'s format (its options). */
export interface FileRead {
  /** The path (absolute; a relative one, or one with a newline, tab or backslash, is read by the fact's own command). */
  path: string;
  /** Its bytes too (up to 1 MiB; above, its sha256). */
  content?: boolean;
  /** Its sha256 (default true). */
  sha256?: boolean;
  /** Prefix of its keys. */
  prefix?: string;
}

/** What `--diff` shows: a before/after pair (rendered as a unified diff for files). */
export interface Diff {
  before: string;
  after: string;
  /** Path-like label for the unified diff header. */
  label?: string;
}

/** What every resource and role instance may carry: tags, notify, when, secrets. */
export interface ResourceMeta {
  /** Tags this resource (and everything it belongs to) carries. */
  tags?: readonly string[];
  /** Handler names notified when this resource changes. */
  notify?: readonly string[];
  /** Skip unless true; evaluated before anything is read. */
  when?: boolean;
  /** Values to redact from every output this resource can produce. */
  secrets?: readonly string[];
  /** Run even in check mode? Never: check mode only reads. Present so the type says so. */
  readonly checkMode?: never;
}

/** A file a resource writes, as `lvs-play render` shows it: the whole content, known without reading the host. */
export interface DesiredFile {
  path: string;
  content: string | Buffer;
  /** Octal mode, e.g. 0o644 (absent: kept, or the default of a new file). */
  mode?: number;
  owner?: string | number;
  group?: string | number;
  /** Only on some hosts, e.g. 'Debian' (the host's OS decides which of several files). */
  only?: string;
}

/**
 * What a resource makes true on its host, computed from the playbook and inventory alone (no read,
 * no connection): the files it writes and, one line each, every other setting (`net.ipv4.ip_forward
 * = 1`, `iptables -A INPUT …`, `package ipvsadm installed`). `lvs-play render` prints it per host.
 */
export interface DesiredState {
  files?: readonly DesiredFile[];
  settings?: readonly string[];
}

/**
 * A unit of desired state. `read` never changes the host; `plan` is pure; only `apply` changes.
 * Check mode runs `read` and `plan` only.
 */
export interface Resource<Current = unknown, Change = unknown, S extends ShellKind = ShellKind> extends ResourceMeta {
  /** Stable, human id: "sysctl net.ipv4.ip_forward". */
  id: string;
  /** Resource type name: "file", "sysctl", … */
  kind: string;
  shell: S;
  /** A batched fact, or a function for reads that need several steps. */
  read: Fact<Current> | ((t: TransportFor<S>) => Promise<Current>);
  /** `null` = already as wanted. */
  plan(current: Current): Change | null;
  /** Human summary of a change, one line. */
  describe?(change: Change): string;
  diff?(current: Current, change: Change): Diff;
  apply(t: TransportFor<S>, change: Change): Promise<void>;
  /**
   * Checks on the control node (a local file exists, its sha256 matches), run once before ANY host
   * is contacted; a throw stops the run with exit 4. Not run by --list-hosts / --list-tasks.
   */
  preflight?(): void;
  /**
   * A probe asserts something about the host (e.g. a daemon is healthy) and changes nothing: a
   * non-null plan is a failure, not a change. In check mode, once an earlier resource of the host
   * would change, a probe is skipped (its answer depends on that change).
   */
  probe?: boolean;
  /** Re-read after apply and fail if the plan is not empty (default true for batched facts). */
  verify?: boolean;
  /**
   * Saved plans (docs/plans.md): the part of `current` this resource's plan depends on. A saved plan
   * records it and `lvs-play apply` refuses when it differs at apply time (drift). Optional: by
   * default it is what `plan` (and `diff`) read of `current`, recorded automatically.
   */
  fingerprint?(current: Current): unknown;
  /** What to say when nothing needs changing (default "already as wanted"); shown on the ok line. */
  note?(current: Current): string | undefined;
  /**
   * The state this resource wants, without reading the host (`lvs-play render`): files with their
   * content, other settings as lines. Optional; a resource without it is listed by its id only.
   * Secrets (`secrets`) are masked by the caller.
   */
  desired?(): DesiredState;
}

/**
 * Any resource, whatever its state types (no `any`: `plan`/`apply`/`diff` are methods, which
 * TypeScript compares bivariantly). A union per shell: `read`/`apply` take the shell's own transport.
 */
export type AnyResource = Resource<unknown, unknown, 'posix'> | Resource<unknown, unknown, 'powershell'>;

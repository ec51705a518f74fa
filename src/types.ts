/// <reference types="node" preserve="true" />
/**
 * Public types of lvs-play, in one place.
 *
 * Layers: inventory (hosts, vars, connections) → playbook (plays → roles → resources, pure data)
 * → planner (read → plan → diff) → executor (listr2) → transports (local, ssh, powershell).
 * Nothing here knows about LVS; roles do.
 */
import type { ZodType, ZodTypeDef } from 'zod';

// ───────────────────────────── shell text ─────────────────────────────

declare const shellBrand: unique symbol;
/**
 * A POSIX shell command line whose every interpolated value was quoted.
 * Build one with the `sh` tagged template (src/shell/quote.ts); never from raw strings.
 */
export type ShellCommand = string & { readonly [shellBrand]: 'posix' };

declare const psBrand: unique symbol;
/**
 * PowerShell script text that takes all its values from `$data` (a parsed JSON argument).
 * Build one with `ps` (src/shell/powershell.ts): it refuses interpolation.
 */
export type PsScript = string & { readonly [psBrand]: 'powershell' };

/** A value JSON can carry (saved plans, --json reports, PowerShell's data). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

// ───────────────────────────── transports ─────────────────────────────

/** What a shell command on a host returned. */
export interface RunResult {
  /** Exit code; `null` means the session dropped (treated as failure). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Bytes sent in chunks as they are read (a large Buffer, a file on the control node): a transport
 * writes them to the command with backpressure, never holding them whole or copying them per host.
 */
export interface ByteStream {
  /** Total size in bytes. */
  readonly size: number;
  /** A fresh pass over the bytes, in order (each call starts again at the first byte). */
  chunks(): AsyncIterable<Buffer>;
}

/** How `Transport.run` runs a command: stdin, become, a timeout. */
export interface RunOptions {
  /** Bytes or text written to the command's stdin (a ByteStream: streamed, chunk by chunk). */
  stdin?: string | Buffer | ByteStream;
  /** Run through privilege escalation (sudo) when the connection is not root. Default true. */
  become?: boolean;
  timeoutMs?: number;
}

/** How `Transport.put` writes a file: its mode. */
export interface PutOptions {
  /** Octal mode, e.g. 0o644. */
  mode?: number;
}

/** What every transport has: the host it reaches, and close(). */
export interface TransportBase {
  /** Inventory name of the host this transport reaches. */
  readonly host: string;
  close(): Promise<void>;
}

/** A host reached by a POSIX shell: local (zx) or ssh (node-ssh). */
export interface PosixTransport extends TransportBase {
  readonly shell: 'posix';
  /** Runs a command through `sh -c`. Never rejects on a non-zero exit: check `code`. */
  run(cmd: ShellCommand, opts?: RunOptions): Promise<RunResult>;
  /** Writes a file atomically: to a temp path beside it, then rename. */
  put(path: string, content: string | Buffer, opts?: PutOptions): Promise<void>;
  /** Reads a whole file. Rejects when it does not exist. */
  get(path: string): Promise<Buffer>;
}

/** A Windows host reached through PowerShell remoting (node-powershell driving local pwsh). */
export interface PowerShellTransport extends TransportBase {
  readonly shell: 'powershell';
  /**
   * Runs `script` on the remote host with `$data` bound to the parsed `data`;
   * the script's last output is converted to JSON on the far side and parsed here.
   */
  invoke<T extends JsonValue = JsonValue>(script: PsScript, data: JsonValue): Promise<T>;
}

/** One host's connection: a POSIX shell or PowerShell. */
export type Transport = PosixTransport | PowerShellTransport;
/** 'posix' or 'powershell': which shell a transport (and a resource) speaks. */
export type ShellKind = Transport['shell'];
/** The transport of one shell kind. */
export type TransportFor<S extends ShellKind> = Extract<Transport, { shell: S }>;

// ───────────────────────────── resources ─────────────────────────────

/** A read that is one shell command plus a pure parser: the executor batches these per host. */
export interface Fact<Current> {
  command: ShellCommand;
  parse(result: RunResult): Current;
  /**
   * Optional, for speed: `command` split into the paths it reads with the kit's `fileFactScript`
   * (same options) and the `rest` of it. In a host's batch the paths of all its facts are then read
   * together — one listing and one content read for all of them (a checksum per checksum-only
   * file), a path read by several facts once — and `parse` gets their lines followed by the output of `rest`: what
   * `command` alone prints. (`fileFact` and the core resources' facts set it.)
   */
  split?: { files: readonly FileRead[]; rest?: ShellCommand };
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

// ───────────────────────────── roles, plays, playbooks ─────────────────────────────

/** What a role produces for one host: its resources and the handlers they may notify. */
export interface RoleInstance {
  readonly type: 'role';
  name: string;
  tags?: readonly string[];
  when?: boolean;
  resources: readonly AnyResource[];
  handlers?: Readonly<Record<string, AnyResource>>;
  /**
   * Run this role's resources on another host (as Ansible's delegate_to), over that host's own
   * connection, in the task order of the play's host. Handlers of a delegated role are not supported.
   */
  delegateTo?: HostView;
}

/** One entry of a play's task list: a resource, or a role's instance. */
export type Task = AnyResource | RoleInstance;

/** The order a play takes its hosts in (Ansible's `order`), or a comparison. */
export type HostOrder = 'inventory' | 'reverse' | 'sorted' | ((a: HostView, b: HostView) => number);

/** A play's settings: its hosts, batches, order, tags, vars and handlers. */
export interface PlayOptions {
  /**
   * Host pattern: group or host names, globs, `a:b` union, `a:&b` intersection, `a:!b` exclusion.
   * Or a function of the inventory's `all` vars (with `-e` over them) returning one, for a site
   * whose group names are settings: `(vars) => String(vars.directors_group ?? 'directors')`.
   */
  hosts: string | ((vars: Vars) => string);
  /** Batch size (number or "30%"); each batch finishes before the next starts. */
  serial?: number | `${number}%`;
  /** Stop the play when more than this percent of a serial batch failed (default: only when the whole batch failed, as Ansible). */
  maxFailPercentage?: number;
  order?: HostOrder;
  tags?: readonly string[];
  /** Play-level vars (below host vars and `-e`). */
  vars?: Vars;
  /** Handlers available to every task of the play. */
  handlers?: Readonly<Record<string, AnyResource>>;
  /** The play needs hosts: a pattern matching none (an empty group) is an error before any host is contacted (not with --limit). */
  requireHosts?: boolean;
}

/** A play (`play()`): hosts and, per host, the tasks to run there. */
export interface Play {
  readonly type: 'play';
  name: string;
  options: PlayOptions;
  tasks(host: HostView): readonly Task[];
}

/** A playbook (`playbook()`): plays run in order; a playbook file's default export. */
export interface Playbook {
  readonly type: 'playbook';
  name: string;
  plays: readonly Play[];
}

// ───────────────────────────── inventory ─────────────────────────────

/** Variables by name (inventory vars, `-e`, play vars). */
export type Vars = Record<string, unknown>;

/** A secret resolved only when a connection needs it; prints as "********". */
export interface SecretRef {
  readonly type: 'secret';
  readonly source: { env: string } | { prompt: string } | { value: string };
}

/** `connection: { type: 'ssh' }`: a host reached over SSH (node-ssh, known_hosts verified). */
export interface SshConnection {
  type: 'ssh';
  user?: string;
  port?: number;
  /** Private key file (path on the control node). */
  keyFile?: string;
  /** Passphrase of the key, or password auth. */
  passphrase?: SecretRef;
  password?: SecretRef;
  /** Use ssh-agent ($SSH_AUTH_SOCK). Default: when set. */
  agent?: boolean;
  /** known_hosts file; default ~/.ssh/known_hosts. */
  knownHosts?: string;
  /** Accept and record unknown host keys (a changed key is always refused). */
  acceptNewHostKeys?: boolean;
  /** Escalate with sudo for non-root users. */
  become?: boolean;
  becomePassword?: SecretRef;
  connectTimeoutMs?: number;
  /** ssh_config file read instead of ~/.ssh/config and /etc/ssh/ssh_config (ssh -F; --ssh-config overrides it). */
  sshConfig?: string;
  /** OpenSSH options as `ssh -o Key=Value` gives them (ProxyJump, ProxyCommand, …): above ssh_config, below the fields here. */
  sshOptions?: Readonly<Record<string, string>>;
}

/** `connection: { type: 'winrm' }`: a Windows host reached over WinRM (WinRS over HTTP(S)). */
export interface WinRmConnection {
  type: 'winrm';
  user: string;
  password: SecretRef;
  port?: number;
  useSsl?: boolean;
  authentication?: 'Default' | 'Basic' | 'Negotiate' | 'Kerberos' | 'CredSSP';
  skipCertCheck?: boolean;
  /** PEM file of the CA(s) that signed the host's HTTPS certificate (default: Node's bundled roots). */
  caFile?: string;
}

/** PowerShell remoting over SSH (`New-PSSession -HostName`). */
export interface PsrpSshConnection {
  type: 'psrp-ssh';
  user: string;
  port?: number;
  keyFile?: string;
  /** ssh options passed to pwsh's ssh client, e.g. UserKnownHostsFile. */
  knownHosts?: string;
  connectTimeoutMs?: number;
  /** As SshConnection's: the jump settings apply to PowerShell remoting too. */
  sshConfig?: string;
  sshOptions?: Readonly<Record<string, string>>;
}

/** `connection: { type: 'local' }`: this machine, no network. */
export interface LocalConnection {
  type: 'local';
}

/** How a host is reached: ssh, winrm, psrp-ssh or local. */
export type Connection = SshConnection | WinRmConnection | PsrpSshConnection | LocalConnection;

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

// ───────────────────────────── results ─────────────────────────────

/** How a task ended on a host. */
export type ResultStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

/** One structured result per host and resource (the `results` rows of `--json`). */
export interface TaskResult {
  host: string;
  play: string;
  role: string | null;
  resource: string;
  kind: string;
  status: ResultStatus;
  /** One-line human summary of the change or why nothing changed. */
  message?: string;
  diff?: Diff;
  handler?: boolean;
  durationMs: number;
  error?: string;
}

/** One host's counts in the recap. */
export interface HostSummary {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: number;
}

/** The `--json` report: a stable format for CI (see docs/json-report.md). */
export interface RunReport {
  format: 'lvs-play-report/1';
  playbook: string;
  inventory: string;
  check: boolean;
  startedAt: string;
  durationMs: number;
  aborted: boolean;
  /** Why the run stopped early (serial batch over --max-fail-percentage). */
  stopped?: string;
  summary: Record<string, HostSummary>;
  /** Per host: how it was reached (its connection type: ssh, winrm, psrp-ssh, local). */
  hosts?: Record<string, { transport: Connection['type'] }>;
  results: TaskResult[];
}

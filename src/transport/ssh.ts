/**
 * SSH transport (ssh2): one connection per host, reused for every command and file.
 * Host keys are checked against known_hosts (unknown keys refused unless `acceptNewHostKeys`,
 * changed keys always refused); `become` escalates non-root users with sudo.
 * Its parts: the connection (ssh-link.ts, over ssh-route.ts and ssh-connect.ts), commands
 * (ssh-exec.ts), sudo (ssh-become.ts), files (ssh-sftp.ts), the host lock (ssh-lock-gate.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Client } from 'ssh2';
import { Pool } from '../pool.js';
import { Become } from './ssh-become.js';
import { killRunScript, SshExec } from './ssh-exec.js';
import { LockGate } from './ssh-lock-gate.js';
import { SshLink } from './ssh-link.js';
import { SshSftp } from './ssh-sftp.js';
import { resolveSecret } from '../inventory/secret.js';
import { sh } from '../shell/quote.js';
import { sshSettings, type SettingsInput, type SshSettings } from '../sshconfig/settings.js';
import type { PosixTransport, PutOptions, RunOptions, RunResult, SecretRef, ShellCommand, SshConnection } from '../types.js';

export interface ConnectSshOptions {
  /** Inventory name of the host (for messages and known_hosts lookups). */
  host: string;
  /** Address to connect to (the name ssh_config's Host patterns match). */
  address: string;
  conn: SshConnection;
  /** Resolved settings (else resolved here from conn, ssh_config, sshConfig and timeoutMs). */
  settings?: SshSettings;
  /** --ssh-config FILE. */
  sshConfig?: string;
  /** --timeout (ms). */
  timeoutMs?: number;
  /** Resolves passphrase/password/becomePassword references (default: the one resolver, resolveSecret: an unset or empty variable is an error). */
  resolveSecret?: (s: SecretRef) => Promise<string>;
  /** Commands in flight per connection (default 8; sshd's MaxSessions is 10). */
  maxConcurrency?: number;
}

/** What ssh settings are resolved from: the address, the inventory connection, --ssh-config and --timeout. */
function settingsInput(opts: ConnectSshOptions): SettingsInput {
  return {
    host: opts.address,
    conn: opts.conn,
    ...(opts.sshConfig ? { sshConfig: opts.sshConfig } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  };
}

/** The settings of a transport's host (ssh_config + inventory), resolved once. */
export function settingsOf(opts: ConnectSshOptions): SshSettings {
  return opts.settings ?? sshSettings(settingsInput(opts));
}

export class SshTransport implements PosixTransport {
  readonly shell = 'posix' as const;
  readonly host: string;
  /** Limits commands in flight on one connection. */
  private readonly sem: Pool;
  /** Every remote command of this transport carries LVS_PLAY_RUN=token: close() kills what still runs. */
  private readonly token = `${process.pid}-${randomBytes(6).toString('hex')}`;
  private readonly link: SshLink;
  private readonly exec: SshExec;
  private readonly become: Become;
  private readonly lock: LockGate;
  private readonly files: SshSftp;
  private closing: Promise<void> | null = null;

  constructor(opts: ConnectSshOptions) {
    this.host = opts.host;
    const settings = settingsOf(opts);
    const resolve = (s: SecretRef) => (opts.resolveSecret ?? resolveSecret)(s);
    const connect = () => this.link.connect();
    this.sem = new Pool(opts.maxConcurrency ?? 8);
    this.link = new SshLink({ host: opts.host, input: settingsInput(opts), settings, resolve }, (ssh) => this.lock.retake(ssh));
    this.exec = new SshExec(this.link);
    this.become = new Become({ host: opts.host, user: settings.user, conn: opts.conn, resolve, exec: (line, stdin, prefix) => this.exec.run(line, stdin, prefix) });
    this.lock = new LockGate({ host: opts.host, connect, wrap: (script, reconnecting) => this.become.wrapHeld(script, reconnecting) });
    this.files = new SshSftp({
      host: opts.host,
      connect,
      current: () => this.link.current,
      sem: this.sem,
      run: (cmd) => this.run(cmd),
      escalates: () => this.become.escalates(),
    });
  }

  /** Opens the connection (or returns the open one; a dropped connection is reopened once asked). */
  connect(): Promise<Client> {
    return this.link.connect();
  }

  /**
   * Arms the host's lock (/run/lvs-play.lock, flock; src/transport/ssh-lock.ts) for as long as the
   * connection lives: the first command takes it in the same exec, and nothing runs on the host
   * before it is held; a second run against this host is refused with who holds it (E_LOCKED from
   * that first command and every later one). Released when the connection closes or drops.
   */
  lockHost(holder: string): void {
    this.lock.arm(holder);
  }

  run(cmd: ShellCommand, opts: RunOptions = {}): Promise<RunResult> {
    return this.sem.use(async () => {
      if (this.lock.untaken && opts.stdin === undefined && !opts.timeoutMs && this.become.escalates(opts) === this.become.escalates()) {
        // the first command takes the lock in the same exec (one session, one round trip); the lock
        // script is sh, so the token is an assignment there (the login shell may not be: hence `env`)
        return this.exec.counted(async () => (await this.lock.take(sh`LVS_PLAY_RUN=${this.token} sh -c ${cmd}`)) as RunResult);
      }
      await this.lock.untilHeld();
      const { line, prefix } = await this.become.wrap(sh`env LVS_PLAY_RUN=${this.token} sh -c ${cmd}`, opts);
      return this.exec.run(line, opts.stdin, prefix, opts.timeoutMs);
    });
  }

  async put(path: string, content: string | Buffer, opts: PutOptions = {}): Promise<void> {
    await this.lock.untilHeld();
    return this.files.put(path, content, opts);
  }

  async get(path: string): Promise<Buffer> {
    await this.lock.untilHeld();
    return this.files.get(path);
  }

  /**
   * Closes the connection. Commands still running on the host (Ctrl-C, SIGTERM) are killed first
   * (sshd does not signal a command when its channel closes): every process carrying this
   * transport's LVS_PLAY_RUN token, TERM then KILL; their scripts' traps remove their temp files.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (this.link.current && this.exec.inFlight > 0) {
      // outside the semaphore (it may be full of the very commands to kill); bounded
      const kill = await this.become.wrap(sh`sh -c ${killRunScript(this.token)}`).catch(() => null);
      if (kill) await this.exec.once(kill.line, undefined, kill.prefix, 5000).catch(() => undefined);
    }
    this.link.close();
  }
}

/** Connects (verifying the host key) and returns the transport; throws E_CONNECT or E_HOSTKEY. */
export async function connectSsh(opts: ConnectSshOptions): Promise<SshTransport> {
  const t = new SshTransport(opts);
  await t.connect();
  return t;
}

/**
 * SSH transport (ssh2): one connection per host, reused for every command and file.
 * Host keys are checked against known_hosts (unknown keys refused unless `acceptNewHostKeys`,
 * changed keys always refused); `become` escalates non-root users with sudo.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { Client, SFTPWrapper } from 'ssh2';
import { Pool } from '../pool.js';
import { execOn, sftpOf } from './ssh-client.js';
import { errText, openVerified } from './ssh-connect.js';
import { openRoute, type Route } from './ssh-route.js';
import { HostLock, hostLockScript } from './ssh-lock.js';
import type { StdinPart } from './stdin.js';
import { LvsError } from '../errors.js';
import { resolveSecret } from '../inventory/secret.js';
import { timed } from '../profile.js';
import { raw, sh } from '../shell/quote.js';
import { sshSettings, type SshSettings } from '../sshconfig/settings.js';
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

/** The settings of a transport's host (ssh_config + inventory), resolved once. */
export function settingsOf(opts: ConnectSshOptions): SshSettings {
  return opts.settings ?? sshSettings({
    host: opts.address,
    conn: opts.conn,
    ...(opts.sshConfig ? { sshConfig: opts.sshConfig } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  });
}

export class SshTransport implements PosixTransport {
  readonly shell = 'posix' as const;
  readonly host: string;
  private ssh: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private sftp: Promise<SFTPWrapper> | null = null;
  /** Limits commands in flight on one connection. */
  private readonly sem: Pool;
  private readonly user: string;
  private readonly port: number;
  private readonly settings: SshSettings;
  private sudoMode: Promise<'nopasswd' | 'password'> | null = null;
  private closed = false;
  /** Every remote command of this transport carries LVS_PLAY_RUN=token: close() kills what still runs. */
  private readonly token = `${process.pid}-${randomBytes(6).toString('hex')}`;
  private inFlight = 0;
  private lock: HostLock | null = null;
  /** Settles once the lock is held (rejects with E_LOCKED when it is not); null until a command takes it. */
  private lockTaken: Promise<void> | null = null;
  /** The lock was held on this transport (a reconnect takes it again before anything runs). */
  private lockHeld = false;
  private closing: Promise<void> | null = null;
  /** Gives back the route's shared jump hosts (at close, not only when the connection's close event comes). */
  private release: () => void = () => undefined;
  /** The jump host whose connection dropped under this one, if any (named in failures). */
  private lostHop: () => string | null = () => null;

  constructor(private readonly opts: ConnectSshOptions) {
    this.host = opts.host;
    this.settings = settingsOf(opts);
    this.user = this.settings.user;
    this.port = this.settings.port;
    this.sem = new Pool(opts.maxConcurrency ?? 8);
  }

  private get where(): string {
    return `${this.user}@${this.settings.hostname}:${this.port}`;
  }

  private resolve(s: SecretRef): Promise<string> {
    return (this.opts.resolveSecret ?? resolveSecret)(s);
  }

  /** Opens the connection (or returns the open one; a dropped connection is reopened once asked). */
  async connect(): Promise<Client> {
    if (this.closed) throw new LvsError('E_CONNECT', `ssh transport of ${this.host} is closed`);
    if (this.ssh) return this.ssh;
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<Client> {
    const { conn, host } = this.opts;
    const { sshConfig, timeoutMs } = this.opts;
    const input = { host: this.opts.address, conn, ...(sshConfig ? { sshConfig } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
    const ctx = { input, resolve: (r: SecretRef) => this.resolve(r), label: host };
    let route: Route | undefined;
    let ssh: Client;
    try {
      // the connect (TCP, or the jump hosts' channel) and the SSH handshake are timed apart (src/profile.ts)
      route = await timed(host, 'connect', () => openRoute(this.settings, ctx));
      const sock = route.sock;
      ssh = await timed(host, 'handshake', () => openVerified({ label: host, settings: this.settings, conn, resolve: ctx.resolve }, sock));
    } catch (e) {
      route?.sock.destroy();
      route?.release();
      throw e instanceof LvsError ? e : new LvsError('E_CONNECT', `cannot connect to ${host} at ${this.settings.hostname}:${this.port}: ${errText(e)}`);
    }
    const release = route.release;
    ssh.once('close', release);
    this.release = release;
    this.lostHop = route.lostHop ?? (() => null);
    ssh.on('error', () => {
      // A later ECONNRESET must not crash the process; the next call reconnects.
      if (this.ssh === ssh) this.ssh = null;
    });
    ssh.on('close', () => {
      if (this.ssh === ssh) this.ssh = null;
      this.sftp = null;
    });
    // a reconnect re-takes a host lock that was held, BEFORE the connection is handed out (another
    // run may have taken it meanwhile: then it fails and nothing runs)
    if (this.lock && this.lockHeld) {
      try {
        const { cmd, prefix } = await this.lockCommand(undefined, true);
        await this.lock.acquire(ssh, cmd, prefix);
      } catch (e) {
        ssh.end();
        throw e;
      }
    }
    this.ssh = ssh;
    this.sftp = null;
    return ssh;
  }

  /**
   * Arms the host's lock (/run/lvs-play.lock, flock; src/transport/ssh-lock.ts) for as long as the
   * connection lives: the first command takes it in the same exec, and nothing runs on the host
   * before it is held; a second run against this host is refused with who holds it (E_LOCKED from
   * that first command and every later one). Released when the connection closes or drops.
   */
  lockHost(holder: string): void {
    this.lock ??= new HostLock(this.host, holder);
  }

  /**
   * Takes the armed lock on its own channel, running `first` (a command line) there once it is
   * held. Later commands wait for `lockTaken`, which settles as soon as the lock is held (not when
   * `first` ends) or cannot be.
   */
  private takeLock(first?: ShellCommand): Promise<RunResult | null> {
    const lock = this.lock as HostLock;
    const mark = first ? HostLock.mark() : undefined;
    let held!: () => void;
    let refused!: (e: unknown) => void;
    this.lockTaken = new Promise<void>((resolve, reject) => {
      held = resolve;
      refused = reject;
    });
    this.lockTaken.catch(() => undefined); // awaited by every later command
    const attempt = (async () => {
      const ssh = await this.connect();
      const { cmd, prefix } = await this.lockCommand(first && mark ? { line: first, mark } : undefined);
      return lock.acquire(ssh, cmd, prefix, mark, () => {
        this.lockHeld = true;
        held();
      });
    })();
    attempt.catch(refused); // before it was held (after, `refused` does nothing)
    return attempt;
  }

  /** Resolves once the armed lock (if any) is held; rejects with E_LOCKED when it cannot be. */
  private untilLocked(): Promise<void> {
    if (!this.lock) return Promise.resolve();
    if (!this.lockTaken) void this.takeLock().catch(() => undefined);
    return this.lockTaken as Promise<void>;
  }

  /** The lock's command; a sudo that asks for a password reads it as the first line of input (never the command line). */
  private async lockCommand(first?: { line: ShellCommand; mark: string }, reconnecting = false): Promise<{ cmd: ShellCommand; prefix: Buffer | null }> {
    const script = hostLockScript(this.lock?.holder ?? '', first);
    if (!this.escalates()) return { cmd: sh`sh -c ${script}`, prefix: null };
    // (reconnecting: sudo's mode is known from the first time, so this makes no round trip)
    if (!(await this.sudoNeedsPassword())) return { cmd: sh`sudo -n -- sh -c ${script}`, prefix: null };
    const prefix = Buffer.from(`${await this.resolve(this.opts.conn.becomePassword as SecretRef)}\n`);
    // accepted when the lock was first taken; a reconnect has no open connection to check it on
    if (reconnecting) return { cmd: sh`sudo -S -p '' -- sh -c ${script}`, prefix };
    // the lock's input stays open while it is held: a sudo that rejected the password would wait
    // there for another try forever. Check the password first, with input that ends.
    const check = await this.exec(sh`sudo -k -S -p '' -- true`, undefined, prefix);
    if (check.code !== 0) {
      throw new LvsError('E_CONNECT', `${this.host}: sudo did not accept the become password of ${this.user}`, {
        field: 'connection.becomePassword',
        fix: `check the become password of ${this.user} (and that ${this.user} may use sudo on ${this.host})`,
      });
    }
    return { cmd: sh`sudo -S -p '' -- sh -c ${script}`, prefix };
  }

  /** Escalate this command? Only for non-root users, unless the inventory or the call says no. */
  private escalates(opts: RunOptions = {}): boolean {
    return this.user !== 'root' && this.opts.conn.become !== false && opts.become !== false;
  }

  private async sudoNeedsPassword(): Promise<boolean> {
    if (!this.opts.conn.becomePassword) return false;
    this.sudoMode ??= this.exec(sh`sudo -n true`).then((r) => (r.code === 0 ? 'nopasswd' : 'password'));
    return (await this.sudoMode) === 'password';
  }

  run(cmd: ShellCommand, opts: RunOptions = {}): Promise<RunResult> {
    return this.sem.use(async () => {
      const tagged = sh`env LVS_PLAY_RUN=${this.token} sh -c ${cmd}`;
      if (this.lock && !this.lockTaken && opts.stdin === undefined && !opts.timeoutMs && this.escalates(opts) === this.escalates()) {
        // the first command takes the lock in the same exec (one session, one round trip); the lock
        // script is sh, so the token is an assignment there (the login shell may not be: hence `env`)
        this.inFlight++;
        try {
          return (await this.takeLock(sh`LVS_PLAY_RUN=${this.token} sh -c ${cmd}`)) as RunResult;
        } finally {
          this.inFlight--;
        }
      }
      await this.untilLocked();
      const { line, prefix } = await this.commandLine(tagged, opts);
      return this.exec(line, opts.stdin, prefix, opts.timeoutMs);
    });
  }

  /** The line sshd runs for `line` (sudo for non-root users), and the password to send first. */
  private async commandLine(line: ShellCommand, opts: RunOptions = {}): Promise<{ line: ShellCommand; prefix: Buffer | null }> {
    if (!this.escalates(opts)) return { line, prefix: null };
    if (await this.sudoNeedsPassword()) {
      const pw = await this.resolve(this.opts.conn.becomePassword as SecretRef);
      return { line: sh`sudo -S -p '' -- ${raw(line)}`, prefix: Buffer.from(`${pw}\n`) };
    }
    return { line: sh`sudo -n -- ${raw(line)}`, prefix: null };
  }

  /**
   * One exec on the shared connection; output collected as bytes and decoded once. A refused
   * channel (sshd's MaxSessions still counting a just-closed session) never ran: it is retried.
   */
  private async exec(line: ShellCommand, stdin?: StdinPart, prefix: Buffer | null = null, timeoutMs?: number): Promise<RunResult> {
    for (let attempt = 0; ; attempt++) {
      const r = await this.execOnce(line, stdin, prefix, timeoutMs);
      if (r !== 'retry') return r;
      if (attempt >= 30) return { code: null, stdout: '', stderr: `ssh ${this.where}: the server refused new sessions\n` };
      await new Promise((res) => setTimeout(res, 20 + attempt * 20));
    }
  }

  private async execOnce(line: ShellCommand, stdin: StdinPart | undefined, prefix: Buffer | null, timeoutMs?: number): Promise<RunResult | 'retry'> {
    let ssh: Client;
    try {
      ssh = await this.connect();
    } catch (e) {
      return { code: null, stdout: '', stderr: `${(e as Error).message}\n` };
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    // the password line, then the input as given (a ByteStream streams: never joined in memory)
    const parts: StdinPart[] = [];
    this.inFlight++;
    if (prefix) parts.push(prefix);
    if (stdin !== undefined) parts.push(stdin);
    // The far side stops the command too (sshd keeps a channel open until its process exits).
    const cmd = timeoutMs ? sh`timeout -k 5 ${Math.ceil(timeoutMs / 1000) + 1} ${raw(line)}` : line;
    let timer: NodeJS.Timeout | undefined;
    const finished = execOn(ssh, cmd, {
      stdin: parts,
      onStdout: (b) => out.push(b),
      onStderr: (b) => err.push(b),
    })
      .then(
        (code): RunResult => ({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
        (e: unknown): RunResult | 'retry' =>
          /Channel open failure/i.test(String((e as Error)?.message))
            ? 'retry'
            : { code: null, stdout: Buffer.concat(out).toString('utf8'), stderr: `ssh ${this.where}: ${this.lostHopText()}${errText(e)}\n` },
      );
    void finished.finally(() => this.inFlight--);
    if (!timeoutMs) return finished;
    const expired = new Promise<RunResult>((res) => {
      timer = setTimeout(() => res({
        code: null,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: `${Buffer.concat(err).toString('utf8')}timed out after ${timeoutMs} ms\n`,
      }), timeoutMs);
    });
    try {
      return await Promise.race([finished, expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  private lostHopText(): string {
    const hop = this.lostHop();
    return hop ? `the connection to ${hop} was lost: ` : '';
  }

  private async sftpSession(): Promise<SFTPWrapper> {
    const ssh = await this.connect();
    this.sftp ??= sftpOf(ssh);
    return this.sftp.catch((e: unknown) => {
      this.sftp = null;
      throw e;
    });
  }

  /**
   * One sftp request. A connection that drops mid-transfer does not always call the request back:
   * the channel's or the connection's close rejects it (else the run waited on nothing and node
   * exited 0 halfway, without a recap).
   */
  private sftpCall<T>(fn: (s: SFTPWrapper, cb: (err: Error | null | undefined, v?: T) => void) => void): Promise<T> {
    const conn = this.ssh;
    return this.sftpSession().then(
      (s) =>
        new Promise<T>((resolve, reject) => {
          const lost = () => done(new Error('the connection closed during the transfer'));
          const done = (err: Error | null | undefined, v?: T) => {
            s.off('close', lost);
            conn?.off('close', lost);
            if (err) reject(err);
            else resolve(v as T);
          };
          s.once('close', lost);
          conn?.once('close', lost);
          fn(s, done);
        }),
    );
  }

  async put(path: string, content: string | Buffer, opts: PutOptions = {}): Promise<void> {
    await this.untilLocked();
    const mode = opts.mode ?? 0o644;
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const rnd = randomBytes(6).toString('hex');
    if (this.escalates()) return this.putBecome(path, data, mode, rnd);
    const tmp = join(dirname(path), `.${basename(path)}.lvs-${rnd}`);
    await this.sem.use(async () => {
      try {
        await this.sftpCall<void>((s, cb) => s.writeFile(tmp, data, { mode }, cb));
        await this.sftpCall<void>((s, cb) => s.chmod(tmp, mode, cb));
        await this.sftpCall<void>((s, cb) => s.ext_openssh_rename(tmp, path, cb));
      } catch (e) {
        await this.sftpCall<void>((s, cb) => s.unlink(tmp, cb)).catch(() => undefined);
        throw new Error(`put ${path} on ${this.host}: ${errText(e)}`);
      }
    });
    await this.removeStaleTemps(path);
  }

  /** Temp files of `path` left by an earlier upload that was cut off (connection lost, killed). */
  private async removeStaleTemps(path: string): Promise<void> {
    await this.run(sh`for s in ${dirname(path)}/${`.${basename(path)}.lvs-`}*; do [ -e "$s" ] && rm -f -- "$s"; done; :`).catch(() => undefined);
  }

  /** Upload to /tmp as the login user, then as root copy beside the target and rename over it. */
  private async putBecome(path: string, data: Buffer, mode: number, rnd: string): Promise<void> {
    const upload = `/tmp/.lvs-put-${rnd}`;
    await this.sem.use(() => this.sftpCall<void>((s, cb) => s.writeFile(upload, data, { mode: 0o600 }, cb)));
    const tmpl = join(dirname(path), `.${basename(path)}.lvs-XXXXXX`);
    const octal = mode.toString(8);
    const r = await this.run(
      sh`t=$(mktemp ${tmpl}) && { cat ${upload} > "$t" && chmod ${octal} "$t" && mv -f "$t" ${path}; } ; rc=$?; rm -f "$t" ${upload}; exit $rc`,
    );
    await this.sem.use(() => this.sftpCall<void>((s, cb) => s.unlink(upload, cb))).catch(() => undefined);
    if (r.code !== 0) throw new Error(`put ${path} on ${this.host} (sudo): ${r.stderr.trim() || `exit ${r.code}`}`);
    await this.removeStaleTemps(path);
  }

  async get(path: string): Promise<Buffer> {
    await this.untilLocked();
    if (this.escalates()) {
      const r = await this.run(sh`base64 < ${path}`);
      if (r.code !== 0) throw new Error(`get ${path} on ${this.host} (sudo): ${r.stderr.trim() || `exit ${r.code}`}`);
      return Buffer.from(r.stdout.replace(/\s+/g, ''), 'base64');
    }
    return this.sem.use(async () => {
      try {
        return await this.sftpCall<Buffer>((s, cb) => s.readFile(path, cb));
      } catch (e) {
        throw new Error(`get ${path} on ${this.host}: ${errText(e)}`);
      }
    });
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
    const ssh = this.ssh;
    if (ssh && this.inFlight > 0) {
      // outside the semaphore (it may be full of the very commands to kill); bounded
      const kill = await this.commandLine(sh`sh -c ${killRunScript(this.token)}`).catch(() => null);
      if (kill) await this.execOnce(kill.line, undefined, kill.prefix, 5000).catch(() => undefined);
    }
    this.closed = true;
    this.ssh = null;
    this.sftp = null;
    ssh?.end();
    this.release();
  }
}

/** Connects (verifying the host key) and returns the transport; throws E_CONNECT or E_HOSTKEY. */
export async function connectSsh(opts: ConnectSshOptions): Promise<SshTransport> {
  const t = new SshTransport(opts);
  await t.connect();
  return t;
}

/** Kills (TERM, then KILL what is left after 1 s) every process whose environment has LVS_PLAY_RUN=token. */
function killRunScript(token: string): ShellCommand {
  return sh`tok=${`LVS_PLAY_RUN=${token}`}
pids() { grep -lzxF -- "$tok" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3; }
p=$(pids); [ -n "$p" ] || exit 0
kill -TERM $p 2>/dev/null
i=0; while [ $i -lt 10 ] && [ -n "$(pids)" ]; do sleep 0.1; i=$((i+1)); done
p=$(pids); [ -z "$p" ] || kill -KILL $p 2>/dev/null
exit 0`;
}

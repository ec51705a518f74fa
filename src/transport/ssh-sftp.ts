/**
 * Files over SSH: put (a temp file beside the target renamed over it; for become, uploaded to /tmp
 * then copied in place by root) and get, on one sftp session per connection. A connection that
 * drops mid-transfer fails the transfer (it is never left waiting).
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { Client, SFTPWrapper } from 'ssh2';
import type { Pool } from '../pool.js';
import { sh } from '../shell/quote.js';
import type { PutOptions, RunResult, ShellCommand } from '../types.js';
import { sftpOf } from './ssh-client.js';
import { errText } from './ssh-connect.js';

/** What file transfers need of their transport. */
export interface SftpContext {
  /** Inventory name of the host (for messages). */
  host: string;
  /** The open connection (reopened when it dropped). */
  connect(): Promise<Client>;
  /** The open connection, if any (not opening one). */
  current(): Client | null;
  /** Limits what is in flight on the connection. */
  sem: Pool;
  /** Runs a command as the transport does (become, the host lock). */
  run(cmd: ShellCommand): Promise<RunResult>;
  /** Whether commands run through sudo (files are then written and read by root). */
  escalates(): boolean;
}

type SftpCallback<T> = (err: Error | null | undefined, v?: T) => void;

/** put and get for one transport. */
export class SshSftp {
  /** The sftp session, and the connection it belongs to (a new connection opens a new one). */
  private session: { ssh: Client; sftp: Promise<SFTPWrapper> } | null = null;

  constructor(private readonly ctx: SftpContext) {}

  /** Writes `content` to `path` atomically (mode 0644 unless given); stale temps of `path` are removed after. */
  async put(path: string, content: string | Buffer, opts: PutOptions = {}): Promise<void> {
    const mode = opts.mode ?? 0o644;
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const rnd = randomBytes(6).toString('hex');
    if (this.ctx.escalates()) return this.putBecome(path, data, mode, rnd);
    const tmp = join(dirname(path), `.${basename(path)}.lvs-${rnd}`);
    await this.ctx.sem.use(async () => {
      try {
        await this.call<void>((s, cb) => s.writeFile(tmp, data, { mode }, cb));
        await this.call<void>((s, cb) => s.chmod(tmp, mode, cb));
        await this.call<void>((s, cb) => s.ext_openssh_rename(tmp, path, cb));
      } catch (e) {
        await this.call<void>((s, cb) => s.unlink(tmp, cb)).catch(() => undefined);
        throw new Error(`put ${path} on ${this.ctx.host}: ${errText(e)}`);
      }
    });
    await this.removeStaleTemps(path);
  }

  /** The bytes of `path` (through sudo and base64 when commands escalate). */
  async get(path: string): Promise<Buffer> {
    const { host } = this.ctx;
    if (this.ctx.escalates()) {
      const r = await this.ctx.run(sh`base64 < ${path}`);
      if (r.code !== 0) throw new Error(`get ${path} on ${host} (sudo): ${r.stderr.trim() || `exit ${r.code}`}`);
      return Buffer.from(r.stdout.replace(/\s+/g, ''), 'base64');
    }
    return this.ctx.sem.use(async () => {
      try {
        return await this.call<Buffer>((s, cb) => s.readFile(path, cb));
      } catch (e) {
        throw new Error(`get ${path} on ${host}: ${errText(e)}`);
      }
    });
  }

  /** Temp files of `path` left by an earlier upload that was cut off (connection lost, killed). */
  private async removeStaleTemps(path: string): Promise<void> {
    await this.ctx.run(sh`for s in ${dirname(path)}/${`.${basename(path)}.lvs-`}*; do [ -e "$s" ] && rm -f -- "$s"; done; :`).catch(() => undefined);
  }

  /** Upload to /tmp as the login user, then as root copy beside the target and rename over it. */
  private async putBecome(path: string, data: Buffer, mode: number, rnd: string): Promise<void> {
    const { sem, host } = this.ctx;
    const upload = `/tmp/.lvs-put-${rnd}`;
    await sem.use(() => this.call<void>((s, cb) => s.writeFile(upload, data, { mode: 0o600 }, cb)));
    const tmpl = join(dirname(path), `.${basename(path)}.lvs-XXXXXX`);
    const octal = mode.toString(8);
    const r = await this.ctx.run(
      sh`t=$(mktemp ${tmpl}) && { cat ${upload} > "$t" && chmod ${octal} "$t" && mv -f "$t" ${path}; } ; rc=$?; rm -f "$t" ${upload}; exit $rc`,
    );
    await sem.use(() => this.call<void>((s, cb) => s.unlink(upload, cb))).catch(() => undefined);
    if (r.code !== 0) throw new Error(`put ${path} on ${host} (sudo): ${r.stderr.trim() || `exit ${r.code}`}`);
    await this.removeStaleTemps(path);
  }

  /** The connection's sftp session (opened on first use; a failed open is tried again next time). */
  private async sftp(): Promise<SFTPWrapper> {
    const ssh = await this.ctx.connect();
    if (this.session?.ssh !== ssh) this.session = { ssh, sftp: sftpOf(ssh) };
    return this.session.sftp.catch((e: unknown) => {
      this.session = null;
      throw e;
    });
  }

  /**
   * One sftp request. A connection that drops mid-transfer does not always call the request back:
   * the channel's or the connection's close rejects it (else the run waited on nothing and node
   * exited 0 halfway, without a recap).
   */
  private call<T>(fn: (s: SFTPWrapper, cb: SftpCallback<T>) => void): Promise<T> {
    const conn = this.ctx.current();
    return this.sftp().then(
      (s) =>
        new Promise<T>((resolve, reject) => {
          const lost = () => done(new Error('the connection closed during the transfer'));
          const done: SftpCallback<T> = (err, v) => {
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
}

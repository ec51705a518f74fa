/**
 * become over SSH: a non-root login user runs commands through sudo (`-n`, or `-S` with the become
 * password as the first line of input, never on the command line). Whether sudo asks for a
 * password is found out once per connection's transport (`sudo -n true`).
 */
import { LvsError } from '../errors.js';
import { raw, sh } from '../shell/quote.js';
import type { RunOptions, RunResult, SecretRef, ShellCommand, SshConnection } from '../types.js';

/** What become needs of its transport. */
export interface BecomeContext {
  /** Inventory name of the host (for messages). */
  host: string;
  /** The login user. */
  user: string;
  conn: SshConnection;
  resolve(s: SecretRef): Promise<string>;
  /** Runs a command line as given (no sudo added), `prefix` first on its input. */
  exec(line: ShellCommand, stdin: undefined, prefix: Buffer | null): Promise<RunResult>;
}

/** A command line as sshd runs it, and the password line to send first (null: none). */
export interface BecomeLine {
  line: ShellCommand;
  prefix: Buffer | null;
}

/** sudo for one transport's commands. */
export class Become {
  private sudoMode: Promise<'nopasswd' | 'password'> | null = null;

  constructor(private readonly ctx: BecomeContext) {}

  /** Escalate this command? Only for non-root users, unless the inventory or the call says no. */
  escalates(opts: RunOptions = {}): boolean {
    return this.ctx.user !== 'root' && this.ctx.conn.become !== false && opts.become !== false;
  }

  /** The line sshd runs for `line` (sudo for non-root users), and the password to send first. */
  async wrap(line: ShellCommand, opts: RunOptions = {}): Promise<BecomeLine> {
    if (!this.escalates(opts)) return { line, prefix: null };
    if (await this.needsPassword()) return { line: sh`sudo -S -p '' -- ${raw(line)}`, prefix: await this.passwordLine() };
    return { line: sh`sudo -n -- ${raw(line)}`, prefix: null };
  }

  /**
   * The line for a script whose input stays open while it runs (the host lock's): a sudo that
   * rejected the password would wait there for another try forever, so the password is checked
   * first, with input that ends (not when `reconnecting`: it was accepted the first time).
   */
  async wrapHeld(script: ShellCommand, reconnecting: boolean): Promise<BecomeLine> {
    if (!this.escalates()) return { line: sh`sh -c ${script}`, prefix: null };
    // (reconnecting: sudo's mode is known from the first time, so this makes no round trip)
    if (!(await this.needsPassword())) return { line: sh`sudo -n -- sh -c ${script}`, prefix: null };
    const prefix = await this.passwordLine();
    if (!reconnecting) await this.checkPassword(prefix);
    return { line: sh`sudo -S -p '' -- sh -c ${script}`, prefix };
  }

  private async needsPassword(): Promise<boolean> {
    if (!this.ctx.conn.becomePassword) return false;
    this.sudoMode ??= this.ctx.exec(sh`sudo -n true`, undefined, null).then((r) => (r.code === 0 ? 'nopasswd' : 'password'));
    return (await this.sudoMode) === 'password';
  }

  private async passwordLine(): Promise<Buffer> {
    return Buffer.from(`${await this.ctx.resolve(this.ctx.conn.becomePassword as SecretRef)}\n`);
  }

  /** Fails with E_CONNECT naming connection.becomePassword when sudo does not take it. */
  private async checkPassword(prefix: Buffer): Promise<void> {
    const { host, user } = this.ctx;
    const check = await this.ctx.exec(sh`sudo -k -S -p '' -- true`, undefined, prefix);
    if (check.code === 0) return;
    throw new LvsError('E_CONNECT', `${host}: sudo did not accept the become password of ${user}`, {
      field: 'connection.becomePassword',
      fix: `check the become password of ${user} (and that ${user} may use sudo on ${host})`,
    });
  }
}

/**
 * When a transport's commands may run, once its host lock is armed (src/transport/ssh-lock.ts):
 * the first command takes the lock in its own exec, every later one waits until the lock is held
 * (or fails with E_LOCKED), and a reconnect takes the lock again before the connection is used.
 */
import type { Client } from 'ssh2';
import type { RunResult, ShellCommand } from '../types.js';
import type { BecomeLine } from './ssh-become.js';
import { HostLock, hostLockScript } from './ssh-lock.js';

/** What the gate needs of its transport. */
export interface LockGateContext {
  /** Inventory name of the host. */
  host: string;
  connect(): Promise<Client>;
  /** The lock script as sshd runs it (sudo for non-root users; see Become.wrapHeld). */
  wrap(script: ShellCommand, reconnecting: boolean): Promise<BecomeLine>;
}

/** One transport's host lock: armed, taken by the first command, held for the connection's life. */
export class LockGate {
  private lock: HostLock | null = null;
  /** Settles once the lock is held (rejects with E_LOCKED when it is not); null until a command takes it. */
  private taken: Promise<void> | null = null;
  /** The lock was held on this transport (a reconnect takes it again before anything runs). */
  private held = false;

  constructor(private readonly ctx: LockGateContext) {}

  /** Arms the lock (once; a later holder does not replace the first). */
  arm(holder: string): void {
    this.lock ??= new HostLock(this.ctx.host, holder);
  }

  /** Armed and not yet taken: the next command may take it in its own exec (see `takeWith`). */
  get untaken(): boolean {
    return this.lock !== null && this.taken === null;
  }

  /**
   * Takes the armed lock on its own channel, running `first` (a command line) there once it is
   * held. Later commands wait for `taken`, which settles as soon as the lock is held (not when
   * `first` ends) or cannot be.
   */
  take(first?: ShellCommand): Promise<RunResult | null> {
    const lock = this.lock as HostLock;
    const mark = first ? HostLock.mark() : undefined;
    let held!: () => void;
    let refused!: (e: unknown) => void;
    this.taken = new Promise<void>((resolve, reject) => {
      held = resolve;
      refused = reject;
    });
    this.taken.catch(() => undefined); // awaited by every later command
    const attempt = (async () => {
      const ssh = await this.ctx.connect();
      const script = hostLockScript(lock.holder, first && mark ? { line: first, mark } : undefined);
      const { line, prefix } = await this.ctx.wrap(script, false);
      return lock.acquire(ssh, line, prefix, mark, () => {
        this.held = true;
        held();
      });
    })();
    attempt.catch(refused); // before it was held (after, `refused` does nothing)
    return attempt;
  }

  /** Resolves once the armed lock (if any) is held; rejects with E_LOCKED when it cannot be. */
  untilHeld(): Promise<void> {
    if (!this.lock) return Promise.resolve();
    if (!this.taken) void this.take().catch(() => undefined);
    return this.taken as Promise<void>;
  }

  /**
   * On a new connection: takes again a lock that was held, before the connection is handed out
   * (another run may have taken it meanwhile: then this fails and nothing runs).
   */
  async retake(ssh: Client): Promise<void> {
    if (!this.lock || !this.held) return;
    const { line, prefix } = await this.ctx.wrap(hostLockScript(this.lock.holder), true);
    await this.lock.acquire(ssh, line, prefix);
  }
}

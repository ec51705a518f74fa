/**
 * The host lock of a real run: /run/lvs-play.lock (flock), held by one exec channel that stays open
 * for the life of the ssh connection (its shell waits for the end of its input), so a second run
 * against the host is refused with who holds it, and a dropped connection releases it.
 *
 * The lock is taken by the run's FIRST command on the host, in the same exec (one session, one
 * round trip): the channel takes the lock, says `locked`, runs that command (its output framed by a
 * nonce, its exit code after it) and then holds the lock. Nothing runs on the host before the lock
 * is held: the command starts only after `flock` succeeded, in the same script.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from 'ssh2';
import { LvsError } from '../errors.js';
import { raw, sh } from '../shell/quote.js';
import type { RunResult, ShellCommand } from '../types.js';

export const HOST_LOCK_PATH = '/run/lvs-play.lock';

/** The line the lock script prints once it holds the lock. */
const LOCKED = Buffer.from('locked\n');

/** Exit codes of the lock script before it holds the lock. */
const EXIT_LOCK_FILE = 70;
const EXIT_HELD = 75;

/**
 * Holds HOST_LOCK_PATH until its input ends (exit 75 with the holder's line when another holds
 * it). With `first`, runs that command line once the lock is held: its stdin is /dev/null, the lock
 * descriptor is not inherited (a daemon it starts never keeps the lock); a line `MARK-in` on
 * stderr starts its output there, and lines `MARK CODE` on stdout and `MARK` on stderr end it.
 */
export function hostLockScript(holder: string, first?: { line: ShellCommand; mark: string }): ShellCommand {
  // stderr: a start marker first (what sudo may have printed before is not the command's)
  const run = first
    ? sh`printf '%s\\n' ${`${first.mark}-in`} >&2; ${raw(first.line)} </dev/null 9>&-; r=$?; printf '\\n%s %s\\n' ${first.mark} "$r"; printf '\\n%s\\n' ${first.mark} >&2`
    : sh`:`;
  return sh`l=${HOST_LOCK_PATH}
exec 9>>"$l" || exit ${EXIT_LOCK_FILE}
if ! flock -n 9; then echo "held=$(head -c 300 "$l" | tr -d '\\n')"; exit ${EXIT_HELD}; fi
printf '%s\\n' ${holder} > "$l"
echo locked
${raw(run)}
while read -r _; do :; done
: > "$l"`;
}

/** The text before `\n${mark}` in `buf` (the frame's body), and what follows on the marker's line. */
function frame(buf: Buffer, mark: string): { body: Buffer; tail: string } | null {
  const sep = Buffer.from(`\n${mark}`);
  const at = buf.indexOf(sep);
  if (at < 0) return null;
  const end = buf.indexOf('\n', at + sep.length);
  if (end < 0) return null;
  return { body: buf.subarray(0, at), tail: buf.subarray(at + sep.length, end).toString('utf8').trim() };
}

/** The first command's stderr: between its start marker (`MARK-in` line) and its end marker. */
function commandErr(buf: Buffer, mark: string): { body: Buffer } | null {
  const start = Buffer.from(`${mark}-in\n`);
  const at = buf.indexOf(start);
  return at < 0 ? null : frame(buf.subarray(at + start.length), mark);
}

/**
 * One stream's bytes, kept as chunks (no copy per chunk); `seen(needle)` looks for a needle in the
 * new bytes only (plus the few before them that could start it).
 */
class Stream {
  private chunks: Buffer[] = [];
  private length = 0;
  private tail: Buffer = Buffer.alloc(0);

  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }

  /** Whether `needle` (and the end of its line) arrived, looking at `b` and what came just before it. */
  seen(b: Buffer, needle: string): boolean {
    const window = Buffer.concat([this.tail, b]);
    this.tail = window.subarray(Math.max(0, window.length - needle.length - 32));
    const at = window.indexOf(needle);
    return at >= 0 && window.indexOf('\n', at + needle.length) >= 0;
  }

  /** Starts over with these bytes (what follows the `locked` line); a marker they end inside of is still seen. */
  reset(b: Buffer): void {
    this.chunks = [b];
    this.length = b.length;
    this.tail = b.subarray(Math.max(0, b.length - 256));
  }

  all(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }
}

/** Where the `locked` line ends in the output so far (a line that is exactly `locked`), or -1. */
function lockedLineEnd(all: Buffer): number {
  // a held= line naming another run cannot pass for it; before it the output is a few bytes at most
  if (all.subarray(0, LOCKED.length).equals(LOCKED)) return LOCKED.length;
  const later = all.indexOf(Buffer.concat([Buffer.from('\n'), LOCKED]));
  return later < 0 ? -1 : later + 1 + LOCKED.length;
}

/** The first command's result, cut out of the lock channel's output by its markers. */
function firstResult(out: Buffer, err: Buffer, mark: string): RunResult {
  const o = frame(out, mark);
  const e = commandErr(err, mark);
  const code = o && o.tail !== '' ? Number(o.tail) : null;
  return {
    code: code !== null && Number.isInteger(code) ? code : null,
    stdout: (o?.body ?? Buffer.alloc(0)).toString('utf8'),
    stderr: (e?.body ?? Buffer.alloc(0)).toString('utf8'),
  };
}

/** Why the lock was not taken, from the lock script's exit code and output. */
function refusal(host: string, code: number | null, out: string, err: string): LvsError {
  if (code === null) {
    return new LvsError('E_CONNECT', `${host}: the connection closed before the lock ${HOST_LOCK_PATH} was taken`, {
      fix: 'is the host up and its sshd running? run again',
    });
  }
  if (code === EXIT_HELD) {
    const held = /^held=(.*)$/m.exec(out)?.[1]?.trim();
    return new LvsError('E_LOCKED', `${host} is locked by another lvs-play run (${HOST_LOCK_PATH}: ${held || 'holder unknown'}); nothing was changed on it`, {
      fix: 'wait for that run to finish, then run again (the lock goes with its ssh connection)',
    });
  }
  return new LvsError('E_LOCKED', `cannot take the lock ${HOST_LOCK_PATH} on ${host} (exit ${code}): ${`${out}${err}`.trim().slice(-200)}`, {
    fix: 'the host needs flock(1) (util-linux) and a writable /run',
  });
}

/**
 * Reads one lock channel: watches stdout for the `locked` line, then (with a mark) for the end of
 * the first command's stdout and stderr; settles once both ended, or when the channel closes.
 */
class LockReader {
  private readonly out = new Stream();
  private readonly errs = new Stream();
  private locked = false;
  private outDone = false;
  private errDone: boolean;
  private done = false;

  constructor(
    private readonly host: string,
    private readonly mark: string | undefined,
    private readonly onLocked: (() => void) | undefined,
    private readonly resolve: (r: RunResult | null) => void,
    private readonly reject: (e: LvsError) => void,
  ) {
    this.errDone = !mark;
  }

  /** Stdout: the `locked` line first, then the first command's output up to its end marker. */
  stdout(b: Buffer): void {
    this.out.push(b);
    if (!this.locked) return this.lookForLocked();
    if (!this.outDone && this.mark && this.out.seen(b, `\n${this.mark}`)) this.outDone = true;
    this.finish();
  }

  /** Stderr: the first command's, between its start and end markers. */
  stderr(b: Buffer): void {
    this.errs.push(b);
    const mark = this.mark;
    if (!this.errDone && mark && this.errs.seen(b, `\n${mark}`)) this.errDone = commandErr(this.errs.all(), mark) !== null;
    this.finish();
  }

  /** The channel closed: after the lock was held, the first command was cut off; before, it was refused. */
  closed(code: number | null): void {
    if (this.done) return;
    this.done = true;
    const out = this.out.all().toString('utf8');
    const err = this.errs.all().toString('utf8');
    // held, then the channel went away before the first command's output ended
    if (this.locked) return this.resolve({ code: null, stdout: out, stderr: `${err}the connection closed while the command ran\n` });
    this.reject(refusal(this.host, code, out, err));
  }

  private lookForLocked(): void {
    const all = this.out.all();
    const end = lockedLineEnd(all);
    if (end < 0) return;
    this.locked = true;
    this.onLocked?.();
    // the command's stdout starts after that line
    const rest = all.subarray(end);
    this.out.reset(rest);
    this.outDone = !this.mark || frame(rest, this.mark) !== null;
    this.finish();
  }

  private finish(): void {
    if (this.done || !this.locked || !this.outDone || !this.errDone) return;
    this.done = true;
    this.resolve(this.mark ? firstResult(this.out.all(), this.errs.all(), this.mark) : null);
  }
}

/** One host's lock, held by a channel that stays open for the life of the connection. */
export class HostLock {
  constructor(
    readonly host: string,
    readonly holder: string,
  ) {}

  /** A fresh marker for a first command's output. */
  static mark(): string {
    return `@@LVS-LOCKED-RUN-${randomBytes(9).toString('hex')}`;
  }

  /**
   * Opens the lock channel running `cmd` (hostLockScript, possibly under sudo; `prefix` is its first
   * input, e.g. sudo's password). Calls `onLocked` as soon as the lock is held; resolves with the
   * first command's result when `mark` is given (the script ran one), else null, once held.
   * Rejects with E_LOCKED when the lock is not held (E_CONNECT when the channel could not open).
   */
  acquire(conn: Client, cmd: ShellCommand, prefix: Buffer | null = null, mark?: string, onLocked?: () => void): Promise<RunResult | null> {
    return new Promise<RunResult | null>((resolve, reject) => {
      conn.exec(cmd, (err, ch) => {
        if (err) return reject(new LvsError('E_CONNECT', `cannot take the lock ${HOST_LOCK_PATH} on ${this.host}: ${err.message}`));
        if (prefix) ch.write(prefix);
        const reader = new LockReader(this.host, mark, onLocked, resolve, reject);
        ch.on('data', (b: Buffer) => reader.stdout(b));
        ch.stderr.on('data', (b: Buffer) => reader.stderr(b));
        ch.on('close', (code: number | null) => reader.closed(code));
      });
    });
  }
}

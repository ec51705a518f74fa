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

/** Exit codes of the lock script before it holds the lock. */
const EXIT_LOCK_FILE = 70;
const EXIT_HELD = 75;

/**
 * Holds HOST_LOCK_PATH until its input ends (exit 75 with the holder's line when another holds
 * it). With `first`, runs that command line once the lock is held: its stdin is /dev/null, the lock
 * descriptor is not inherited (a daemon it starts never keeps the lock), and a line
 * `MARK CODE` on stdout and `MARK` on stderr end its output.
 */
export function hostLockScript(holder: string, first?: { line: ShellCommand; mark: string }): ShellCommand {
  const run = first
    ? sh`${raw(first.line)} </dev/null 9>&-; r=$?; printf '\\n%s %s\\n' ${first.mark} "$r"; printf '\\n%s\\n' ${first.mark} >&2`
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
   * input, e.g. sudo's password). Resolves once the lock is held: with the first command's result
   * when `mark` is given (the script ran one), else null. Rejects with E_LOCKED when it is not held.
   */
  acquire(conn: Client, cmd: ShellCommand, prefix: Buffer | null = null, mark?: string): Promise<RunResult | null> {
    return new Promise<RunResult | null>((resolve, reject) => {
      conn.exec(cmd, (err, ch) => {
        if (err) return reject(new LvsError('E_LOCKED', `cannot take the lock ${HOST_LOCK_PATH} on ${this.host}: ${err.message}`));
        if (prefix) ch.write(prefix);
        let out = Buffer.alloc(0);
        let errOut = Buffer.alloc(0);
        let locked = false;
        let done = false;
        const settle = () => {
          if (done) return;
          const head = out.indexOf('locked\n');
          if (!locked && head >= 0) {
            locked = true;
            out = out.subarray(head + 'locked\n'.length);
          }
          if (!locked) return;
          if (!mark) {
            done = true;
            return resolve(null);
          }
          const o = frame(out, mark);
          const e = frame(errOut, mark);
          if (!o || !e) return;
          done = true;
          const code = o.tail === '' ? null : Number(o.tail);
          resolve({ code: Number.isInteger(code) ? code : null, stdout: o.body.toString('utf8'), stderr: e.body.toString('utf8') });
        };
        ch.on('data', (b: Buffer) => {
          out = Buffer.concat([out, b]);
          settle();
        });
        ch.stderr.on('data', (b: Buffer) => {
          errOut = Buffer.concat([errOut, b]);
          settle();
        });
        ch.on('close', (code: number | null) => {
          if (done) return;
          done = true;
          if (locked) {
            // held, then the channel went away before the first command's output ended
            return resolve({ code: null, stdout: out.toString('utf8'), stderr: `${errOut.toString('utf8')}the connection closed while the command ran\n` });
          }
          const text = out.toString('utf8');
          const held = /^held=(.*)$/m.exec(text)?.[1]?.trim();
          reject(code === EXIT_HELD
            ? new LvsError('E_LOCKED', `${this.host} is locked by another lvs-play run (${HOST_LOCK_PATH}: ${held || 'holder unknown'}); nothing was changed on it`, {
              fix: 'wait for that run to finish, then run again (the lock goes with its ssh connection)',
            })
            : new LvsError('E_LOCKED', `cannot take the lock ${HOST_LOCK_PATH} on ${this.host} (exit ${code}): ${`${text}${errOut.toString('utf8')}`.trim().slice(-200)}`, {
              fix: 'the host needs flock(1) (util-linux) and a writable /run',
            }));
        });
      });
    });
  }
}

/**
 * Commands on the host's one SSH connection: one exec channel each, output collected as bytes and
 * decoded once, a channel sshd refused retried, a timeout enforced on both sides. Counts what still
 * runs, and kills it by the run token at close (sshd does not signal a command when its channel closes).
 */
import type { Client } from 'ssh2';
import { raw, sh } from '../shell/quote.js';
import type { RunResult, ShellCommand } from '../types.js';
import { execOn } from './ssh-client.js';
import { errText } from './ssh-connect.js';
import type { StdinPart } from './stdin.js';

/** The connection the commands run on. */
export interface ExecLink {
  /** The open connection (reopened when it dropped); rejects with the reason it cannot be. */
  connect(): Promise<Client>;
  /** `user@host:port`, for messages. */
  readonly where: string;
  /** `the connection to BASTION was lost: ` when a jump host dropped under the connection, else ''. */
  lostHopText(): string;
}

/** One result for a channel sshd refused (it never ran): try again. */
type Attempt = RunResult | 'retry';

/** Runs commands on the link's connection, counting those in flight. */
export class SshExec {
  /** Commands started and not yet ended on the host (close() kills them). */
  inFlight = 0;

  constructor(private readonly link: ExecLink) {}

  /** Runs `fn` counted as a command in flight (e.g. the first command, run on the lock's channel). */
  async counted<T>(fn: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await fn();
    } finally {
      this.inFlight--;
    }
  }

  /**
   * One exec on the shared connection. A refused channel (sshd's MaxSessions still counting a
   * just-closed session) never ran: it is retried.
   */
  async run(line: ShellCommand, stdin?: StdinPart, prefix: Buffer | null = null, timeoutMs?: number): Promise<RunResult> {
    for (let attempt = 0; ; attempt++) {
      const r = await this.once(line, stdin, prefix, timeoutMs);
      if (r !== 'retry') return r;
      if (attempt >= 30) return { code: null, stdout: '', stderr: `ssh ${this.link.where}: the server refused new sessions\n` };
      await new Promise((res) => setTimeout(res, 20 + attempt * 20));
    }
  }

  /** One exec channel: `prefix` (sudo's password line) then `stdin` as input; ends after `timeoutMs` if given. */
  async once(line: ShellCommand, stdin: StdinPart | undefined, prefix: Buffer | null, timeoutMs?: number): Promise<Attempt> {
    let ssh: Client;
    try {
      ssh = await this.link.connect();
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
    const finished = execOn(ssh, cmd, { stdin: parts, onStdout: (b) => out.push(b), onStderr: (b) => err.push(b) })
      .then(
        (code): RunResult => ({ code, stdout: text(out), stderr: text(err) }),
        (e: unknown): Attempt =>
          /Channel open failure/i.test(String((e as Error)?.message))
            ? 'retry'
            : { code: null, stdout: text(out), stderr: `ssh ${this.link.where}: ${this.link.lostHopText()}${errText(e)}\n` },
      );
    void finished.finally(() => this.inFlight--);
    if (!timeoutMs) return finished;
    return withDeadline(finished, timeoutMs, () => ({ code: null, stdout: text(out), stderr: `${text(err)}timed out after ${timeoutMs} ms\n` }));
  }
}

function text(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('utf8');
}

/** `finished`, or what `late()` says once `ms` passed first (the command is left to end on its own). */
async function withDeadline(finished: Promise<Attempt>, ms: number, late: () => RunResult): Promise<Attempt> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<RunResult>((res) => {
    timer = setTimeout(() => res(late()), ms);
  });
  try {
    return await Promise.race([finished, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Kills (TERM, then KILL what is left after 1 s) every process whose environment has LVS_PLAY_RUN=token. */
export function killRunScript(token: string): ShellCommand {
  return sh`tok=${`LVS_PLAY_RUN=${token}`}
pids() { grep -lzxF -- "$tok" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3; }
p=$(pids); [ -n "$p" ] || exit 0
kill -TERM $p 2>/dev/null
i=0; while [ $i -lt 10 ] && [ -n "$(pids)" ]; do sleep 0.1; i=$((i+1)); done
p=$(pids); [ -z "$p" ] || kill -KILL $p 2>/dev/null
exit 0`;
}

/**
 * A PosixTransport that answers fact commands with canned output (pyinfra style: facts in,
 * commands out) and records every other command, so check-mode plans are tested without a host.
 */
import { converge, type Outcome } from '../../../src/run/converge.js';
import type { AnyResource, PosixTransport, RunResult, ShellCommand } from '../../../src/types.js';

export function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

export class FakeHost implements PosixTransport {
  readonly shell = 'posix' as const;
  readonly host = 'fake';
  readonly ran: string[] = [];
  constructor(private readonly answer: (cmd: string) => RunResult) {}
  run(cmd: ShellCommand): Promise<RunResult> {
    this.ran.push(cmd);
    return Promise.resolve(this.answer(cmd));
  }
  put(): Promise<void> {
    return Promise.reject(new Error('put in a fake host'));
  }
  get(): Promise<Buffer> {
    return Promise.reject(new Error('get in a fake host'));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Check mode of one resource whose fact prints `stdout`. */
export function checkWith(res: AnyResource, stdout: string, code = 0, stderr = ''): Promise<Outcome> {
  const t = new FakeHost(() => ({ code, stdout, stderr }));
  return converge(res, t, { check: true });
}

/** os facts as osFactScript prints them. */
export function osLines(family: 'debian' | 'rhel'): string {
  const rel = family === 'debian' ? 'ID=debian\nVERSION_ID="12"\n' : 'ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n';
  const tools = family === 'debian' ? 'tool=apt-get\ntool=dpkg-query\n' : 'tool=dnf\ntool=rpm\ntool=systemctl\n';
  return `osrelease=${b64(rel)}\n${tools}systemd=${family === 'rhel' ? 1 : 0}\n`;
}

/** A transport that runs every command inside a network namespace (for per-namespace state: net.* sysctls, firewall rules). */
import { sh } from '../../../src/shell/quote.js';
import { LocalTransport } from '../../../src/transport/local.js';
import type { PosixTransport, RunOptions, RunResult, ShellCommand } from '../../../src/types.js';

/** Runs every command inside a network namespace (net.* sysctls are per namespace). */
export class NetnsTransport implements PosixTransport {
  readonly shell = 'posix' as const;
  readonly host = 'netns';
  private local = new LocalTransport('netns');
  constructor(private ns: string) {}
  run(cmd: ShellCommand, opts?: RunOptions): Promise<RunResult> {
    return this.local.run(sh`ip netns exec ${this.ns} sh -c ${cmd}`, opts);
  }
  put(path: string, content: string | Buffer): Promise<void> {
    return this.local.put(path, content);
  }
  get(path: string): Promise<Buffer> {
    return this.local.get(path);
  }
  async close(): Promise<void> {}
}


/**
 * One WinRS shell on a host (MS-WSMV 3.1.4.1): created once, then each command is Command →
 * Send (stdin, chunked under MaxEnvelopeSizekb) → Receive until Done → Signal terminate (frees
 * it, as pywinrm and Ansible do); Delete at the end. `abort()` stops a running command from
 * another path (Ctrl-C): it cuts the request in flight and signals the command on a new connection.
 */
import * as env from './envelopes.js';
import { faultFailure, WinRmError } from './failures.js';
import type { WinRmHttp } from './http.js';
import { commandIdOf, faultOf, receiveOf, shellIdOf, WSMAN_TIMED_OUT } from './responses.js';

export interface ShellOptions {
  /** The endpoint URL (a:To). */
  to: string;
  /** Seconds one Receive may wait on the host for output. */
  operationTimeoutSec: number;
}

export interface CommandResult {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

export class WinRsShell {
  private running: string | null = null;
  private aborted = false;

  private constructor(
    private readonly http: WinRmHttp,
    private readonly o: ShellOptions,
    readonly id: string,
  ) {}

  private ctx(): env.EnvelopeContext {
    return { to: this.o.to, operationTimeoutSec: this.o.operationTimeoutSec };
  }

  /** Creates the shell. */
  static async open(http: WinRmHttp, o: ShellOptions): Promise<WinRsShell> {
    const xml = await call(http, 'Create shell', env.createShell({ to: o.to, operationTimeoutSec: o.operationTimeoutSec }));
    const id = shellIdOf(xml);
    if (id === null) throw new WinRmError('protocol', 'the Create response carries no ShellId', 'check that the endpoint is WinRM (wsman)');
    return new WinRsShell(http, o, id);
  }

  /** Starts `cmd args` and sends it all of `stdin`; its CommandId. */
  async start(cmd: string, args: readonly string[], stdin: Buffer): Promise<string> {
    if (this.aborted) throw new WinRmError('connect', 'the WinRM shell was closed', 'a new run opens a new shell');
    const cid = commandIdOf(await call(this.http, 'Command', env.command(this.ctx(), this.id, cmd, args)));
    if (cid === null) throw new WinRmError('protocol', 'the Command response carries no CommandId', 'check that the endpoint is WinRM (wsman)');
    await this.send(cid, stdin);
    return cid;
  }

  /** Runs `cmd args` with `stdin`, until it ends or `deadline` (ms since epoch) passes. */
  async run(cmd: string, args: readonly string[], stdin: Buffer, deadline: number): Promise<CommandResult> {
    const cid = await this.start(cmd, args, stdin);
    this.running = cid;
    try {
      const out = await this.receive(cid, deadline);
      this.running = null;
      await call(this.http, 'Signal', env.signal(this.ctx(), this.id, cid)).catch(() => undefined);
      return out;
    } catch (e) {
      if (this.running === cid && !this.aborted) {
        this.running = null;
        await call(this.http, 'Signal', env.signal(this.ctx(), this.id, cid)).catch(() => undefined);
      }
      throw e;
    }
  }

  private async send(cid: string, stdin: Buffer): Promise<void> {
    const size = env.maxSendChunk(this.ctx(), this.id, cid);
    for (let at = 0; at === 0 || at < stdin.length; at += size) {
      const chunk = stdin.subarray(at, at + size);
      await call(this.http, 'Send', env.send(this.ctx(), this.id, cid, chunk, at + size >= stdin.length));
    }
  }

  /**
   * Reads the command's output until it is Done, or `enough(stdout so far)` holds (the command
   * then keeps running: the host lock), or `deadline` passes.
   */
  async receive(cid: string, deadline: number, enough: (stdout: string) => boolean = () => false): Promise<CommandResult & { done: boolean }> {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    for (;;) {
      if (this.aborted) throw new WinRmError('connect', 'the command was stopped (Signal terminate) and the shell deleted', 'the run was interrupted');
      const reply = await this.http.post(env.receive(this.ctx(), this.id, cid));
      const fault = reply.status === 500 ? faultOf(reply.xml) : null;
      if (fault === null) {
        const chunk = receiveOf(reply.xml, cid);
        out.push(chunk.stdout);
        err.push(chunk.stderr);
        const stdout = Buffer.concat(out);
        if (chunk.done || enough(stdout.toString('utf8'))) return { code: chunk.exitCode ?? 0, stdout, stderr: Buffer.concat(err), done: chunk.done };
      } else if (fault.wsmanCode !== WSMAN_TIMED_OUT && !/TimedOut/i.test(fault.subcode)) {
        throw faultFailure('Receive', fault);
      }
      if (Date.now() > deadline) {
        throw new WinRmError('timeout', 'the remote command did not finish in time (its Receive never reported Done); it was stopped', 'look at what the script waits for on the host; a new run starts it again');
      }
    }
  }

  /** Ctrl-C: stops the running command, if any (Signal terminate), then deletes the shell. */
  async abort(): Promise<void> {
    if (this.aborted) return;
    this.aborted = true;
    const cid = this.running;
    this.running = null;
    this.http.cutInFlight();
    if (cid !== null) await call(this.http, 'Signal', env.signal(this.ctx(), this.id, cid, env.SIGNAL.terminate)).catch(() => undefined);
    await this.close();
  }

  /** Deletes the shell (errors ignored: the host drops idle shells itself). */
  async close(): Promise<void> {
    await call(this.http, 'Delete shell', env.deleteShell(this.ctx(), this.id)).catch(() => undefined);
  }
}

/** One request whose fault is an error. */
async function call(http: WinRmHttp, op: string, soap: string): Promise<string> {
  const r = await http.post(soap);
  if (r.status === 500) {
    const f = faultOf(r.xml);
    if (f) throw faultFailure(op, f);
  }
  return r.xml;
}

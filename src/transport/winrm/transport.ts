/**
 * The WinRM transport (`type: 'winrm'`): a Windows host reached from Linux by WS-Management WinRS,
 * as Ansible's winrm connection reaches it — no WSMan library, no PowerShell remoting. One HTTP
 * connection, one NTLM context (a local pwsh running .NET's managed NTLM: auth-helper.ts) and one
 * WinRS shell per host for the whole run; each `invoke` is one command in that shell
 * (bootstrap.ts), its script and `$data` on stdin. Same contract as the PowerShell transport:
 * the role scripts run unchanged.
 */
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { LvsError } from '../../errors.js';
import { redact } from '../../mask.js';
import { timed } from '../../profile.js';
import type { JsonValue, PowerShellTransport as PowerShellTransportContract, PsScript, SecretRef, WinRmConnection } from '../../types.js';
import { findPwsh } from '../pwsh-find.js';
import { RemoteScriptError } from '../powershell.js';
import { parseEnvelope } from '../pwsh-host.js';
import { AuthHelper } from './auth-helper.js';
import { bootstrapCommand, bootstrapInput, oldPowerShell, oldPowerShellError } from './bootstrap.js';
import { WinRmError } from './failures.js';
import { WinRmHttp } from './http.js';
import { WinRsShell } from './shell.js';
import { takeWinRmLock } from './lock.js';
import { winRmAuthProblem } from '../../inventory/winrm-auth.js';

export interface ConnectWinRmOptions {
  host: string;
  address: string;
  conn: WinRmConnection;
  resolveSecret: (s: SecretRef) => Promise<string>;
  pwshPath?: string;
  /** Longest a single remote command may run (default 10 minutes). */
  commandTimeoutMs?: number;
  /** Seconds one Receive waits on the host (default 20; the HTTP request gets 15 s more). */
  operationTimeoutSec?: number;
  /** Take the host lock for this holder (real runs; lock.ts). */
  lockHolder?: string;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 600_000;

export class WinRmTransport implements PowerShellTransportContract {
  readonly shell = 'powershell' as const;
  readonly kind = 'winrm' as const;
  private closed = false;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly host: string,
    readonly address: string,
    private readonly winrs: WinRsShell,
    private readonly parts: { http: WinRmHttp; helper: AuthHelper | null; secrets: readonly string[]; commandTimeoutMs: number },
  ) {}

  invoke<T extends JsonValue = JsonValue>(script: PsScript, data: JsonValue): Promise<T> {
    const run = () => this.invokeNow<T>(script, data);
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async invokeNow<T extends JsonValue>(script: PsScript, data: JsonValue): Promise<T> {
    if (this.closed) throw new Error(`${this.host}: the WinRM transport is closed`);
    const { cmd, args } = bootstrapCommand();
    let r;
    try {
      r = await this.winrs.run(cmd, args, bootstrapInput(script, data), Date.now() + this.parts.commandTimeoutMs);
    } catch (e) {
      throw this.connectError(e);
    }
    const stdout = r.stdout.toString('utf8');
    const old = oldPowerShell(r.code, stdout);
    if (old !== null) throw oldPowerShellError(this.host, old);
    let env = null;
    try {
      env = parseEnvelope(stdout);
    } catch {
      env = null;
    }
    if (env === null) {
      const why = (r.stderr.toString('utf8').trim() || stdout.trim() || `exit code ${r.code}`).slice(0, 2000);
      throw new LvsError('E_CONNECT', `${this.host}: the WinRM command returned no result: ${this.redact(why)}`, {
        fix: 'check that powershell.exe runs on the host (PowerShell 3.0 or later) and that the account may run it',
      });
    }
    if (env.ok) return env.value as T;
    throw new RemoteScriptError(this.host, this.redact(env.error), env.where ? this.redact(env.where) : undefined);
  }

  private redact(s: string): string {
    return redact(s, this.parts.secrets);
  }

  private connectError(e: unknown): LvsError {
    if (e instanceof LvsError) return e;
    if (e instanceof WinRmError) return new LvsError('E_CONNECT', `${this.host}: ${this.redact(e.message)}`, { fix: e.fix });
    return new LvsError('E_CONNECT', `${this.host}: WinRM failed: ${this.redact(e instanceof Error ? e.message : String(e))}`);
  }

  /** Stops a running command (Signal terminate), deletes the shell, ends the NTLM helper. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.winrs.abort().catch(() => undefined);
    this.parts.http.close();
    this.parts.helper?.dispose();
  }
}

/** The endpoint URL of a host. */
export function winRmUrl(address: string, conn: WinRmConnection): URL {
  const ssl = conn.useSsl ?? false;
  const host = isIPv6(address) ? `[${address}]` : address;
  return new URL(`${ssl ? 'https' : 'http'}://${host}:${conn.port ?? (ssl ? 5986 : 5985)}/wsman`);
}

/** Opens the host's WinRM session: authentication, the one shell, and a first command (PowerShell version). */
export async function connectWinRm(o: ConnectWinRmOptions): Promise<WinRmTransport> {
  const problem = winRmAuthProblem(o.conn);
  if (problem) throw new LvsError('E_INVENTORY', `${o.host}: ${problem.reason}`, { field: `connection.${problem.field}`, fix: problem.fix });
  let password: string;
  try {
    password = await o.resolveSecret(o.conn.password);
  } catch (e) {
    if (e instanceof LvsError) throw e;
    throw new LvsError('E_SECRET', `${o.host}: cannot resolve the WinRM password`, { field: 'connection.password' });
  }
  const url = winRmUrl(o.address, o.conn);
  let ca: Buffer | undefined;
  if (o.conn.caFile) {
    try {
      ca = readFileSync(o.conn.caFile);
    } catch (e) {
      throw new LvsError('E_CONNECT', `${o.host}: cannot read the CA file: ${(e as Error).message}`, { field: 'connection.caFile', value: o.conn.caFile, fix: 'a PEM file with the CA certificate(s) that signed the host\'s certificate' });
    }
  }
  const basic = o.conn.authentication === 'Basic';
  const helper = basic ? null : await timed(o.host, 'helper', () => startHelper(o, password, url));
  const opSec = o.operationTimeoutSec ?? 20;
  const http = new WinRmHttp({
    url,
    auth: helper ? { kind: 'ntlm', helper } : { kind: 'basic', user: o.conn.user, password },
    ...(ca ? { ca } : {}),
    skipCertCheck: o.conn.skipCertCheck ?? false,
    requestTimeoutMs: (opSec + 15) * 1000,
  });
  const parts = { http, helper, secrets: [password], commandTimeoutMs: o.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS };
  let t: WinRmTransport | undefined;
  try {
    const shell = await timed(o.host, 'handshake', () => WinRsShell.open(http, { to: url.href, operationTimeoutSec: opSec }));
    const opened = new WinRmTransport(o.host, o.address, shell, parts);
    t = opened;
    // every command checks PowerShell 3.0+ (the bootstrap): a real run's first is the lock's; else
    // the first read is, and an old PowerShell is then the host's connection error (fact-cache.ts)
    if (o.lockHolder !== undefined) await timed(o.host, 'probe', () => takeWinRmLock(o.host, shell, o.lockHolder!, 60_000));
    return t;
  } catch (e) {
    if (t) await t.close();
    else {
      http.close();
      helper?.dispose();
    }
    if (e instanceof LvsError) throw e;
    const err = e instanceof WinRmError ? e : new WinRmError('connect', e instanceof Error ? e.message : String(e), 'check address, port, user and password');
    throw new LvsError('E_CONNECT', `${o.host}: cannot open a WinRM shell on ${url.host}: ${redact(err.message, [password])}`, { field: 'connection', fix: err.fix });
  }
}

async function startHelper(o: ConnectWinRmOptions, password: string, url: URL): Promise<AuthHelper> {
  const pwshPath = findPwsh(o.pwshPath);
  try {
    return await AuthHelper.start(pwshPath, { user: o.conn.user, password, target: `HTTP/${url.hostname}` });
  } catch (e) {
    throw new LvsError('E_PWSH_MISSING', `${o.host}: the local pwsh (NTLM for WinRM) did not start: ${redact((e as Error).message, [password])}`, {
      value: pwshPath,
      fix: 'check that the .NET runtime pwsh needs is installed (DOTNET_ROOT or /usr/share/dotnet)',
    });
  }
}

/**
 * The PowerShell-remoting-over-SSH transport (`type: 'psrp-ssh'`): node-powershell drives a LOCAL
 * pwsh, which opens ONE remote session per host and reuses it for every `invoke`. (`type: 'winrm'`
 * is lvs-play's own WinRS client: src/transport/winrm/; pwsh on Linux has no WSMan client.)
 *
 * Values reach remote scripts only as data: the script text and a JSON document travel base64
 * encoded, the far side parses the JSON into `$data` and runs the script (src/transport/pwsh-*.ts).
 */
import { LvsError } from '../errors.js';
import type {
  JsonValue,
  PowerShellTransport as PowerShellTransportContract,
  PsrpSshConnection,
  PsScript,
  SecretRef,
} from '../types.js';
import { findPwsh } from './pwsh-find.js';
import { PwshHost } from './pwsh-host.js';
import { buildSessionSetup } from './pwsh-session.js';
import { pwshJumpForward, type JumpForward } from './pwsh-jump.js';

export interface ConnectPowerShellOptions {
  /** Inventory name of the host. */
  host: string;
  /** Address (or DNS name) to connect to. */
  address: string;
  conn: PsrpSshConnection;
  resolveSecret: (s: SecretRef) => Promise<string>;
  /** pwsh to run; default: $NODE_POWERSHELL, PATH, ~/.dotnet/tools/pwsh. */
  pwshPath?: string;
  /** Connect timeout (default: the connection's connectTimeoutMs, else 15 s). */
  connectTimeoutMs?: number;
  /** --ssh-config FILE (for the jump settings of PowerShell over SSH). */
  sshConfig?: string;
}

/** A remote script failed: carries the remote message (and where, when PowerShell said). */
export class RemoteScriptError extends Error {
  constructor(
    readonly host: string,
    readonly remoteMessage: string,
    readonly where?: string,
  ) {
    super(`${host}: ${remoteMessage}${where ? `\n${where}` : ''}`);
    this.name = 'RemoteScriptError';
  }
}

export class PowerShellTransport implements PowerShellTransportContract {
  readonly shell = 'powershell' as const;
  private closed = false;

  constructor(
    readonly host: string,
    /** The address this transport connected to (the inventory address). */
    readonly address: string,
    private readonly pwsh: PwshHost,
    private readonly jump: JumpForward | null = null,
  ) {}

  async invoke<T extends JsonValue = JsonValue>(script: PsScript, data: JsonValue): Promise<T> {
    if (this.closed) throw new Error(`${this.host}: the PowerShell transport is closed`);
    const r = await this.pwsh.run(script, data);
    if (r.ok) return r.value as T;
    if (r.transport) {
      throw new LvsError('E_CONNECT', `${this.host}: PowerShell session failed: ${r.error}`, {
        fix: 'check that the host is up and its remoting endpoint answers; a new run opens a new session',
      });
    }
    throw new RemoteScriptError(this.host, r.error, r.where ?? undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pwsh.isAlive) await this.pwsh.closeSession().catch(() => undefined);
    await this.pwsh.dispose();
    await this.jump?.close();
  }
}

/** Starts a local pwsh and opens the host's remote session. */
export async function connectPowerShell(opts: ConnectPowerShellOptions): Promise<PowerShellTransport> {
  const pwshPath = findPwsh(opts.pwshPath);
  // behind jump hosts: pwsh's ssh connects to a local forward through the shared bastion connection
  const jump = await pwshJumpForward(opts.address, opts.conn, opts.resolveSecret, opts.sshConfig);
  const target = jump ? { address: '127.0.0.1', conn: { ...opts.conn, port: jump.port } } : { address: opts.address, conn: opts.conn };
  const setup = buildSessionSetup(target.address, target.conn, { connectMs: opts.connectTimeoutMs ?? opts.conn.connectTimeoutMs }, jump?.hostKeyAlias);
  const pwsh = await PwshHost.start({ pwshPath }).catch(async (e: unknown) => {
    await jump?.close();
    throw new LvsError('E_PWSH_MISSING', `${opts.host}: pwsh did not start: ${(e as Error).message}`, {
      value: pwshPath,
      fix: 'check that the .NET runtime pwsh needs is installed (DOTNET_ROOT or /usr/share/dotnet)',
    });
  });
  const r = await pwsh.run(setup.script, setup.data);
  if (!r.ok) {
    await pwsh.dispose();
    await jump?.close();
    throw new LvsError('E_CONNECT', `${opts.host}: cannot open a PowerShell session (PowerShell remoting over SSH) to ${opts.address}: ${r.error}`, {
      field: 'connection',
      fix: 'check address, port, user, key, known_hosts, and `Subsystem powershell` in the host\'s sshd_config',
    });
  }
  return new PowerShellTransport(opts.host, opts.address, pwsh, jump);
}

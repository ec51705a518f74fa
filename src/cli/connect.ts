import { LocalTransport } from '../transport/local.js';
import { connectSsh } from '../transport/ssh.js';
import type { HostView, SecretRef, Transport } from '../types.js';
import type { SshSettings } from '../sshconfig/settings.js';
import type { Redactor } from '../run/redact.js';
import type { SecretResolver } from '../inventory/secret.js';

export interface ConnectorOptions {
  secrets: SecretResolver;
  redactor: Redactor;
  acceptNewHostKeys: boolean;
  /** Take each ssh host's lock (/run/lvs-play.lock) for the run, naming this holder (real runs, not --check). */
  lockHolder?: string;
  /** Resolved ssh settings per host name (src/cli/ssh-settings.ts); a host not here resolves its own. */
  sshSettings?: ReadonlyMap<string, SshSettings>;
  /** --ssh-config FILE, --timeout (ms). */
  sshConfig?: string;
  timeoutMs?: number;
}

/**
 * The PowerShell transport (node-powershell) loads only when a Windows host connects: one shared
 * import promise (concurrent dynamic imports of one module from parallel hosts once raced:
 * "Cannot access 'SshTransport' before initialization").
 */
let powershell: Promise<typeof import('../transport/powershell.js')> | null = null;
const loadPowerShell = () => (powershell ??= import('../transport/powershell.js'));
let winrm: Promise<typeof import('../transport/winrm/transport.js')> | null = null;
const loadWinRm = () => (winrm ??= import('../transport/winrm/transport.js'));

/** One transport per host, by its connection type (pwsh is only spawned when a Windows host connects). */
export function makeConnector(o: ConnectorOptions): (host: HostView) => Promise<Transport> {
  const resolveSecret = async (ref: SecretRef): Promise<string> => {
    const v = await o.secrets.resolve(ref);
    o.redactor.add(v);
    return v;
  };
  return async (host) => {
    const conn = host.connection;
    switch (conn.type) {
      case 'local':
        return new LocalTransport(host.name);
      case 'ssh': {
        const t = await connectSsh({
          host: host.name,
          address: host.address,
          conn: o.acceptNewHostKeys ? { ...conn, acceptNewHostKeys: true } : conn,
          resolveSecret,
          ...(o.sshSettings?.get(host.name) && !o.acceptNewHostKeys ? { settings: o.sshSettings.get(host.name) as SshSettings } : {}),
          ...(o.sshConfig ? { sshConfig: o.sshConfig } : {}),
          ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
        });
        // the lock is taken by the host's first command (same exec): E_LOCKED comes from that command
        if (o.lockHolder !== undefined) t.lockHost(o.lockHolder);
        return t;
      }
      case 'winrm':
        // a real run holds the host lock (a command of the shell: src/transport/winrm/lock.ts)
        return (await loadWinRm()).connectWinRm({ host: host.name, address: host.address, conn, resolveSecret, ...(o.lockHolder !== undefined ? { lockHolder: o.lockHolder } : {}) });
      case 'psrp-ssh':
        return (await loadPowerShell()).connectPowerShell({ host: host.name, address: host.address, conn, resolveSecret, ...(o.sshConfig ? { sshConfig: o.sshConfig } : {}) });
    }
  };
}

/**
 * Builds what opens a host's one PowerShell-remoting-over-SSH session: the constant script
 * (OPEN_SESSION) and its `$data`. Pure: unit tests check it without a network. (WinRM hosts use
 * lvs-play's own WinRS client, src/transport/winrm/.)
 */
import type { JsonValue, PsrpSshConnection, PsScript } from '../types.js';
import { OPEN_SESSION } from './pwsh-scripts.js';

export interface SessionSetup {
  script: PsScript;
  /** `$data` of the script: no secret in it. */
  data: { [key: string]: JsonValue };
}

export function buildSessionSetup(
  address: string,
  conn: PsrpSshConnection,
  timeouts: { connectMs?: number } = {},
  /** ssh's HostKeyAlias (connecting through a local jump forward: the real host's known_hosts name). */
  hostKeyAlias?: string,
): SessionSetup {
  const connectMs = timeouts.connectMs ?? 15_000;
  const data: { [key: string]: JsonValue } = {
    kind: 'psrp-ssh',
    address,
    user: conn.user,
    port: conn.port ?? 22,
    connectTimeoutSec: Math.max(1, Math.ceil(connectMs / 1000)),
  };
  if (conn.keyFile) data.keyFile = conn.keyFile;
  if (conn.knownHosts) data.knownHosts = conn.knownHosts;
  if (hostKeyAlias) data.hostKeyAlias = hostKeyAlias;
  return { script: OPEN_SESSION, data };
}

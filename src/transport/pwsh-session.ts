/**
 * Builds what opens a host's one remote session: the constant script (OPEN_SESSION), its `$data`
 * and the environment of the local pwsh. Pure: unit tests check it without a network.
 */
import { randomBytes } from 'node:crypto';
import type { JsonValue, PsrpSshConnection, PsScript, WinRmConnection } from '../types.js';
import { OPEN_SESSION } from './pwsh-scripts.js';

export interface SessionSetup {
  script: PsScript;
  /** `$data` of the script: no secret in it. */
  data: { [key: string]: JsonValue };
  /** Environment of the local pwsh process: carries the WinRM password, nothing else. */
  env: Record<string, string>;
  /** Values to redact from every message. */
  secrets: string[];
}

const DEFAULT_WINRM_PORT = 5985;
const DEFAULT_WINRM_SSL_PORT = 5986;

export function buildSessionSetup(
  address: string,
  conn: WinRmConnection | PsrpSshConnection,
  password: string | null,
  timeouts: { connectMs?: number } = {},
  /** ssh's HostKeyAlias (connecting through a local jump forward: the real host's known_hosts name). */
  hostKeyAlias?: string,
): SessionSetup {
  const connectMs = timeouts.connectMs ?? 15_000;
  if (conn.type === 'winrm') {
    if (password === null) throw new Error('a WinRM connection needs its password');
    const useSsl = conn.useSsl ?? false;
    const secretEnv = `LVS_PLAY_WINRM_SECRET_${randomBytes(6).toString('hex').toUpperCase()}`;
    return {
      script: OPEN_SESSION,
      data: {
        kind: 'winrm',
        address,
        user: conn.user,
        port: conn.port ?? (useSsl ? DEFAULT_WINRM_SSL_PORT : DEFAULT_WINRM_PORT),
        useSsl,
        authentication: conn.authentication ?? 'Default',
        skipCertCheck: conn.skipCertCheck ?? false,
        openTimeoutMs: connectMs,
        secretEnv,
      },
      env: { [secretEnv]: password },
      secrets: [password],
    };
  }
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
  return { script: OPEN_SESSION, data, env: {}, secrets: [] };
}

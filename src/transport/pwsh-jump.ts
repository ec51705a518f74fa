/**
 * PowerShell remoting over SSH through the same jump settings as the ssh transport: pwsh runs
 * OpenSSH's client, which cannot use lvs-play's shared bastion connection. So when the host's
 * settings name a ProxyJump or ProxyCommand, a listener on 127.0.0.1 (this process only) hands
 * each connection pwsh's ssh makes to `openRoute` — the same shared bastion connection, the same
 * hop host-key checks — and pwsh connects there with HostKeyAlias set to the real host, so its
 * key is still checked against known_hosts under the host's own name.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { sshSettings } from '../sshconfig/settings.js';
import type { PsrpSshConnection, SecretRef, SshConnection } from '../types.js';
import { knownHostName } from './known-hosts.js';
import { openRoute, type RouteContext } from './ssh-route.js';

export interface JumpForward {
  /** Where pwsh connects instead (127.0.0.1 and this port). */
  port: number;
  /** The name pwsh's ssh checks the host key under. */
  hostKeyAlias: string;
  close(): Promise<void>;
}

function pipeThrough(client: Socket, ctx: RouteContext, settings: ReturnType<typeof sshSettings>): void {
  client.on('error', () => undefined);
  openRoute(settings, ctx).then(
    (route) => {
      route.sock.on('error', () => client.destroy());
      route.sock.on('close', () => {
        client.destroy();
        route.release();
      });
      client.on('close', () => route.sock.destroy());
      client.pipe(route.sock);
      route.sock.pipe(client);
    },
    () => client.destroy(), // pwsh's ssh then reports the closed connection; the hop's error is in its message
  );
}

/** The ssh settings' view of a PowerShell-over-SSH connection. */
export function sshConnOfPsrp(conn: PsrpSshConnection): SshConnection {
  return {
    type: 'ssh' as const,
    user: conn.user,
    ...(conn.port ? { port: conn.port } : {}),
    ...(conn.keyFile ? { keyFile: conn.keyFile } : {}),
    ...(conn.knownHosts ? { knownHosts: conn.knownHosts } : {}),
    ...(conn.sshConfig ? { sshConfig: conn.sshConfig } : {}),
    ...(conn.sshOptions ? { sshOptions: conn.sshOptions } : {}),
    ...(conn.connectTimeoutMs ? { connectTimeoutMs: conn.connectTimeoutMs } : {}),
  };
}

/** A local forward for a host behind jump hosts, or null when the host is reached directly. */
export async function pwshJumpForward(address: string, conn: PsrpSshConnection, resolve: (s: SecretRef) => Promise<string>, sshConfig?: string): Promise<JumpForward | null> {
  const sshConn = sshConnOfPsrp(conn);
  const input = { host: address, conn: sshConn, ...(sshConfig ? { sshConfig } : {}) };
  const settings = sshSettings(input);
  if (!settings.jump && !settings.proxyCommand) return null;
  const ctx: RouteContext = { input, resolve };
  const server: Server = createServer((client) => pipeThrough(client, ctx, settings));
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    hostKeyAlias: knownHostName(settings.hostname, settings.port),
    close: () => new Promise<void>((res) => server.close(() => res())),
  };
}

/**
 * A transport's one connection to its host: opened on first use (the route, direct or through jump
 * hosts: src/transport/ssh-route.ts; then the verified handshake: ssh-connect.ts, each timed),
 * shared by every command, and reopened once asked after it dropped. A `ready` step (the host
 * lock's re-take) runs on each new connection before it is handed out.
 */
import type { Client } from 'ssh2';
import { LvsError } from '../errors.js';
import { timed } from '../profile.js';
import type { SettingsInput, SshSettings } from '../sshconfig/settings.js';
import type { SecretRef } from '../types.js';
import { errText, openVerified } from './ssh-connect.js';
import { openRoute, type Route } from './ssh-route.js';

/** Whom the link reaches, and how. */
export interface LinkTarget {
  /** Inventory name of the host (for messages and timings). */
  host: string;
  /** Its settings input (inventory connection, --ssh-config, --timeout): jump hosts are resolved from it. */
  input: SettingsInput;
  settings: SshSettings;
  resolve(s: SecretRef): Promise<string>;
}

/** The host's connection, opened once and shared. */
export class SshLink {
  private ssh: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private closed = false;
  /** Gives back the route's shared jump hosts (at close, not only when the connection's close event comes). */
  private release: () => void = () => undefined;
  /** The jump host whose connection dropped under this one, if any (named in failures). */
  private lostHop: () => string | null = () => null;
  /** `user@host:port`, for messages. */
  readonly where: string;

  constructor(
    private readonly target: LinkTarget,
    private readonly ready: (ssh: Client) => Promise<void>,
  ) {
    const s = target.settings;
    this.where = `${s.user}@${s.hostname}:${s.port}`;
  }

  /** The open connection, if any (not opening one). */
  get current(): Client | null {
    return this.ssh;
  }

  /** Opens the connection (or returns the open one; a dropped connection is reopened once asked). */
  async connect(): Promise<Client> {
    if (this.closed) throw new LvsError('E_CONNECT', `ssh transport of ${this.target.host} is closed`);
    if (this.ssh) return this.ssh;
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** `the connection to BASTION was lost: ` when a jump host dropped under this connection, else ''. */
  lostHopText(): string {
    const hop = this.lostHop();
    return hop ? `the connection to ${hop} was lost: ` : '';
  }

  /** Closes for good: ends the connection and gives back the jump hosts. */
  close(): void {
    const ssh = this.ssh;
    this.closed = true;
    this.ssh = null;
    ssh?.end();
    this.release();
  }

  private async open(): Promise<Client> {
    const { route, ssh } = await this.dial();
    this.adopt(ssh, route);
    try {
      await this.ready(ssh);
    } catch (e) {
      ssh.end();
      throw e;
    }
    this.ssh = ssh;
    return ssh;
  }

  /** The route, then the handshake on it (timed apart: src/profile.ts); failures as E_CONNECT. */
  private async dial(): Promise<{ route: Route; ssh: Client }> {
    const { host, settings, input } = this.target;
    const resolve = (r: SecretRef) => this.target.resolve(r);
    let route: Route | undefined;
    try {
      route = await timed(host, 'connect', () => openRoute(settings, { input, resolve, label: host }));
      const sock = route.sock;
      const ssh = await timed(host, 'handshake', () => openVerified({ label: host, settings, conn: input.conn, resolve }, sock));
      return { route, ssh };
    } catch (e) {
      route?.sock.destroy();
      route?.release();
      throw e instanceof LvsError ? e : new LvsError('E_CONNECT', `cannot connect to ${host} at ${settings.hostname}:${settings.port}: ${errText(e)}`);
    }
  }

  /** Wires a new connection: its route given back when it closes, a drop noticed (the next call reconnects). */
  private adopt(ssh: Client, route: Route): void {
    const release = route.release;
    ssh.once('close', release);
    this.release = release;
    this.lostHop = route.lostHop ?? (() => null);
    ssh.on('error', () => {
      // A later ECONNRESET must not crash the process; the next call reconnects.
      if (this.ssh === ssh) this.ssh = null;
    });
    ssh.on('close', () => {
      if (this.ssh === ssh) this.ssh = null;
    });
  }
}

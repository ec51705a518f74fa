/**
 * The SSH connection: node-ssh opens and authenticates it (its `connection` is ssh2's Client);
 * commands then run on that client's exec channels directly, collecting their output as bytes.
 */
import { NodeSSH, type Config as ConnectConfig } from 'node-ssh';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { feedStdin, type StdinPart } from './stdin.js';

export type { ConnectConfig };

/** Connects and authenticates; rejects with ssh2's error (its `level` says which stage failed). */
export async function openClient(config: ConnectConfig): Promise<Client> {
  const ssh = new NodeSSH();
  const connecting = ssh.connect(config);
  // node-ssh creates ssh2's Client and starts it synchronously when the key is given as text
  if (ssh.connection) ignoreHostKeyUpdates(ssh.connection);
  try {
    await connecting;
  } catch (e) {
    ssh.dispose(); // ssh2 may emit more errors after a failed auth: node-ssh's listener keeps catching them
    throw e;
  }
  const client = ssh.connection;
  if (!client) throw Object.assign(new Error('the connection closed right after the SSH handshake'), { code: 'ECONNRESET' });
  return client;
}

type GlobalRequestHandler = (p: unknown, name: string, wantReply: boolean, data: unknown) => void;
interface Ssh2Internals {
  _protocol?: { _handlers?: { GLOBAL_REQUEST?: GlobalRequestHandler }; requestSuccess?(): void };
}

/**
 * After login, OpenSSH's sshd announces all its host keys (`hostkeys-00@openssh.com`, for clients
 * that update known_hosts). ssh2 then always asks the server to PROVE every key (a signature per
 * key, RSA among them, made on the host, verified here): a round trip and ~4 ms of CPU on the host
 * per connection, for keys this tool never uses (the key was checked against known_hosts during the
 * key exchange). OpenSSH's client with its own UserKnownHostsFile does not ask either
 * (UpdateHostKeys off); ssh2 has no option for it (mscdex/ssh2#1437), so the notification is
 * answered here as OpenSSH does when it ignores it. Guarded: with another ssh2 layout nothing changes.
 */
export function ignoreHostKeyUpdates(client: Client): boolean {
  const proto = (client as unknown as Ssh2Internals)._protocol;
  const handlers = proto?._handlers;
  const next = handlers?.GLOBAL_REQUEST;
  if (!proto || !handlers || typeof next !== 'function' || typeof proto.requestSuccess !== 'function') return false;
  handlers.GLOBAL_REQUEST = (p, name, wantReply, data) => {
    if (name !== 'hostkeys-00@openssh.com') return next(p, name, wantReply, data);
    if (wantReply) proto.requestSuccess?.();
  };
  return true;
}

export interface ExecIo {
  /** Written in order (a ByteStream chunk by chunk, with the channel's backpressure), then EOF. */
  stdin?: readonly StdinPart[];
  onStdout(b: Buffer): void;
  onStderr(b: Buffer): void;
}

/** One exec channel: resolves with the exit code (null when killed by a signal or cut off). */
export function execOn(client: Client, command: string, io: ExecIo): Promise<number | null> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err: Error | undefined, channel: ClientChannel) => {
      if (err) return reject(err);
      let code: number | null = null;
      channel.on('data', io.onStdout);
      channel.stderr.on('data', io.onStderr);
      channel.on('exit', (c: number | null) => {
        code = typeof c === 'number' ? c : null;
      });
      channel.on('close', () => resolve(code));
      // a source that fails to read ends the channel early: the command sees a short input
      void feedStdin(channel, io.stdin ?? []).catch(() => channel.end());
    });
  });
}

export function sftpOf(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((err, s) => (err ? reject(err) : resolve(s))));
}

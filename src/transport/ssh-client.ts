/**
 * The SSH connection: node-ssh opens and authenticates it (its `connection` is ssh2's Client);
 * commands then run on that client's exec channels directly, collecting their output as bytes.
 */
import { NodeSSH, type Config as ConnectConfig } from 'node-ssh';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';

export type { ConnectConfig };

/** Connects and authenticates; rejects with ssh2's error (its `level` says which stage failed). */
export async function openClient(config: ConnectConfig): Promise<Client> {
  const ssh = new NodeSSH();
  try {
    await ssh.connect(config);
  } catch (e) {
    ssh.dispose(); // ssh2 may emit more errors after a failed auth: node-ssh's listener keeps catching them
    throw e;
  }
  const client = ssh.connection;
  if (!client) throw Object.assign(new Error('the connection closed right after the SSH handshake'), { code: 'ECONNRESET' });
  return client;
}

export interface ExecIo {
  stdin?: Buffer;
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
      if (io.stdin && io.stdin.length) channel.end(io.stdin);
      else channel.end();
    });
  });
}

export function sftpOf(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((err, s) => (err ? reject(err) : resolve(s))));
}

/**
 * ssh2's Client, used directly (no wrapper: one less layer to load and per command): open a
 * connection, run one exec on it, collect its output as bytes.
 */
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';

export type { ConnectConfig };

/** Connects and authenticates; rejects with ssh2's error (its `level` says which stage failed). */
export function openClient(config: ConnectConfig): Promise<Client> {
  const client = new Client();
  return new Promise((resolve, reject) => {
    // ssh2 may emit several errors (e.g. after an auth failure): every one needs a listener
    const failed = (e: Error) => {
      reject(e);
      client.end();
    };
    const closed = () => reject(Object.assign(new Error('the connection closed before the SSH handshake completed'), { code: 'ECONNRESET' }));
    client.on('error', failed);
    client.once('close', closed);
    client.once('ready', () => {
      client.off('error', failed); // the transport listens from here on
      client.off('close', closed);
      resolve(client);
    });
    client.connect(config);
  });
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

/**
 * The lab's WinRM endpoint on loopback as lvs-play's client tests want it (over endpoint.ts's
 * startLoopbackWinrm): ports, the CA, a connection builder, and one more HTTPS listener whose
 * certificate (same CA) is made for another name — a certificate mismatch.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { WINRM_PYTHON, winrmServerScript } from '../../../src/lab/winrm.js';
import type { WinRmConnection } from '../../../src/types.js';
import { freePort, loopbackWinrmUnavailable, startLoopbackWinrm, type LoopbackWinrm } from './endpoint.js';

/** Why the endpoint cannot run here, or null. */
export const winrmSkipReason: string | null = loopbackWinrmUnavailable();
if (winrmSkipReason) console.warn(`the lab's WinRM endpoint cannot run here (${winrmSkipReason}): WinRM client tests skipped`);

export interface LoopbackWinRm {
  /** A temp dir of the endpoint (tests may write there). */
  dir: string;
  http: number;
  https: number;
  ca: string;
  password: string;
  /** HTTPS with a certificate for 10.99.99.99 / "elsewhere" (same CA). */
  wrongName: number;
  conn(over: Partial<WinRmConnection>): WinRmConnection;
  stop(): Promise<void>;
}

async function wrongNameListener(ep: LoopbackWinrm, dir: string, port: number): Promise<ChildProcess> {
  const pki = ['--ca-cert', ep.caFile, '--ca-key', join(dir, 'ca.key'), '--cert', join(dir, 'elsewhere.pem'), '--key', join(dir, 'elsewhere.key')];
  const made = spawnSync(WINRM_PYTHON, [winrmServerScript(), '--make-certs', ...pki, '--cert-address', '10.99.99.99', '--cert-name', 'elsewhere'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`winrm certificate for another name: ${made.stderr}`);
  const child = spawn(WINRM_PYTHON, [winrmServerScript(), '--tls-listen', `127.0.0.1:${port}`, ...pki.slice(4), '--user-file', join(dir, 'users')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (b: Buffer) => {
      log += b.toString();
      if (log.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the wrong-name listener exited (${code}): ${log}`)));
  });
  return child;
}

export async function startLoopbackWinRm(): Promise<LoopbackWinRm> {
  const ep = await startLoopbackWinrm();
  const dir = dirname(ep.caFile);
  const wrongName = await freePort();
  const other = await wrongNameListener(ep, dir, wrongName);
  const port = (url: string) => Number(new URL(url).port);
  return {
    dir,
    http: port(ep.httpUrl),
    https: port(ep.httpsUrl),
    ca: ep.caFile,
    password: ep.password,
    wrongName,
    conn: (over) => ({ type: 'winrm', user: ep.user, password: { type: 'secret', source: { value: ep.password } }, port: port(ep.httpUrl), ...over }) as WinRmConnection,
    stop: async () => {
      other.kill();
      await ep.stop();
    },
  };
}

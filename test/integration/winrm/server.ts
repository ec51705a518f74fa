/**
 * The lab's WinRM endpoint (lab/winrm/server.py: gss-ntlmssp, held honest by pywinrm) on loopback,
 * for the client's integration and fault tests. `LVS_WINRM_SERVER` may point at another copy of
 * server.py (e.g. a branch not merged yet); without either, the tests skip and say why.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WinRmConnection } from '../../../src/types.js';

const inRepo = fileURLToPath(new URL('../../../lab/winrm/server.py', import.meta.url));
export const serverPy: string | undefined = [process.env.LVS_WINRM_SERVER, inRepo].find((p): p is string => !!p && existsSync(p));
export const SKIP_REASON = `lab/winrm/server.py is absent (the lab's WinRM endpoint; set LVS_WINRM_SERVER to a copy): WinRM client tests skipped`;

export const USER = 'Administrator';
export const PASSWORD = `pa'ss"w$(rd) ü`;

export interface LoopbackWinRm {
  dir: string;
  http: number;
  https: number;
  /** CA of the server certificate (made for 127.0.0.1 / localhost). */
  ca: string;
  /** A CA-signed certificate for another name, served on `wrongName` (certificate mismatch). */
  wrongName: number;
  conn(over: Partial<WinRmConnection>): WinRmConnection;
  stop(): void;
}

const python = '/usr/bin/python3';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function makeCert(script: string, dir: string, name: string, address: string): void {
  const r = spawnSync(python, [script, '--make-certs', '--ca-cert', join(dir, 'ca.pem'), '--ca-key', join(dir, 'ca.key'), '--cert', join(dir, `${name}.pem`), '--key', join(dir, `${name}.key`), '--cert-address', address, '--cert-name', name], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`server.py --make-certs failed: ${r.stderr}`);
}

function listen(script: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(python, [script, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (b: Buffer) => {
      err += b.toString();
      if (err.includes('listening on')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`server.py exited (${code}): ${err}`)));
  });
}

/** Starts the endpoint: HTTP (NTLM, sealed), HTTPS (NTLM or Basic), and HTTPS with a wrong-name certificate. */
export async function startLoopbackWinRm(extra: string[] = []): Promise<LoopbackWinRm> {
  const script = serverPy!;
  const dir = mkdtempSync(join(tmpdir(), 'lvs-winrm-'));
  writeFileSync(join(dir, 'users'), `LOOPBACK:${USER}:${PASSWORD}\n`, { mode: 0o600 });
  makeCert(script, dir, 'localhost', '127.0.0.1');
  makeCert(script, dir, 'elsewhere', '10.99.99.99');
  const [http, https, wrongName] = [await freePort(), await freePort(), await freePort()];
  const common = ['--user-file', join(dir, 'users'), ...extra];
  const main = await listen(script, ['--listen', `127.0.0.1:${http}`, '--tls-listen', `127.0.0.1:${https}`, '--cert', join(dir, 'localhost.pem'), '--key', join(dir, 'localhost.key'), ...common]);
  const other = await listen(script, ['--tls-listen', `127.0.0.1:${wrongName}`, '--cert', join(dir, 'elsewhere.pem'), '--key', join(dir, 'elsewhere.key'), ...common]);
  return {
    dir,
    http,
    https,
    wrongName,
    ca: join(dir, 'ca.pem'),
    conn: (over) => ({ type: 'winrm', user: USER, password: { type: 'secret', source: { value: PASSWORD } }, port: http, ...over }) as WinRmConnection,
    stop: () => {
      main.kill();
      other.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

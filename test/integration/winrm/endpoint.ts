/**
 * The lab's WinRM endpoint (lab/winrm/server.py) on loopback, for integration tests: a throwaway
 * account, a throwaway CA and server certificate for 127.0.0.1, HTTP and HTTPS on free ports.
 * Usable by any WinRM client test (pywinrm here; lvs-play's own client too).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WINRM_PYTHON, winrmServerScript } from '../../../src/lab/winrm.js';

export interface LoopbackWinrm {
  httpUrl: string;
  httpsUrl: string;
  caFile: string;
  user: string;
  password: string;
  /** The server's log so far (stderr: one line per request, refusals with their reason). */
  log(): string;
  stop(): Promise<void>;
}

/** Why the endpoint cannot run here (no Debian python3 with gssapi, no gss-ntlmssp, no openssl), or null. */
export function loopbackWinrmUnavailable(): string | null {
  if (!existsSync(WINRM_PYTHON)) return `${WINRM_PYTHON} missing`;
  const r = spawnSync(WINRM_PYTHON, ['-c', 'import gssapi, winrm'], { encoding: 'utf8' });
  if (r.status !== 0) return 'python3-gssapi / python3-winrm missing (scripts/install-deps.sh)';
  if (!existsSync('/etc/gss/mech.d/mech.ntlmssp.conf')) return 'gss-ntlmssp missing (scripts/install-deps.sh)';
  if (spawnSync('openssl', ['version']).status !== 0) return 'openssl missing';
  return null;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startLoopbackWinrm(opts: { user?: string; password?: string; maxEnvelopeKb?: number } = {}): Promise<LoopbackWinrm> {
  const dir = mkdtempSync(join(tmpdir(), 'lvs-winrm-'));
  const user = opts.user ?? 'Administrator';
  const password = opts.password ?? randomBytes(12).toString('base64url');
  const users = join(dir, 'users');
  writeFileSync(users, `LOOPBACK:${user}:${password}\n`, { mode: 0o600 });
  const script = winrmServerScript();
  const pki = ['--ca-cert', join(dir, 'ca.pem'), '--ca-key', join(dir, 'ca.key'), '--cert', join(dir, 'server.pem'), '--key', join(dir, 'server.key')];
  const made = spawnSync(WINRM_PYTHON, [script, '--make-certs', ...pki, '--cert-address', '127.0.0.1', '--cert-name', 'localhost'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`winrm certificates: ${made.stderr}`);
  const [http, https] = [await freePort(), await freePort()];
  const child = spawn(WINRM_PYTHON, [script, '--listen', `127.0.0.1:${http}`, '--tls-listen', `127.0.0.1:${https}`, ...pki.slice(4),
    '--user-file', users, '--max-envelope-kb', String(opts.maxEnvelopeKb ?? 150)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  await waitListening(child, () => log);
  return {
    httpUrl: `http://127.0.0.1:${http}/wsman`,
    httpsUrl: `https://127.0.0.1:${https}/wsman`,
    caFile: join(dir, 'ca.pem'),
    user,
    password,
    log: () => log,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitListening(child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (log().includes('winrm: listening on')) return;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`the WinRM endpoint did not start:\n${log()}`);
}

/** A scenario of test/integration/winrm/pywinrm_client.py (Debian's pywinrm); the password goes on stdin. */
export async function pywinrm<T = Record<string, unknown>>(scenario: Record<string, unknown>, password: string): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'lvs-pywinrm-'));
  try {
    // Debian 12's python3-ntlm-auth computes NT hashes with hashlib's MD4: OpenSSL 3 has it in its legacy provider only.
    const conf = join(dir, 'openssl.cnf');
    writeFileSync(conf, OPENSSL_LEGACY);
    const script = fileURLToPath(new URL('./pywinrm_client.py', import.meta.url));
    const child = spawn(WINRM_PYTHON, [script, JSON.stringify(scenario)], { env: { ...process.env, OPENSSL_CONF: conf } });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.stdin.end(`${password}\n`);
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const code = await new Promise<number | null>((r) => child.once('close', r));
    clearTimeout(timer);
    if (code !== 0) throw new Error(`pywinrm_client.py failed (${code}): ${err}`);
    return JSON.parse(out) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const OPENSSL_LEGACY = `openssl_conf = openssl_init
[openssl_init]
providers = provider_sect
[provider_sect]
default = default_sect
legacy = legacy_sect
[default_sect]
activate = 1
[legacy_sect]
activate = 1
`;

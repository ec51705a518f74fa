/**
 * WinRM on the lab's Windows hosts (kind "powershell", win1): lab/winrm/server.py serves WinRS on
 * ADDRESS:5985 (NTLM through gss-ntlmssp, message encryption required) and ADDRESS:5986 (TLS with the
 * lab's WinRM CA; Negotiate or Basic), in the host's network namespace. Commands it receives run
 * INSIDE the host (nsenter into its namespaces and chroot): PowerShell with the pwsh and the Windows
 * simulation that PowerShell over SSH uses there, other command lines with /bin/sh.
 *
 * The server runs with the control node's Debian python3 (python3-gssapi, gss-ntlmssp: the host's
 * minbase rootfs has neither); as a process of the host's netns it ends with the host (`lab down`,
 * stopLabHost) and `lab up` starts it again. The account (Administrator, a random password made
 * once) is in LABDIR/HOST-winrm.json (0600), the CA in LABDIR/winrm-ca.pem.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, closeSync, openSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec, type Progress } from './exec.js';
import { initPid, portAnswers } from './hostproc.js';
import { labDir, netnsName, paths } from './paths.js';
import { PWSH_HOST_ENV, PWSH_WRAPPER, hostPwshPath } from './powershell-host.js';
import { writeFileAtomic } from './state.js';
import type { LabHost } from './topology.js';

/** Debian's python3 (the one with python3-gssapi), not whatever python3 is first on PATH. */
export const WINRM_PYTHON = '/usr/bin/python3';
/** The lab's WinRM HTTP port (Windows' default). */
export const WINRM_HTTP_PORT = 5985;
/** The lab's WinRM HTTPS port (Windows' default). */
export const WINRM_HTTPS_PORT = 5986;
export const WINRM_USER = 'Administrator';

/** What a client needs to reach a lab host over WinRM (for the inventory and tests). */
export interface LabWinrmEndpoint {
  /** The lab host's name (win1). */
  host: string;
  /** Its address on the lab bridge. */
  address: string;
  /** HTTP: NTLM with message encryption. */
  httpPort: number;
  /** HTTPS: Negotiate or Basic. */
  httpsPort: number;
  /** The account's user name (its password: readLabWinrmAccount). */
  user: string;
  /** JSON {"user", "password", ...}, mode 0600, written by `lab up`. */
  accountFile: string;
  /** The lab's WinRM CA (PEM): validates the host's HTTPS certificate (subjectAltName IP + name). */
  caFile: string;
}

/** A lab host's WinRM account (from LABDIR/HOST-winrm.json). */
export interface LabWinrmAccount {
  user: string;
  password: string;
}

/** lab/winrm/server.py of this package. */
export function winrmServerScript(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'lab', 'winrm', 'server.py');
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  throw new Error('lab/winrm/server.py not found beside this package');
}

export const winrmPaths = {
  ca: () => join(labDir(), 'winrm-ca.pem'),
  caKey: () => join(labDir(), 'winrm-ca.key'),
  account: (host: string) => join(labDir(), `${host}-winrm.json`),
  dir: (host: string) => join(paths.hostDir(host), 'winrm'),
};
const file = (host: string, name: string) => join(winrmPaths.dir(host), name);

/** Where and how a client reaches a lab host's WinRM endpoint (what an inventory needs). */
export function labWinrmEndpoint(host: Pick<LabHost, 'name' | 'address'>): LabWinrmEndpoint {
  return {
    host: host.name, address: host.address, httpPort: WINRM_HTTP_PORT, httpsPort: WINRM_HTTPS_PORT, user: WINRM_USER,
    accountFile: winrmPaths.account(host.name), caFile: winrmPaths.ca(),
  };
}

/** The account `lab up` made for the host (rejects when the lab was not brought up with WinRM). */
export async function readLabWinrmAccount(host: string): Promise<LabWinrmAccount> {
  const j = JSON.parse(await readFile(winrmPaths.account(host), 'utf8')) as LabWinrmAccount;
  return { user: j.user, password: j.password };
}

/** The host's account: made once (random password), kept across `lab up`s. */
async function ensureAccount(h: LabHost): Promise<LabWinrmAccount> {
  const old = await readLabWinrmAccount(h.name).catch(() => null);
  const account = old ?? { user: WINRM_USER, password: randomBytes(18).toString('base64url') };
  const ep = labWinrmEndpoint(h);
  const json = { ...account, address: h.address, http_port: ep.httpPort, https_port: ep.httpsPort, ca: ep.caFile };
  await writeFileAtomic(winrmPaths.account(h.name), `${JSON.stringify(json, null, 2)}\n`, 0o600);
  // gss-ntlmssp's user file (DOMAIN:user:password); the NetBIOS domain of a workgroup host is its name
  await writeFileAtomic(file(h.name, 'users'), `${h.name.toUpperCase()}:${account.user}:${account.password}\n`, 0o600);
  return account;
}

async function ensureCerts(h: LabHost): Promise<void> {
  const r = await exec([WINRM_PYTHON, winrmServerScript(), '--make-certs', '--ca-cert', winrmPaths.ca(), '--ca-key', winrmPaths.caKey(),
    '--cert', file(h.name, 'server.pem'), '--key', file(h.name, 'server.key'), '--cert-address', h.address, '--cert-name', h.name]);
  if (r.code !== 0) throw new Error(`lab: WinRM certificate of ${h.name}: ${r.stderr.trim()}`);
}

/** Why the endpoint cannot run on this control node, or null. */
async function unavailable(): Promise<string | null> {
  if (!hostPwshPath()) return 'no pwsh to lend to the host';
  const r = await exec([WINRM_PYTHON, '-c', 'import gssapi']);
  if (r.code !== 0) return `${WINRM_PYTHON} has no gssapi (apt-get install python3-gssapi gss-ntlmssp: scripts/install-deps.sh)`;
  if (!existsSync('/etc/gss/mech.d/mech.ntlmssp.conf')) return 'gss-ntlmssp is not installed (scripts/install-deps.sh)';
  return null;
}

function serverArgv(h: LabHost, pid: number): string[] {
  const env = Object.entries({ ...PWSH_HOST_ENV, HOME: '/root' }).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  const enter = ['nsenter', '-t', String(pid), '-n', '-u', '-p', '-m', '-r', '-w', '--'];
  return [WINRM_PYTHON, winrmServerScript(),
    '--listen', `${h.address}:${WINRM_HTTP_PORT}`, '--tls-listen', `${h.address}:${WINRM_HTTPS_PORT}`,
    '--cert', file(h.name, 'server.pem'), '--key', file(h.name, 'server.key'), '--user-file', file(h.name, 'users'),
    '--machine-name', h.name.toUpperCase(), '--exec-prefix', JSON.stringify(enter), '--pwsh', JSON.stringify([PWSH_WRAPPER]), ...env];
}

/** Identifies a running server: its argv (host pid included) and the server's source files. */
async function fingerprint(argv: readonly string[]): Promise<string> {
  const h = createHash('sha256').update(argv.join('\0'));
  const dir = dirname(winrmServerScript());
  for (const f of ['server.py', 'auth.py', 'wsman.py', 'winrs.py', 'shells.py', 'commandline.py', 'certs.py']) {
    h.update(await readFile(join(dir, f)).catch(() => Buffer.alloc(0)));
  }
  return h.digest('hex').slice(0, 16);
}

interface PidFile {
  pid: number;
  fingerprint: string;
}

async function running(h: LabHost): Promise<PidFile | null> {
  const p = JSON.parse(await readFile(file(h.name, 'server.pid.json'), 'utf8').catch(() => 'null')) as PidFile | null;
  if (!p) return null;
  const cmd = await readFile(`/proc/${p.pid}/cmdline`, 'utf8').catch(() => '');
  return cmd.includes(winrmServerScript()) ? p : null;
}

/** Stops the host's WinRM server (by its recorded pid) and waits until its ports are closed. */
export async function stopLabWinrm(h: LabHost): Promise<void> {
  const p = await running(h);
  if (p) {
    process.kill(p.pid, 'SIGTERM');
    for (let i = 0; i < 50 && (await running(h)); i++) await sleep(100);
    if (await running(h)) process.kill(p.pid, 'SIGKILL');
  }
  await rm(file(h.name, 'server.pid.json'), { force: true });
}

/** `lab up`: the host serves WinRM (started, or restarted when its host or the server's files changed). */
export async function ensureLabWinrm(h: LabHost, progress: Progress): Promise<void> {
  const pid = await initPid(h.name);
  if (!pid) throw new Error(`lab: ${h.name} is not running`);
  const argv = serverArgv(h, pid);
  const fp = await fingerprint(argv);
  const cur = await running(h);
  // running as wanted (same host process, same server files): nothing to do, nothing spawned
  if (cur?.fingerprint === fp && existsSync(winrmPaths.account(h.name)) && (await portAnswers(h.address, WINRM_HTTP_PORT))
    && (await portAnswers(h.address, WINRM_HTTPS_PORT))) return;
  const why = await unavailable();
  if (why) return progress(`${h.name}: no WinRM endpoint (${why})`);
  await ensureAccount(h);
  await ensureCerts(h);
  if (cur) await stopLabWinrm(h);
  progress(`${h.name}: WinRM on ${h.address}:${WINRM_HTTP_PORT} (NTLM, encrypted) and :${WINRM_HTTPS_PORT} (HTTPS)`);
  const log = openSync(file(h.name, 'server.log'), 'a');
  const child = spawn('ip', ['netns', 'exec', netnsName(h.name), ...argv], {
    detached: true, stdio: ['ignore', log, log], env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8' },
  });
  child.unref();
  closeSync(log);
  await writeFileAtomic(file(h.name, 'server.pid.json'), JSON.stringify({ pid: child.pid, fingerprint: fp }), 0o600);
  for (let i = 0; i < 100; i++) {
    if ((await portAnswers(h.address, WINRM_HTTP_PORT, 300)) && (await portAnswers(h.address, WINRM_HTTPS_PORT, 300))) return;
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  const tail = (await readFile(file(h.name, 'server.log'), 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
  throw new Error(`lab: the WinRM endpoint of ${h.name} does not answer (log ${file(h.name, 'server.log')})\n${tail}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * A host's processes: PID 1 (init.py) in the host's netns + its own UTS, PID and mount namespaces,
 * chrooted into its rootfs with /proc, /sys, /dev, /dev/pts and /run mounted there. Stopping PID 1
 * ends the PID namespace (every process of the host) and with it the host's mounts.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { exec, type ExecOptions, type ExecResult } from './exec.js';
import { INIT_PATH, SSHD_LOG } from './configure.js';
import type { BindMount } from './kind-setup.js';
import { netnsName, paths } from './paths.js';

const PATH_ENV = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const HOST_ENV = { PATH: PATH_ENV, HOME: '/root', LANG: 'C.UTF-8', TERM: 'dumb' };

/** Runs as PID 1 before chroot: mounts, hostname, then exec's init.py inside the rootfs. */
const START_SH = `set -e
R=$1; H=$2; shift 2
hostname "$H"
mount -t proc proc "$R/proc"
mount -t sysfs sysfs "$R/sys"
mount -t tmpfs -o mode=755,size=16m,nosuid tmpfs "$R/dev"
mknod -m 666 "$R/dev/null" c 1 3; mknod -m 666 "$R/dev/zero" c 1 5; mknod -m 666 "$R/dev/full" c 1 7
mknod -m 666 "$R/dev/random" c 1 8; mknod -m 666 "$R/dev/urandom" c 1 9; mknod -m 666 "$R/dev/tty" c 5 0
mkdir -p "$R/dev/pts" "$R/dev/shm" "$R/dev/net"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/dev/shm"
ln -s /proc/self/fd "$R/dev/fd"; ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"; ln -s /proc/self/fd/2 "$R/dev/stderr"
[ -e /dev/net/tun ] && mknod -m 666 "$R/dev/net/tun" c 10 200
mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$R/run"
while [ $# -ge 3 ]; do
  mkdir -p "$R$2"; mount --bind "$1" "$R$2"
  [ "$3" = ro ] && mount -o remount,bind,ro "$R$2"
  shift 3
done
exec chroot "$R" /usr/bin/python3 ${INIT_PATH} "$H"
`;

/** Host pid of the host's PID 1, or null when it is not running. */
export async function initPid(host: string): Promise<number | null> {
  const r = await exec(['ip', 'netns', 'pids', netnsName(host)]);
  if (r.code !== 0) return null;
  for (const p of r.stdout.split('\n').filter(Boolean)) {
    const cmd = await readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '');
    const argv = cmd.split('\0');
    if (argv[1] === INIT_PATH && argv[2] === host) return Number(p);
  }
  return null;
}

export async function startHost(host: string, rootfs: string, binds: readonly BindMount[]): Promise<number> {
  const log = openSync(paths.log(host), 'a');
  const bindArgs = binds.flatMap((b) => [b.source, b.target, b.readonly ? 'ro' : 'rw']);
  const child = spawn(
    'ip',
    ['netns', 'exec', netnsName(host), 'unshare', '--uts', '--pid', '--mount', '--fork', '--propagation', 'private',
      '--kill-child', '/bin/sh', '-c', START_SH, 'lvs-play-start', rootfs, host, ...bindArgs],
    { detached: true, stdio: ['ignore', log, log], env: HOST_ENV },
  );
  child.unref();
  closeSync(log);
  for (let i = 0; i < 100; i++) {
    const pid = await initPid(host);
    if (pid) return pid;
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  const tail = (await readFile(paths.log(host), 'utf8').catch(() => '')).trim().split('\n').slice(-10).join('\n');
  throw new Error(`lab: ${host} did not start (see ${paths.log(host)})\n${tail}`);
}

/** Stops PID 1 (SIGTERM, then SIGKILL) and anything else left in the host's netns. */
export async function stopHost(host: string): Promise<void> {
  const pid = await initPid(host);
  if (pid) {
    signal(pid, 'SIGTERM');
    for (let i = 0; i < 40 && existsPid(pid); i++) await sleep(50);
    if (existsPid(pid)) signal(pid, 'SIGKILL');
  }
  await killNetnsProcesses(netnsName(host));
}

/** Kills every process whose network namespace is `netns` (e.g. after a crash). */
export async function killNetnsProcesses(netns: string): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const r = await exec(['ip', 'netns', 'pids', netns]);
    const pids = r.stdout.split('\n').filter(Boolean).map(Number);
    if (r.code !== 0 || pids.length === 0) return;
    for (const p of pids) signal(p, round < 2 ? 'SIGTERM' : 'SIGKILL');
    await sleep(100);
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

function existsPid(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs argv inside a running lab host (its netns, UTS, PID and mount namespaces, chroot). */
export async function hostExec(host: string, argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const pid = await initPid(host);
  if (!pid) return { code: null, stdout: '', stderr: `lab host ${host} is not running (lvs-play lab up)` };
  return exec(['nsenter', '-t', String(pid), '-n', '-u', '-p', '-m', '-r', '-w', '--', ...argv], { env: HOST_ENV, ...opts });
}

/** Connects to address:port within timeoutMs; with `banner`, the first data must satisfy it too. */
function probe(address: string, port: number, timeoutMs: number, banner: ((first: Buffer) => boolean) | null): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: address, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.on('error', () => done(false));
    if (banner) s.once('data', (b: Buffer) => done(banner(b)));
    else s.once('connect', () => done(true));
  });
}

/** Does something answer with an SSH banner on address:port within timeoutMs? */
export function sshAnswers(address: string, port = 22, timeoutMs = 2000): Promise<boolean> {
  return probe(address, port, timeoutMs, (b) => b.toString('latin1').startsWith('SSH-'));
}

/** Does something accept a TCP connection on address:port within timeoutMs? */
export function portAnswers(address: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return probe(address, port, timeoutMs, null);
}

export async function waitSsh(address: string, up: boolean, timeoutMs = 15_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if ((await sshAnswers(address, 22, 1000)) === up) return true;
    await sleep(100);
  }
  return false;
}

/** Stops the host's sshd listener (existing sessions stay), as `systemctl stop ssh` would. */
export async function stopSshdIn(host: string, address: string): Promise<void> {
  await hostExec(host, ['sh', '-c', 'if [ -f /run/sshd.pid ]; then kill "$(cat /run/sshd.pid)"; fi; rm -f /run/sshd.pid']);
  if (!(await waitSsh(address, false))) throw new Error(`lab: sshd of ${host} still answers`);
}

export async function startSshdIn(host: string, address: string): Promise<void> {
  if (await sshAnswers(address)) return;
  const r = await hostExec(host, ['/usr/sbin/sshd', '-E', SSHD_LOG]);
  if (r.code !== 0) throw new Error(`lab: sshd of ${host} did not start: ${r.stderr.trim()}`);
  if (!(await waitSsh(address, true))) throw new Error(`lab: sshd of ${host} does not answer on ${address}:22`);
}

export async function listDir(p: string): Promise<string[]> {
  return readdir(p).catch(() => []);
}

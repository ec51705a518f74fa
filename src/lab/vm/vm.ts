import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { exec, execOk, tail } from './exec.js';
import type { BaseImage } from './image.js';
import { qemuArgs, vmFiles, type Accel } from './qemu.js';
import { qmpCommand } from './qmp.js';

/** What vmUp records per VM in labDir()/vm/NAME/state.json. */
export interface VmState {
  name: string;
  address: string;
  tap: string;
  mac: string;
  accel: Accel;
  baseKey: string;
  startedAt: string;
  /** Seconds from starting qemu to sshd's banner on port 22 (absent until it answered). */
  bootSeconds?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Creates the VM's disk: a qcow2 overlay backed by the (read-only) raw base image. */
export async function createOverlay(disk: string, base: BaseImage, fresh: boolean): Promise<void> {
  if (!fresh && (await exec('qemu-img', ['info', disk])).code === 0) return;
  await rm(disk, { force: true });
  await execOk('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', base.image, '-F', 'raw', disk]);
}

/** Starts qemu daemonized; resolves once it has written its pidfile. */
export async function startQemu(spec: Parameters<typeof qemuArgs>[0]): Promise<number> {
  const f = vmFiles(spec.dir);
  await mkdir(spec.dir, { recursive: true });
  for (const p of [f.pidfile, f.qmp, f.serial]) await rm(p, { force: true });
  const r = await exec('qemu-system-x86_64', qemuArgs(spec), { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`qemu for ${spec.name} did not start (exit ${r.code}):\n${tail(r.stderr, 2000)}`);
  const pid = await readPid(spec.dir);
  if (pid === null) throw new Error(`qemu for ${spec.name} started but wrote no pidfile ${f.pidfile}`);
  return pid;
}

/** The pid of this VM's qemu if it is alive and really is ours (its command line names our pidfile). */
export async function readPid(dir: string): Promise<number | null> {
  const f = vmFiles(dir);
  let pid: number;
  try {
    pid = Number.parseInt((await readFile(f.pidfile, 'utf8')).trim(), 10);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 1) return null;
  try {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    return cmdline.includes(f.pidfile) ? pid : null;
  } catch {
    return null;
  }
}

/** Resolves when `address:22` sends an SSH banner; throws if qemu dies or `timeoutMs` passes. */
export async function waitForSsh(address: string, dir: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await sshBanner(address, 2000)) return;
    if ((await readPid(dir)) === null) {
      throw new Error(`VM at ${address} exited during boot; serial log:\n${await serialTail(dir)}`);
    }
    await sleep(1000);
  }
  throw new Error(`VM at ${address}: no sshd after ${Math.round(timeoutMs / 1000)} s; serial log:\n${await serialTail(dir)}`);
}

/** True if `address:22` answers with an SSH banner within `timeoutMs`. */
export function sshBanner(address: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: address, port: 22 });
    let buf = '';
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    sock.on('error', () => finish(false));
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (buf.includes('\n')) finish(buf.startsWith('SSH-'));
    });
  });
}

export async function serialTail(dir: string, max = 3000): Promise<string> {
  return tail(await readFile(vmFiles(dir).serial, 'utf8').catch(() => '(no serial log)'), max);
}

async function waitGone(dir: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await readPid(dir)) === null) return true;
    await sleep(250);
  }
  return (await readPid(dir)) === null;
}

/**
 * Stops one VM: ACPI power-off via QMP (clean shutdown), then QMP quit, then SIGKILL.
 * Works from the pidfile alone (after a crash of the process that started it). Returns how it stopped.
 */
export async function stopVm(dir: string, gracefulMs = 30_000): Promise<'not running' | 'powered off' | 'quit' | 'killed'> {
  const f = vmFiles(dir);
  const pid = await readPid(dir);
  let how: 'not running' | 'powered off' | 'quit' | 'killed' = 'not running';
  if (pid !== null) {
    if (gracefulMs > 0 && (await qmpCommand(f.qmp, 'system_powerdown').then(() => true, () => false)) && (await waitGone(dir, gracefulMs))) {
      how = 'powered off';
    } else if ((await qmpCommand(f.qmp, 'quit').then(() => true, () => false)) && (await waitGone(dir, 5000))) {
      how = 'quit';
    } else {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await waitGone(dir, 5000);
      how = 'killed';
    }
  }
  await rm(f.pidfile, { force: true });
  await rm(f.qmp, { force: true });
  return how;
}

export async function writeState(dir: string, s: VmState): Promise<void> {
  const path = vmFiles(dir).state;
  const tmp = `${path}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, `${JSON.stringify(s, null, 2)}\n`);
  await rename(tmp, path);
}

export async function readState(dir: string): Promise<VmState | null> {
  try {
    return JSON.parse(await readFile(vmFiles(dir).state, 'utf8')) as VmState;
  } catch {
    return null;
  }
}

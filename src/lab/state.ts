/** The lab's state file (everything `lab up` created, so `lab down` can undo it) and its lock. */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { labDir, paths } from './paths.js';
import type { LabHost } from './topology.js';

export interface HostState {
  netns: string;
  veth: string;
  address: string;
  rootfs: string;
  /** Bind mounts the running host was started with (a change restarts it on `up`). */
  binds?: string;
}

export interface LabState {
  version: 1;
  createdAt: string;
  updatedAt: string;
  bridge?: { name: string; address: string };
  /** iptables rules added, as `-t TABLE -A CHAIN …` argv (deleted with -D on down). */
  iptables: string[][];
  /** net.ipv4.ip_forward before the lab turned it on (restored on down). */
  ipForwardBefore?: string;
  hosts: Record<string, HostState>;
  /** Extra real servers of `lab up --realservers N` (src/lab/extras.ts); absent = none. */
  extras?: LabHost[];
  /** The bastion of `lab up --bastion` (src/lab/bastion.ts); absent = direct access. */
  bastion?: LabHost;
}

export function emptyState(): LabState {
  const now = new Date().toISOString();
  return { version: 1, createdAt: now, updatedAt: now, iptables: [], hosts: {} };
}

export async function readState(): Promise<LabState | null> {
  try {
    return JSON.parse(await readFile(paths.state(), 'utf8')) as LabState;
  } catch {
    return null;
  }
}

export async function writeState(s: LabState): Promise<void> {
  s.updatedAt = new Date().toISOString();
  await writeFileAtomic(paths.state(), JSON.stringify(s, null, 2) + '\n');
}

export async function removeState(): Promise<void> {
  await rm(paths.state(), { force: true });
}

/** Writes by temp file + rename: never modifies a file in place (host rootfs files may be hard links). */
export async function writeFileAtomic(path: string, content: string | Buffer, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.lvs-tmp-${process.pid}`;
  await writeFile(tmp, content, { mode });
  await rename(tmp, path);
}

/**
 * Takes the lab lock: a directory holding the owner's pid; a lock whose owner is gone is taken
 * over. Returns its release (which only removes the lock while this process owns it).
 */
export async function acquireLabLock(opts: { waitMs?: number; onWait?: (pid: number) => void } = {}): Promise<() => Promise<void>> {
  const dir = join(labDir(), '.lock');
  await mkdir(labDir(), { recursive: true });
  const deadline = Date.now() + (opts.waitMs ?? 15 * 60_000);
  let told = false;
  for (;;) {
    try {
      await mkdir(dir);
      await writeFile(join(dir, 'pid'), String(process.pid));
      break;
    } catch {
      const pid = Number(readIfExists(join(dir, 'pid')));
      if (!pid || pid === process.pid || !existsSync(`/proc/${pid}`)) {
        await rm(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`lab: locked by process ${pid} (${dir})`);
      if (!told) opts.onWait?.(pid);
      told = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return async () => {
    if (Number(readIfExists(join(dir, 'pid'))) === process.pid) await rm(dir, { recursive: true, force: true });
  };
}

/** Runs fn holding the lab lock. */
export async function withLabLock<T>(fn: () => Promise<T>): Promise<T> {
  const release = await acquireLabLock();
  try {
    return await fn();
  } finally {
    await release();
  }
}

function readIfExists(p: string): string {
  try {
    return readFileSync(p, 'utf8').trim();
  } catch {
    return '';
  }
}

// Counted ON THE HOSTS, per run: ssh connections and sessions from each host's sshd log (the extra
// real servers' sshd logs at VERBOSE: "Accepted publickey", "Starting session: command|subsystem"),
// and processes started in the host (its PID namespace's last pid, before and after).
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hostExec, labPaths } from '../src/lab/index.js';

export interface HostMark {
  logBytes: number;
  lastPid: number;
}

export interface HostCounts {
  connections: number;
  /** exec requests ("command") and subsystems (sftp) */
  sessions: number;
  execs: number;
  sftp: number;
  processes: number;
}

const logOf = (host: string) => join(labPaths.rootfs(host), 'var/log/sshd.log');

async function lastPid(host: string): Promise<number> {
  // nsenter into the host's PID namespace: ns_last_pid is that namespace's (this reader is one more)
  const r = await hostExec(host, ['cat', '/proc/sys/kernel/ns_last_pid']);
  return Number(r.stdout.trim());
}

async function pool<T, R>(items: readonly T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

export async function markHosts(hosts: readonly string[]): Promise<HostMark[]> {
  return pool(hosts, 8, async (h) => ({ logBytes: sizeOf(logOf(h)), lastPid: await lastPid(h) }));
}

function sizeOf(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
}

function readFrom(p: string, offset: number): string {
  const size = sizeOf(p);
  if (size <= offset) return '';
  const fd = openSync(p, 'r');
  try {
    const buf = Buffer.alloc(size - offset);
    readSync(fd, buf, 0, buf.length, offset);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export async function countSince(hosts: readonly string[], marks: readonly HostMark[]): Promise<HostCounts[]> {
  return pool(hosts, 8, async (h, ) => {
    const i = hosts.indexOf(h);
    const text = readFrom(logOf(h), marks[i]!.logBytes);
    const pid = await lastPid(h);
    const count = (re: RegExp) => text.match(re)?.length ?? 0;
    const execs = count(/Starting session: command/g);
    const sftp = count(/Starting session: subsystem/g);
    return {
      connections: count(/Accepted publickey/g),
      sessions: execs + sftp,
      execs,
      sftp,
      // the reader's own nsenter'd `cat` took one pid
      processes: Math.max(0, pid - marks[i]!.lastPid - 1),
    };
  });
}

/** Per-host mean of each count. */
export function meanCounts(c: readonly HostCounts[]): HostCounts {
  const keys = ['connections', 'sessions', 'execs', 'sftp', 'processes'] as const;
  const out = { connections: 0, sessions: 0, execs: 0, sftp: 0, processes: 0 };
  for (const k of keys) out[k] = c.length ? c.reduce((s, x) => s + x[k], 0) / c.length : 0;
  return out;
}

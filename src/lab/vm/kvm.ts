import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { access, constants } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import { exec } from './exec.js';
import { vmCacheDir } from './paths.js';
import type { Accel } from './qemu.js';

export interface KvmProbe {
  /** The accelerator to use: KVM with the first CPU model that booted, else TCG. */
  accel: Accel;
  /** Why (one line per CPU model tried). */
  detail: string[];
  hostKernel: string;
  qemuVersion: string;
  probedAt: string;
  probeSeconds: number;
}

/** CPU models tried under KVM, in order. */
const KVM_CPUS = ['host', 'max', 'qemu64'];
/** A kernel panicking because it has no root fs proves it booted (a real KVM boot gets there in ~1 s). */
const BOOTED = /Kernel panic|VFS: Unable to mount root/;

async function qemuVersion(): Promise<string> {
  const r = await exec('qemu-system-x86_64', ['--version'], { timeoutMs: 10_000 });
  return r.stdout.split('\n')[0]?.trim() ?? '';
}

/**
 * Decides KVM vs TCG: boots `kernel` (no initrd, no disk) under KVM with each CPU model, up to
 * `timeoutMs` each, and accepts KVM if the kernel reaches its "no root fs" panic. The result is
 * cached in vmCacheDir()/kvm-probe.json, keyed by host kernel and qemu version.
 */
export async function probeAccel(kernel: string, opts: { force?: boolean; timeoutMs?: number } = {}): Promise<KvmProbe> {
  const cacheFile = join(vmCacheDir(), 'kvm-probe.json');
  const hostKernel = release();
  const qv = await qemuVersion();
  if (!opts.force) {
    try {
      const c = JSON.parse(await readFile(cacheFile, 'utf8')) as KvmProbe;
      if (c.hostKernel === hostKernel && c.qemuVersion === qv) return c;
    } catch {
      /* probe */
    }
  }
  const started = Date.now();
  const detail: string[] = [];
  let accel: Accel = { kind: 'tcg' };
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
    for (const cpu of KVM_CPUS) {
      const log = join(vmCacheDir(), `kvm-probe-${process.pid}.log`);
      await mkdir(vmCacheDir(), { recursive: true });
      await rm(log, { force: true });
      const t0 = Date.now();
      const r = await exec('qemu-system-x86_64', [
        '-accel', 'kvm', '-cpu', cpu, '-m', '256', '-smp', '1', '-nodefaults', '-no-user-config', '-display', 'none',
        '-no-reboot', '-serial', `file:${log}`, '-kernel', kernel, '-append', 'console=ttyS0 panic=-1',
      ], { timeoutMs: opts.timeoutMs ?? 20_000 });
      const serial = await readFile(log, 'utf8').catch(() => '');
      await rm(log, { force: true });
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      if (BOOTED.test(serial)) {
        detail.push(`kvm -cpu ${cpu}: kernel booted in ${secs} s`);
        accel = { kind: 'kvm', cpu };
        break;
      }
      const why = r.timedOut
        ? `hung (no kernel output after ${secs} s)`
        : `${r.signal ? `died (${r.signal})` : `exit ${r.code}`}: ${lastLine(r.stderr)}`;
      detail.push(`kvm -cpu ${cpu}: ${why}`);
    }
  } catch {
    detail.push('/dev/kvm missing or not accessible');
  }
  if (accel.kind === 'tcg') detail.push('using TCG');
  const result: KvmProbe = {
    accel, detail, hostKernel, qemuVersion: qv, probedAt: new Date().toISOString(),
    probeSeconds: Math.round((Date.now() - started) / 1000),
  };
  await mkdir(vmCacheDir(), { recursive: true });
  await writeFile(cacheFile, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

function lastLine(s: string): string {
  const lines = s.trim().split('\n');
  return (lines[lines.length - 1] ?? '').slice(0, 200);
}

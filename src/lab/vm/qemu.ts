import { join } from 'node:path';

export type Accel = { kind: 'tcg' } | { kind: 'kvm'; cpu: string };

/** Everything qemu needs to start one lab VM. */
export interface QemuSpec {
  name: string;
  /** Per-VM state dir (pidfile, QMP socket, serial log live here). */
  dir: string;
  accel: Accel;
  memoryMb: number;
  kernel: string;
  initrd: string;
  /** qcow2 overlay on the base image: /dev/vda. */
  disk: string;
  /** Seed ext4 image: /dev/vdb, read-only. */
  seed: string;
  tap: string;
  mac: string;
  machineId: string;
  /** Extra kernel command line words (appended last). */
  extraAppend?: readonly string[];
}

export const vmFiles = (dir: string) => ({
  pidfile: join(dir, 'qemu.pid'),
  qmp: join(dir, 'qmp.sock'),
  serial: join(dir, 'serial.log'),
  disk: join(dir, 'disk.qcow2'),
  state: join(dir, 'state.json'),
});

/** The kernel command line of a lab VM. */
export function kernelAppend(s: Pick<QemuSpec, 'name' | 'machineId' | 'extraAppend'>): string {
  return [
    'root=/dev/vda', 'rw', 'console=ttyS0', 'quiet', 'net.ifnames=0', 'panic=-1',
    `systemd.machine_id=${s.machineId}`, `lvs.name=${s.name}`, ...(s.extraAppend ?? []),
  ].join(' ');
}

/** qemu-system-x86_64's argument vector (pure; no shell ever sees it). */
export function qemuArgs(s: QemuSpec): string[] {
  const f = vmFiles(s.dir);
  const accel = s.accel.kind === 'kvm' ? ['-accel', 'kvm', '-cpu', s.accel.cpu] : ['-accel', 'tcg'];
  for (const p of [s.kernel, s.initrd, s.disk, s.seed, f.pidfile, f.qmp, f.serial]) {
    // qemu option values use ',' as a separator; a path containing one would be misparsed.
    if (p.includes(',')) throw new Error(`path must not contain ',': ${p}`);
  }
  return [
    '-name', s.name,
    ...accel,
    '-m', String(s.memoryMb), '-smp', '1',
    '-nodefaults', '-no-user-config', '-display', 'none',
    '-daemonize', '-pidfile', f.pidfile,
    '-serial', `file:${f.serial}`,
    '-qmp', `unix:${f.qmp},server=on,wait=off`,
    '-kernel', s.kernel, '-initrd', s.initrd, '-append', kernelAppend(s),
    '-drive', `file=${s.disk},if=virtio,format=qcow2,cache=unsafe,discard=unmap`,
    '-drive', `file=${s.seed},if=virtio,format=raw,readonly=on`,
    '-netdev', `tap,id=n0,ifname=${s.tap},script=no,downscript=no`,
    '-device', `virtio-net-pci,netdev=n0,mac=${s.mac}`,
    '-device', 'virtio-rng-pci',
  ];
}

/** A stable locally administered MAC from the VM's IPv4 address: 52:54:00:4c:XX:YY (last two octets). */
export function macFor(address: string): string {
  const o = address.split('/')[0]?.split('.').map(Number) ?? [];
  const [c, d] = [o[2], o[3]];
  if (o.length !== 4 || c === undefined || d === undefined || o.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) {
    throw new Error(`not an IPv4 address: ${address}`);
  }
  const hex = (n: number): string => n.toString(16).padStart(2, '0');
  return `52:54:00:4c:${hex(c)}:${hex(d)}`;
}

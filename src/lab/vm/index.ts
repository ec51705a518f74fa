/**
 * The VM lab: keepalived directors as qemu VMs with Debian's kernel (real IPVS), on the lab bridge,
 * replacing the netns directors at the same addresses. See docs/vm-lab.md.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exec, execOk } from './exec.js';
import { ensureBaseImage, type BaseImage, type BaseImageOptions } from './image.js';
import { editKnownHosts, replaceKnownHost } from './known-hosts.js';
import { probeAccel } from './kvm.js';
import { macFor, vmFiles, type Accel } from './qemu.js';
import { buildSeedImage, ensureHostKey } from './seed.js';
import { createTap, deleteTap, linkExists, listLabTaps, tapName } from './tap.js';
import { readVmTopology, type VmNetwork, type VmSpec } from './topology.js';
import { createOverlay, readPid, readState, sshBanner, startQemu, stopVm, waitForSsh, writeState, type VmState } from './vm.js';
import { NETNS_PREFIX, knownHostsPath, labDir, labKeyPath, vmKnownHostsPath, vmStateDir } from './paths.js';

export type { VmSpec, VmNetwork } from './topology.js';
export type { BaseImage, BaseImageOptions } from './image.js';
export type { Accel } from './qemu.js';
export type { VmState } from './vm.js';
export { ensureBaseImage } from './image.js';
export { probeAccel, type KvmProbe } from './kvm.js';
export { labDir, vmCacheDir, TAP_PREFIX } from './paths.js';

export interface VmUpOptions {
  /** VMs to start (default: the `directors` of lab/topology.json, i.e. lvs1 .14 and lvs2 .15). At most 2. */
  vms?: readonly VmSpec[];
  /** Network (default: lab/topology.json: lvsbr0, /24, gateway 10.77.0.1). */
  network?: VmNetwork;
  /** 'auto' (default) runs the cached KVM probe and falls back to TCG. */
  accel?: 'auto' | 'tcg' | 'kvm';
  memoryMb?: number;
  /** New disk overlay each time (default true: a clean VM); false reuses the existing overlay. */
  fresh?: boolean;
  image?: BaseImageOptions;
  /** Per-VM limit for boot to sshd (default 240 s under TCG, 60 s under KVM). */
  bootTimeoutMs?: number;
  /**
   * Called for a VM whose address already answers ping (e.g. the netns director lvs1): it must stop
   * that host. Without it, vmUp refuses to start a VM on an address in use.
   */
  stopNetnsHost?: (name: string, address: string) => Promise<void>;
  log?: (line: string) => void;
}

export interface VmInfo {
  name: string;
  address: string;
  dir: string;
  running: boolean;
  pid: number | null;
  sshReady: boolean;
  tap: string;
  accel: Accel | null;
  bootSeconds: number | null;
  serialLog: string;
}

export interface VmUpResult {
  vms: VmInfo[];
  base: BaseImage;
  /** True if vmUp had to create the bridge itself (the netns lab was not up). */
  createdBridge: boolean;
  accel: Accel;
}

const CREATED_BRIDGE_MARK = '.created-bridge';

/** Starts the lab VMs (building the base image on first use) and waits until each one's sshd answers. */
export async function vmUp(opts: VmUpOptions = {}): Promise<VmUpResult> {
  const log = opts.log ?? (() => undefined);
  const topo = opts.vms && opts.network ? null : await readVmTopology();
  const vms = opts.vms ?? topo?.directors ?? [];
  const net = opts.network ?? topo!.network;
  if (vms.length === 0 || vms.length > 2) throw new Error(`vmUp: 1 or 2 VMs (CPU budget), got ${vms.length}`);

  const base = await ensureBaseImage({ ...opts.image, log });
  const accel = await chooseAccel(opts.accel ?? 'auto', base, log);
  const createdBridge = await ensureBridge(net);
  if (createdBridge) log(`created bridge ${net.bridge} ${net.gateway}/${net.prefixLength} (the netns lab was not up)`);
  const key = await ensureLabKey();

  // Stop our own previous instances first, then make sure nobody else holds the addresses.
  for (const vm of vms) await stopOne(vm.name);
  for (const vm of vms) await freeAddress(vm, opts.stopNetnsHost);

  const started = await Promise.all(vms.map(async (vm) => {
    const dir = vmStateDir(vm.name);
    const tap = tapName(vm.name);
    const mac = macFor(vm.address);
    await mkdir(dir, { recursive: true });
    const hostKey = await ensureHostKey(dir, `root@${vm.name}`);
    await recordHostKey(vm.address, hostKey.public);
    const seed = await buildSeedImage(dir, {
      hostname: vm.name, address: `${vm.address}/${net.prefixLength}`, gateway: net.gateway, mac,
      authorizedKeys: key, hostKey,
    });
    const disk = vmFiles(dir).disk;
    await createOverlay(disk, base, opts.fresh ?? true);
    await createTap(tap, net.bridge);
    const state: VmState = { name: vm.name, address: vm.address, tap, mac, accel, baseKey: base.key, startedAt: new Date().toISOString() };
    await writeState(dir, state);
    const t0 = Date.now();
    await startQemu({
      name: vm.name, dir, accel, memoryMb: opts.memoryMb ?? 768, kernel: base.kernel, initrd: base.initrd,
      disk, seed, tap, mac, machineId: randomBytes(16).toString('hex'),
    });
    log(`${vm.name}: qemu started (${accel.kind}), waiting for sshd on ${vm.address}`);
    await waitForSsh(vm.address, dir, opts.bootTimeoutMs ?? (accel.kind === 'kvm' ? 60_000 : 240_000));
    const bootSeconds = Math.round((Date.now() - t0) / 100) / 10;
    await writeState(dir, { ...state, bootSeconds });
    log(`${vm.name}: sshd up after ${bootSeconds} s`);
    return vm.name;
  }));
  const all = await vmStatus();
  return { vms: all.filter((v) => started.includes(v.name)), base, createdBridge, accel };
}

/**
 * Stops every lab VM (clean ACPI power-off, then harder) and removes all `lvstap-*` devices;
 * works from pidfiles after a crash. Removes the bridge only if vmUp created it and nothing else uses it.
 */
export async function vmDown(opts: { gracefulMs?: number; log?: (line: string) => void } = {}): Promise<void> {
  const log = opts.log ?? (() => undefined);
  const names = await vmNames();
  await Promise.all(names.map(async (name) => {
    const how = await stopVm(vmStateDir(name), opts.gracefulMs ?? 30_000);
    if (how !== 'not running') log(`${name}: ${how}`);
  }));
  for (const tap of await listLabTaps()) await deleteTap(tap);
  const mark = join(labDir(), 'vm', CREATED_BRIDGE_MARK);
  const bridge = await readFile(mark, 'utf8').then((s) => s.trim(), () => '');
  if (bridge && (await linkExists(bridge))) {
    const ports = await exec('ip', ['-o', 'link', 'show', 'master', bridge]);
    if (ports.code === 0 && ports.stdout.trim() === '') {
      await execOk('ip', ['link', 'del', 'dev', bridge]);
      log(`removed bridge ${bridge} (created by vmUp)`);
    }
  }
  await rm(mark, { force: true });
}

/** The recorded lab VMs and whether each is running and answering on port 22. */
export async function vmStatus(): Promise<VmInfo[]> {
  const out: VmInfo[] = [];
  for (const name of await vmNames()) {
    const dir = vmStateDir(name);
    const st = await readState(dir);
    if (!st) continue;
    const pid = await readPid(dir);
    out.push({
      name, address: st.address, dir, running: pid !== null, pid,
      sshReady: pid !== null && (await sshBanner(st.address, 1500)), tap: st.tap, accel: st.accel,
      bootSeconds: st.bootSeconds ?? null, serialLog: vmFiles(dir).serial,
    });
  }
  return out;
}

/**
 * Re-writes the known_hosts lines of every running lab VM (its address → its host key), replacing
 * whatever is there for those addresses. For the netns lab to call after it rewrites known_hosts
 * while VMs stand in for some of its hosts. Returns the addresses written.
 */
export async function reapplyVmKnownHosts(): Promise<string[]> {
  const done: string[] = [];
  for (const v of await vmStatus()) {
    if (!v.running) continue;
    const pub = await readFile(join(v.dir, 'ssh_host_ed25519_key.pub'), 'utf8').catch(() => '');
    if (!pub) continue;
    await recordHostKey(v.address, pub);
    done.push(v.address);
  }
  return done;
}

/** Puts `address → key` into labDir()/known_hosts and labDir()/vm/known_hosts (other lines for it go). */
async function recordHostKey(address: string, publicKeyLine: string): Promise<void> {
  for (const file of [vmKnownHostsPath(), knownHostsPath()]) {
    await editKnownHosts(file, (t) => replaceKnownHost(t, address, publicKeyLine));
  }
}

/**
 * ssh arguments (before the remote command) for a lab VM: lab key, strict checking against
 * labDir()/vm/known_hosts and labDir()/known_hosts (a key matching in either is accepted).
 */
export function sshArgs(address: string): string[] {
  for (const p of [vmKnownHostsPath(), knownHostsPath()]) {
    if (/\s/.test(p)) throw new Error(`ssh cannot take a known_hosts path with whitespace: ${p}`);
  }
  return [
    '-i', labKeyPath(), '-o', `UserKnownHostsFile=${vmKnownHostsPath()} ${knownHostsPath()}`, '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'LogLevel=ERROR', `root@${address}`,
  ];
}

/** Runs a remote command (already quoted for the remote shell, e.g. built with `sh`) on a lab VM. */
export function vmSsh(address: string, remoteCommand: string, timeoutMs = 120_000): ReturnType<typeof exec> {
  return exec('ssh', [...sshArgs(address), '--', remoteCommand], { timeoutMs });
}

async function vmNames(): Promise<string[]> {
  try {
    const entries = await readdir(join(labDir(), 'vm'), { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

async function stopOne(name: string): Promise<void> {
  const dir = vmStateDir(name);
  await stopVm(dir, 15_000);
  await deleteTap(tapName(name));
}

async function chooseAccel(want: 'auto' | 'tcg' | 'kvm', base: BaseImage, log: (l: string) => void): Promise<Accel> {
  if (want === 'tcg') return { kind: 'tcg' };
  const probe = await probeAccel(base.kernel);
  log(`accelerator: ${probe.accel.kind} (${probe.detail.join('; ')})`);
  if (want === 'kvm' && probe.accel.kind !== 'kvm') throw new Error(`KVM requested but it does not work here: ${probe.detail.join('; ')}`);
  return probe.accel;
}

async function ensureBridge(net: VmNetwork): Promise<boolean> {
  if (await linkExists(net.bridge)) return false;
  await execOk('ip', ['link', 'add', 'name', net.bridge, 'type', 'bridge']);
  await execOk('ip', ['addr', 'add', `${net.gateway}/${net.prefixLength}`, 'dev', net.bridge]);
  await execOk('ip', ['link', 'set', 'dev', net.bridge, 'up']);
  await mkdir(join(labDir(), 'vm'), { recursive: true });
  await writeFile(join(labDir(), 'vm', CREATED_BRIDGE_MARK), `${net.bridge}\n`);
  return true;
}

/** The lab's public key; creates the lab key pair if the netns lab has not yet. */
async function ensureLabKey(): Promise<string> {
  const key = labKeyPath();
  try {
    await access(key);
  } catch {
    await mkdir(labDir(), { recursive: true });
    await execOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'lvs-play-lab', '-f', key]);
  }
  return readFile(`${key}.pub`, 'utf8');
}

/**
 * Refuses (or asks stopNetnsHost) when the address is taken: the netns lab's namespace for that host
 * (lvs-NAME) exists, or something answers SSH on it.
 */
async function freeAddress(vm: VmSpec, stop: VmUpOptions['stopNetnsHost']): Promise<void> {
  const inUse = async (): Promise<string | null> => {
    const ns = await exec('ip', ['netns', 'list']);
    const names = ns.stdout.split('\n').map((l) => l.split(/\s+/)[0]);
    if (names.includes(`${NETNS_PREFIX}${vm.name}`)) return `netns ${NETNS_PREFIX}${vm.name} exists`;
    if (await sshBanner(vm.address, 1500)) return `something answers SSH on ${vm.address}`;
    return null;
  };
  const why = await inUse();
  if (!why) return;
  if (!stop) {
    throw new Error(`${vm.name} (${vm.address}) is in use: ${why}; stop the netns director first or pass stopNetnsHost`);
  }
  await stop(vm.name, vm.address);
  const still = await inUse();
  if (still) throw new Error(`${vm.name} (${vm.address}) still in use after stopNetnsHost: ${still}`);
}

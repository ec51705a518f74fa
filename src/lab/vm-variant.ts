/**
 * The lab's VM variant: `lvs-play lab up --directors vm`. The netns lab comes up as usual except its
 * directors (group `directors` of lab/topology.json: lvs1 .14, lvs2 .15), which run as qemu VMs with
 * Debian's kernel (real IPVS, src/lab/vm) at the same addresses on the same bridge. Plain `lab up`
 * (directors 'netns') stops such VMs again and gives the addresses back to the netns hosts.
 * Used by src/lab/up.ts (labUp's `directors` option), src/lab/known-hosts-file.ts and `lab down|status`.
 */
import { constants } from 'node:fs';
import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Progress } from './exec.js';
import { exec } from './exec.js';
import { killNetnsProcesses, stopHost } from './hostproc.js';
import { removeHostNet } from './network.js';
import { labDir, netnsName, vethName } from './paths.js';
import { acquireLabLock } from './state.js';
import type { LabHost, Topology } from './topology.js';
import { reapplyVmKnownHosts, vmDown, vmUp, type VmUpResult } from './vm/index.js';
import { deleteTap, linkExists, tapName } from './vm/tap.js';
import { readPid, readState, sshBanner, stopVm } from './vm/vm.js';

/** Where the lab's directors run: network namespaces (the default) or qemu VMs with real IPVS. */
export type DirectorsMode = 'netns' | 'vm';

/** The values of `lab up --directors`: netns or vm. */
export const DIRECTORS_MODES: readonly DirectorsMode[] = ['netns', 'vm'];

/** The group of lab/topology.json whose hosts become VMs in the 'vm' mode. */
export const VM_GROUP = 'directors';

/** A lab VM whose qemu process is alive now. */
export interface RunningLabVm {
  name: string;
  address: string;
  dir: string;
  /** `ADDRESS ssh-ed25519 KEY` for known_hosts, or null when the VM has no recorded host key. */
  knownHostsLine: string | null;
  bootSeconds: number | null;
}

/** The hosts of the topology that run as VMs in the 'vm' mode (group `directors`). */
export function vmDirectorHosts(hosts: readonly LabHost[]): LabHost[] {
  return hosts.filter((h) => h.groups.includes(VM_GROUP));
}

async function vmDirNames(): Promise<string[]> {
  const entries = await readdir(join(labDir(), 'vm'), { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** Every lab VM (labDir()/vm/NAME) whose qemu runs now; no network probe, so it is cheap. */
export async function runningLabVms(): Promise<RunningLabVm[]> {
  const out: RunningLabVm[] = [];
  for (const name of await vmDirNames()) {
    const dir = join(labDir(), 'vm', name);
    const st = await readState(dir);
    if (!st || (await readPid(dir)) === null) continue;
    const pub = (await readFile(join(dir, 'ssh_host_ed25519_key.pub'), 'utf8').catch(() => '')).trim();
    const [type, key] = pub.split(/\s+/);
    out.push({
      name, address: st.address, dir,
      knownHostsLine: type && key ? `${st.address} ${type} ${key}` : null,
      bootSeconds: st.bootSeconds ?? null,
    });
  }
  return out;
}

/** known_hosts lines of the running lab VMs, by address (for the netns lab's known_hosts writer). */
export async function vmKnownHostsLines(): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for (const v of await runningLabVms()) if (v.knownHostsLine) m.set(v.address, v.knownHostsLine);
  return m;
}

/**
 * Stops every running lab VM that holds one of `addresses` (a netns host is coming back there) and
 * deletes its tap (also the tap of a VM that died: it would keep the bridge busy). Other VMs (e.g.
 * vm-boot's test VM on a spare address) are left alone. Returns the addresses handed back (a VM
 * ran there or its tap was still on the bridge): their neighbour entries are stale now.
 */
export async function releaseVmAddresses(addresses: readonly string[], progress: Progress): Promise<string[]> {
  const want = new Set(addresses);
  const handed: string[] = [];
  await Promise.all((await vmDirNames()).map(async (name) => {
    const dir = join(labDir(), 'vm', name);
    const st = await readState(dir);
    if (!st || !want.has(st.address)) return;
    const running = (await readPid(dir)) !== null;
    if (running) {
      progress(`${name}: stopping the VM at ${st.address} (the netns host takes the address back)`);
      progress(`${name}: ${await stopVm(dir, 30_000)}`);
    }
    const tap = tapName(name);
    if (running || (await linkExists(tap))) handed.push(st.address);
    await deleteTap(tap);
  }));
  return handed.sort();
}

/**
 * Forgets the MAC of `addresses` in the control node's and the given netns hosts' neighbour tables:
 * after a VM and a netns host swap an address, a cached (STALE) entry would send traffic to the old
 * MAC for several seconds (seen: the netns director's sshd unreachable for > 15 s after the VMs went).
 */
export async function forgetNeighbours(addresses: readonly string[], netnsHosts: readonly string[]): Promise<void> {
  if (addresses.length === 0) return;
  const spaces = new Set((await exec(['ip', 'netns', 'list'])).stdout.split('\n').map((l) => l.split(/\s+/)[0] ?? ''));
  const prefixes: string[][] = [[], ...netnsHosts.filter((h) => spaces.has(netnsName(h))).map((h) => ['ip', 'netns', 'exec', netnsName(h)])];
  await Promise.all(prefixes.map(async (pre) => {
    for (const a of addresses) await exec([...pre, 'ip', 'neigh', 'flush', 'to', a]);
  }));
}

/** Frees a netns director's address for its VM (vmUp's `stopNetnsHost`): host stopped, netns and veth gone. */
export async function removeNetnsHost(name: string): Promise<void> {
  await stopHost(name);
  await killNetnsProcesses(netnsName(name));
  await removeHostNet({ netns: netnsName(name), veth: vethName(name) });
}

export interface UpVmDirectorsOptions {
  /** New VMs (clean disks) even when they run and answer. */
  fresh?: boolean;
  progress: Progress;
}

/**
 * The VM part of `lab up --directors vm`, after the netns part: keeps director VMs that run and
 * answer SSH at their address (idempotent, like `lab up`), boots the others with vmUp (TCG: ~35 s,
 * both at once), replacing the netns hosts there. vmUp writes the VMs' host keys into
 * labDir()/known_hosts itself. Returns vmUp's result, or null when nothing had to start.
 */
export async function upVmDirectors(topo: Topology, directors: readonly LabHost[], opts: UpVmDirectorsOptions): Promise<VmUpResult | null> {
  const running = await runningLabVms();
  const missing: LabHost[] = [];
  for (const h of directors) {
    const vm = running.find((v) => v.name === h.name && v.address === h.address);
    if (!opts.fresh && vm && (await sshBanner(h.address, 2000))) continue;
    missing.push(h);
  }
  if (missing.length === 0) {
    opts.progress(`directors: VMs ${directors.map((h) => h.name).join(', ')} already run`);
    return null;
  }
  const prefix = Number.parseInt(topo.network.cidr.split('/')[1] ?? '24', 10);
  opts.progress(`directors: booting VMs ${missing.map((h) => `${h.name} (${h.address})`).join(', ')} (real IPVS; TCG boot takes ~35 s)`);
  const up = await vmUp({
    vms: missing.map((h) => ({ name: h.name, address: h.address })),
    network: { bridge: topo.network.bridge, prefixLength: prefix, gateway: topo.network.gateway },
    stopNetnsHost: (name) => removeNetnsHost(name),
    log: opts.progress,
  });
  // vmUp records the VMs' host keys concurrently (one read-modify-write per VM on the same files):
  // one of two lines was seen lost. Write them again, one after the other.
  await reapplyVmKnownHosts();
  return up;
}

/** `lab down`'s VM part: stops every lab VM and removes every lvstap-* tap (before the netns lab goes). */
export async function downLabVms(progress: Progress): Promise<void> {
  if ((await vmDirNames()).length === 0) return;
  await vmDown({ log: progress });
}

/** Why the VM variant cannot run here (not root, no qemu, no /dev/net/tun), or null when it can. */
export async function vmVariantUnavailable(): Promise<string | null> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root (the VM lab needs root for taps and the bridge)';
  try {
    await access('/dev/net/tun', constants.R_OK | constants.W_OK);
  } catch {
    return 'no /dev/net/tun (the VMs need tap devices)';
  }
  const q = await exec(['qemu-system-x86_64', '--version'], { timeoutMs: 20_000 }).catch(() => null);
  if (!q || q.code !== 0) return 'qemu-system-x86_64 is not installed or does not run (apt-get install qemu-system-x86)';
  for (const tool of [['qemu-img', '--version'], ['mke2fs', '-V'], ['debootstrap', '--version']]) {
    const r = await exec(tool, { timeoutMs: 20_000 }).catch(() => null);
    if (!r || r.code !== 0) return `${tool[0]} is missing (the VM image needs it)`;
  }
  return null;
}

/** `lab status` lines for the lab VMs (empty when there are none). */
export async function vmStatusLines(): Promise<string[]> {
  const lines: string[] = [];
  for (const name of await vmDirNames()) {
    const dir = join(labDir(), 'vm', name);
    const st = await readState(dir);
    if (!st) continue;
    const pid = await readPid(dir);
    const ssh = pid !== null && (await sshBanner(st.address, 1500));
    const boot = st.bootSeconds !== undefined && pid !== null ? `, booted in ${st.bootSeconds} s` : '';
    lines.push(`${name.padEnd(8)} ${st.address.padEnd(12)} ${`vm (${st.accel.kind})`.padEnd(10)} ${(pid !== null ? 'running' : 'stopped').padEnd(8)} ${ssh ? 'sshd answers' : 'sshd down'}${pid !== null ? ` (qemu pid ${pid}${boot})` : ''}`);
  }
  return lines;
}

/** The lab lock held for longer than one command (see reserveLab). */
export interface LabReservation {
  /** Runs fn under the reservation (labUp's `reservation` option uses it instead of taking the lock). */
  run<T>(fn: () => Promise<T>): Promise<T>;
  release(): Promise<void>;
}

/**
 * Takes the lab's lock (labDir()/.lock, the same one every `lab up`/`lab down` takes, see
 * src/lab/state.ts) and keeps it until `release()`: other processes' `lab up` (e.g. the lab tests'
 * ensureLab) wait instead of putting the netns directors back under a running e2e test. Pass it to
 * labUp as `reservation`. A reservation whose process died is taken over by the next locker.
 */
export async function reserveLab(opts: { waitMs?: number; progress?: Progress } = {}): Promise<LabReservation> {
  const unlock = await acquireLabLock({
    ...(opts.waitMs !== undefined ? { waitMs: opts.waitMs } : {}),
    onWait: (pid) => opts.progress?.(`waiting for the lab lock (held by process ${pid})`),
  });
  let held = true;
  return {
    run: (fn) => {
      if (!held) throw new Error('lab reservation already released');
      return fn();
    },
    release: async () => {
      if (!held) return;
      held = false;
      await unlock();
    },
  };
}

/** The lab of real hosts (network namespaces on a bridge): `lvs-play lab up|down|status`. */
import { LvsError } from '../errors.js';
import { labDown } from './down.js';
import { hostExec as hostExecImpl, startSshdIn, stopHost, stopSshdIn } from './hostproc.js';
import type { ExecOptions, ExecResult } from './exec.js';
import { labStatus, formatStatus } from './status.js';
import { labHosts, loadTopology } from './topology.js';
import { extraHosts } from './extras.js';
import { removeHostNet } from './network.js';
import { netnsName, vethName } from './paths.js';
import { labUp } from './up.js';
import { DIRECTORS_MODES, downLabVms, runningLabVms, vmStatusLines, type DirectorsMode } from './vm-variant.js';

export { labUp, type LabUpOptions } from './up.js';
export { labDown, type LabDownOptions } from './down.js';
export { labStatus, type LabHostStatus } from './status.js';
export { labDir, paths as labPaths, BASE_PACKAGES } from './paths.js';
export { labInventory } from './inventory.js';
export { extraHosts, extraRealServers } from './extras.js';
export { BASTION_NAME, bastionConnections, openSsh as labOpenSsh, sshOnlyFrom as labSshOnlyFrom } from './bastion.js';
export { loadTopology, labHosts, TopologySchema, type LabHost, type LabHostKind, type Topology } from './topology.js';
export { LAB_BECOME_USER, LAB_BECOME_PW_USER, LAB_SUDO_PASSWORD } from './configure.js';
export type { ExecResult, ExecOptions, Progress } from './exec.js';
export type { ByteStream, Connection, GroupSpec, HostSpec, InventorySpec, LocalConnection, PsrpSshConnection, RunResult, SecretRef, SshConnection, Vars, WinRmConnection } from '../types.js';
export type { SpawnOptions } from '../transport/spawn.js';
export {
  labWinrmEndpoint,
  readLabWinrmAccount,
  WINRM_HTTP_PORT,
  WINRM_HTTPS_PORT,
  type LabWinrmEndpoint,
  type LabWinrmAccount,
} from './winrm.js';
export {
  runningLabVms,
  releaseVmAddresses,
  removeNetnsHost,
  vmVariantUnavailable,
  vmDirectorHosts,
  reserveLab,
  type LabReservation,
  downLabVms,
  DIRECTORS_MODES,
  type DirectorsMode,
  type RunningLabVm,
} from './vm-variant.js';

function addressOf(host: string): string {
  const h = [...labHosts(loadTopology()), ...extraHosts()].find((x) => x.name === host);
  if (!h) throw new LvsError('E_USAGE', `no lab host named ${host}`, { fix: 'see lab/topology.json' });
  return h.address;
}

/** Runs argv inside a lab host (its netns, hostname, PID and mount namespaces, chroot). */
export function hostExec(host: string, argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
  return hostExecImpl(host, argv, opts);
}

/** Stops a host's sshd listener (the host keeps running): for "unreachable" tests. */
export function stopSshd(host: string): Promise<void> {
  return stopSshdIn(host, addressOf(host));
}

/** Starts a lab host's sshd again (after `stopSshd`). */
export function startSshd(host: string): Promise<void> {
  return startSshdIn(host, addressOf(host));
}

/** Stops a whole lab host (all its processes; its netns stays) — `lab up` starts it again. */
export function stopLabHost(host: string): Promise<void> {
  addressOf(host);
  return stopHost(host);
}

/**
 * Stops a lab host and deletes its netns and veth, freeing its address (e.g. for a VM taking its
 * place; fits the VM lab's `stopNetnsHost(name, address)`). `lab up` recreates it.
 */
export async function removeLabHost(host: string, _address?: string): Promise<void> {
  addressOf(host);
  await stopHost(host);
  await removeHostNet({ netns: netnsName(host), veth: vethName(host) });
}

const USAGE = `usage: lvs-play lab up [--fresh] [--directors netns|vm] [--realservers N] [--bastion] | down [--purge] | status
  up       build (the base rootfs once, cached) and start the lab; idempotent
           --realservers N (or --hosts N): N more Linux real servers rs3, rs4, … (10.77.0.100 up)
           beside the topology's hosts, in linux_realservers; without it extras are removed
           --directors vm: the directors (lvs1, lvs2) as qemu VMs with real IPVS at the same
           addresses; without it (or with netns) they are namespaces again (VMs stopped)
           --bastion: add host bastion (x.y.z.30); every other host then accepts SSH only from
           it and -i lab goes through it (ProxyJump); without it: direct access again
  down     stop it (VMs first) and remove its namespaces, veths, taps, bridge and NAT rules
  status   each host (and lab VM), its address and whether its sshd answers`;

/** `--directors vm` / `--directors=vm` and `--realservers N` out of the `up` arguments; the rest are plain flags. */
function directorsArg(rest: string[]): { mode: DirectorsMode; flags: string[]; realservers: number } | null {
  const flags: string[] = [];
  let mode: string = 'netns';
  let realservers = '0';
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] ?? '';
    if (a === '--directors') {
      mode = rest[++i] ?? '';
    } else if (a.startsWith('--directors=')) {
      mode = a.slice('--directors='.length);
    } else if (a === '--realservers' || a === '--hosts') {
      realservers = rest[++i] ?? '';
    } else if (/^--(realservers|hosts)=/.test(a)) {
      realservers = a.slice(a.indexOf('=') + 1);
    } else {
      flags.push(a);
    }
  }
  if (!/^\d{1,3}$/.test(realservers)) return null;
  return (DIRECTORS_MODES as readonly string[]).includes(mode) ? { mode: mode as DirectorsMode, flags, realservers: Number(realservers) } : null;
}

/** `lvs-play lab …`; returns the exit code. */
export async function labCommand(argv: string[]): Promise<number> {
  const [sub, ...args] = argv;
  const directors = sub === 'up' ? directorsArg(args) : { mode: 'netns' as const, flags: args, realservers: 0 };
  const rest = directors?.flags ?? args;
  const flags = new Set(rest);
  const allowed: Record<string, string[]> = { up: ['--fresh', '--bastion'], down: ['--purge'], status: [] };
  if (!sub || !(sub in allowed) || !directors || rest.some((f) => !allowed[sub]?.includes(f))) {
    process.stderr.write(`${USAGE}\n`);
    return sub === 'help' || sub === '--help' ? 0 : 2;
  }
  try {
    if (sub === 'up') await labUp({ fresh: flags.has('--fresh'), directors: directors.mode, realservers: directors.realservers, bastion: flags.has('--bastion') });
    else if (sub === 'down') {
      await downLabVms((l) => process.stdout.write(`lab: ${l}\n`));
      await labDown({ purge: flags.has('--purge') });
    } else {
      // a host whose address a running lab VM holds (`lab up --directors vm`) is shown as that VM
      const vmAddresses = new Set((await runningLabVms()).map((v) => v.address));
      const rows = (await labStatus()).map((r) => (vmAddresses.has(r.address) ? { ...r, kind: 'vm', running: true } : r));
      const vms = await vmStatusLines();
      process.stdout.write(`${formatStatus(rows)}\n${vms.length ? `lab VMs:\n${vms.join('\n')}\n` : ''}`);
      return rows.every((r) => r.sshd) ? 0 : 1;
    }
    return 0;
  } catch (e) {
    process.stderr.write(`lvs-play lab ${sub}: ${(e as Error).message}\n`);
    return 1;
  }
}

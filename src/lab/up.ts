/** `lab up`: build (once) and start the lab; idempotent — a second call checks and repairs. */
import { mkdir } from 'node:fs/promises';
import { configureHost, ensureLabKey } from './configure.js';
import { type Progress, printProgress } from './exec.js';
import { startHost, initPid, stopHost, sshAnswers, startSshdIn, waitSsh } from './hostproc.js';
import { kindBindMounts, prepareKind, startKindServices } from './kinds.js';
import { writeAnsibleInventory, writeKnownHosts } from './known-hosts-file.js';
import { ensureBridge, ensureHostNet, ensureNat, removeHostNet } from './network.js';
import { labDir, netnsName, paths, vethName } from './paths.js';
import { ensureBaseRootfs, ensureHostRootfs, hostRootfsCurrent, syncAptAndResolver } from './rootfs.js';
import { emptyState, readState, withLabLock, writeFileAtomic, writeState, type LabState } from './state.js';
import { labHosts, loadTopology, type LabHost, type Topology } from './topology.js';
import { requireRoot } from './root.js';
import { ensureKeepalivedTarball } from './sources.js';
import { ensureWeb } from './web.js';
import { extraRealServers, EXTRA_SSHD_CONF } from './extras.js';
import { ensureExtraRootfs } from './extras-rootfs.js';
import { Pool } from '../pool.js';
import { bastionHost, openSsh, sshOnlyFrom } from './bastion.js';
import { join } from 'node:path';
import { forgetNeighbours, releaseVmAddresses, upVmDirectors, vmDirectorHosts, type DirectorsMode, type LabReservation } from './vm-variant.js';

/** The options of `labUp`. */
export interface LabUpOptions {
  /** Recreate every host's rootfs from the base (new host state; host keys are kept). */
  fresh?: boolean;
  progress?: Progress;
  /**
   * Where the directors run (src/lab/vm-variant.ts). 'netns' (default): namespaces like every host;
   * lab VMs holding their addresses are stopped first. 'vm': qemu VMs with real IPVS at the same
   * addresses (the netns directors are stopped and removed); running, answering VMs are kept.
   */
  directors?: DirectorsMode;
  /** The caller holds the lab lock already (`reserveLab()`, e.g. the e2e test for its whole run). */
  reservation?: LabReservation;
  /**
   * Extra Linux real servers beside the topology's hosts (src/lab/extras.ts), default 0: extras
   * of an earlier `up` beyond this count are stopped and removed (their rootfs copies are kept).
   */
  realservers?: number;
  /**
   * Add host `bastion` (x.y.z.30) and let every other netns host accept SSH only from it
   * (src/lab/bastion.ts); false (default): the bastion and those rules are removed.
   */
  bastion?: boolean;
}

/** `lab up`: builds the lab's hosts and starts them (docs: lab/README.md). */
export async function labUp(opts: LabUpOptions = {}): Promise<void> {
  requireRoot('lab up');
  const progress = opts.progress ?? printProgress;
  const t0 = Date.now();
  await mkdir(labDir(), { recursive: true, mode: 0o755 });
  const locked = <T>(fn: () => Promise<T>): Promise<T> => (opts.reservation ? opts.reservation.run(fn) : withLabLock(fn));
  await locked(async () => {
    const topo = loadTopology();
    const extras = extraRealServers(topo, opts.realservers ?? 0);
    const bastion = opts.bastion ? bastionHost(topo) : null;
    const hosts = [...labHosts(topo), ...extras, ...(bastion ? [bastion] : [])];
    const asVms = (opts.directors ?? 'netns') === 'vm' ? vmDirectorHosts(hosts) : [];
    const netnsHosts = hosts.filter((h) => !asVms.includes(h));
    // A netns host never shares its address with a lab VM: such VMs go first (plain `lab up` after `--directors vm`).
    const handedBack = await releaseVmAddresses(netnsHosts.map((h) => h.address), progress);
    const base = await ensureBaseRootfs(progress);
    const labPub = await ensureLabKey();
    const state = (await readState()) ?? emptyState();
    // direct access while `up` works (its checks connect to every host); the bastion's rules come back at the end
    await Promise.all(Object.keys(state.hosts).map((name) => openSsh(name)));
    await removeExtras(state, [...extras, ...(bastion ? [bastion] : [])], progress, [...(state.extras ?? []), ...(state.bastion ? [state.bastion] : [])]);
    state.extras = extras;
    if (bastion) state.bastion = bastion;
    else delete state.bastion;
    await writeState(state);
    progress(`network: bridge ${topo.network.bridge} ${topo.network.gateway}, NAT for ${topo.network.cidr}`);
    await ensureBridge(topo, state);
    await ensureNat(topo, state);
    await writeState(state);
    const ctx: UpContext = { topo, all: hosts, base, fresh: !!opts.fresh, progress, state, labPub, extras: new Set(extras.map((h) => h.name)), started: new Set() };
    await Promise.all(netnsHosts.map((h) => upHost(h, ctx)));
    if (extras.length) progress(`extra real servers: ${extras.length} (${extras[0]!.name} … ${extras.at(-1)!.name}, ${extras[0]!.address} …)`);
    await writeState(state);
    await writeKnownHosts(hosts, asVms.map((h) => h.name));
    await writeAnsibleInventory(hosts);
    const booted = asVms.length ? await upVmDirectors(topo, asVms, { fresh: !!opts.fresh, progress }) : null;
    // addresses that changed hands (VM ↔ netns host): drop their stale neighbour entries
    await forgetNeighbours([...handedBack, ...(booted?.vms.map((v) => v.address) ?? [])], netnsHosts.map((h) => h.name));
    // an extra host started anew has a new MAC: a stale neighbour entry here would blackhole it for ~15 s
    await forgetNeighbours(extras.filter((h) => ctx.started.has(h.name)).map((h) => h.address), []);
    const down = [];
    for (const h of hosts) if (!(await waitSsh(h.address, true, 15_000))) down.push(h.name);
    if (down.length) throw new Error(`lab: sshd does not answer on ${down.join(', ')} (logs: ${paths.log('HOST')}, /var/log/sshd.log inside)`);
    await ensureWeb(netnsHosts);
    if (bastion) {
      progress(`bastion: ${bastion.address}; every other host accepts SSH only from it`);
      await Promise.all(netnsHosts.filter((h) => h !== bastion).map((h) => sshOnlyFrom(h.name, bastion.address)));
    }
    await Promise.all(netnsHosts.map((h) => startKindServices(h, progress)));
    // the offline keepalived source the site builds from (Debian's source registry, sha256-checked)
    progress(`keepalived source: ${await ensureKeepalivedTarball()}`);
    progress(`up: ${hosts.length} hosts in ${((Date.now() - t0) / 1000).toFixed(1)} s; key ${paths.key()}, known_hosts ${paths.knownHosts()}`);
  });
}

/** Rootfs copies of extra hosts at once (disk-bound: more only thrash). */
const copies = new Pool(4);

interface UpContext {
  topo: Topology;
  all: readonly LabHost[];
  base: string;
  fresh: boolean;
  progress: Progress;
  state: LabState;
  labPub: string;
  /** Names of the extra real servers (their rootfs: src/lab/extras-rootfs.ts). */
  extras: ReadonlySet<string>;
  /** Hosts (re)started by this `up`. */
  started: Set<string>;
}

async function upHost(h: LabHost, c: UpContext): Promise<void> {
  const net = { netns: netnsName(h.name), veth: vethName(h.name), address: h.address };
  if ((c.fresh || !hostRootfsCurrent(h.name, c.base)) && (await initPid(h.name))) {
    c.progress(`${h.name}: stopping (its rootfs is recreated)`);
    await stopHost(h.name);
  }
  const extra = c.extras.has(h.name);
  const root = extra
    ? await copies.use(() => ensureExtraRootfs(h.name, c.base, c.fresh, c.progress))
    : await ensureHostRootfs(h.name, c.base, c.fresh, c.progress);
  if (!extra) await syncAptAndResolver(root); // an extra host has its template's
  await configureHost(h, c.all, root, c.labPub);
  if (extra) await writeFileAtomic(join(root, EXTRA_SSHD_CONF.path), EXTRA_SSHD_CONF.content);
  const kctx = { host: h, rootfs: root, progress: c.progress };
  await prepareKind(kctx);
  const binds = await kindBindMounts(kctx);
  const bindsKey = JSON.stringify(binds);
  const before = c.state.hosts[h.name];
  c.state.hosts[h.name] = { ...net, rootfs: root, binds: bindsKey };
  await ensureHostNet(c.topo, net);
  if (await initPid(h.name)) {
    if ((before?.binds ?? '[]') !== bindsKey) {
      c.progress(`${h.name}: bind mounts changed, restarting`);
      await stopHost(h.name);
    } else {
      if (!(await sshAnswers(h.address))) {
        c.progress(`${h.name}: sshd not answering, starting it`);
        await startSshdIn(h.name, h.address);
      }
      return;
    }
  }
  c.progress(`${h.name}: starting (${h.address})`);
  c.started.add(h.name);
  await startHost(h.name, root, binds);
}

/** Stops and removes the extra hosts (and bastion) of an earlier `up` that are not wanted now (rootfs kept). */
async function removeExtras(state: LabState, wanted: readonly LabHost[], progress: Progress, had: readonly LabHost[]): Promise<void> {
  const keep = new Set(wanted.map((h) => `${h.name} ${h.address}`));
  const gone = had.filter((h) => !keep.has(`${h.name} ${h.address}`));
  if (gone.length) progress(`extra hosts: removing ${gone.length} (${gone.map((h) => h.name).join(' ')})`);
  await Promise.all(
    gone.map(async (h) => {
      await stopHost(h.name);
      await removeHostNet({ netns: netnsName(h.name), veth: vethName(h.name) });
      delete state.hosts[h.name];
    }),
  );
  await forgetNeighbours(gone.map((h) => h.address), []);
}

/**
 * `lab down`: removes what `lab up` made — host processes, netns, veths, bridge, NAT rules, mounts —
 * from the state file AND by the `lvs-` name prefix (so it also cleans up after a crash). Keeps the
 * cached base rootfs; host rootfs copies are kept too unless `purge`.
 */
import { readFile, rm } from 'node:fs/promises';
import { exec, type Progress, printProgress } from './exec.js';
import { killNetnsProcesses, stopHost } from './hostproc.js';
import { foreignBridgePorts, listNetns, removeBridge, removeHostNet, removeNat } from './network.js';
import { PREFIX, labDir, netnsName, paths, vethName } from './paths.js';
import { requireRoot } from './root.js';
import { readState, removeState, withLabLock } from './state.js';
import { labHosts, loadTopology, type Topology } from './topology.js';
import { join } from 'node:path';

/** The options of `labDown`. */
export interface LabDownOptions {
  /** Also delete the host rootfs copies and host keys (the base rootfs cache stays). */
  purge?: boolean;
  progress?: Progress;
}

/** `lab down`: stops every lab host (with purge: deletes their rootfs copies and host keys too). */
export async function labDown(opts: LabDownOptions = {}): Promise<void> {
  requireRoot('lab down');
  const progress = opts.progress ?? printProgress;
  const t0 = Date.now();
  await withLabLock(async () => {
    const state = await readState();
    let topo: Topology | null = null;
    try {
      topo = loadTopology();
    } catch {
      /* down works without a topology */
    }
    const names = new Set<string>([...Object.keys(state?.hosts ?? {}), ...(topo ? labHosts(topo).map((h) => h.name) : [])]);
    for (const ns of await listNetns()) if (ns.startsWith(PREFIX)) names.add(ns.slice(PREFIX.length));
    for (const name of names) {
      const s = state?.hosts[name];
      const net = { netns: s?.netns ?? netnsName(name), veth: s?.veth ?? vethName(name) };
      progress(`${name}: stopping, removing ${net.netns}`);
      await stopHost(name);
      await killNetnsProcesses(net.netns);
      await removeHostNet(net);
    }
    // Leftover veths with the lab's prefix (their netns is gone or was never recorded).
    const veths = (await exec(['ip', '-o', 'link', 'show', 'type', 'veth'])).stdout;
    for (const m of veths.matchAll(/^\d+: ([^:@]+)/gm)) {
      if (m[1]?.startsWith(PREFIX)) await exec(['ip', 'link', 'del', m[1]]);
    }
    const foreign = await foreignBridgePorts(topo, state);
    if (foreign.length) {
      progress(`network: keeping the bridge and NAT: still used by ${foreign.join(', ')} (not made by the netns lab)`);
    } else {
      progress('network: removing NAT rules and the bridge');
      await removeNat(state);
      await removeBridge(topo, state);
    }
    await unmountUnder(join(labDir(), 'hosts'));
    if (opts.purge) {
      progress(`purge: removing host rootfs copies under ${join(labDir(), 'hosts')}`);
      await rm(join(labDir(), 'hosts'), { recursive: true, force: true });
      await rm(join(labDir(), 'templates'), { recursive: true, force: true }); // extra real servers' (extras-rootfs.ts)
      await rm(paths.knownHosts(), { force: true });
      await rm(paths.inventoryYml(), { force: true });
    }
    await removeState();
  });
  progress(`down in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** Unmounts anything mounted under `dir` in the control node's mount namespace (deepest first). */
async function unmountUnder(dir: string): Promise<void> {
  const info = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const points = info
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => p === dir || p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const p of points) await exec(['umount', '-l', p]);
}

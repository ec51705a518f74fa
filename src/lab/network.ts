/** Kernel networking of the lab: the bridge, NAT to the outside, one netns + veth per host. */
import { readFile, writeFile } from 'node:fs/promises';
import { exec, execOk } from './exec.js';
import { NAT_COMMENT, PREFIX } from './paths.js';
import type { LabState } from './state.js';
import type { Topology } from './topology.js';
import { prefixLength } from './topology.js';

const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';

async function linkExists(name: string): Promise<boolean> {
  return (await exec(['ip', 'link', 'show', 'dev', name])).code === 0;
}

export async function listNetns(): Promise<string[]> {
  const out = await exec(['ip', 'netns', 'list']);
  return out.stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter(Boolean);
}

export async function ensureBridge(t: Topology, state: LabState): Promise<void> {
  const { bridge, gateway } = t.network;
  const cidr = `${gateway}/${prefixLength(t)}`;
  state.bridge = { name: bridge, address: cidr };
  if (!(await linkExists(bridge))) await execOk(['ip', 'link', 'add', bridge, 'type', 'bridge']);
  await execOk(['ip', 'addr', 'replace', cidr, 'dev', bridge]);
  await execOk(['ip', 'link', 'set', bridge, 'up']);
}

/** The interface of the machine's default route (where NAT sends the lab's traffic). */
export async function defaultRouteDev(): Promise<string | null> {
  const out = await exec(['ip', '-4', 'route', 'show', 'default']);
  return /\bdev (\S+)/.exec(out.stdout)?.[1] ?? null;
}

/** MASQUERADE + FORWARD accept for the lab's subnet, and ip_forward, so hosts reach apt mirrors. */
export async function ensureNat(t: Topology, state: LabState): Promise<void> {
  const out = await defaultRouteDev();
  if (!out) return;
  const { bridge, cidr } = t.network;
  const tag = ['-m', 'comment', '--comment', NAT_COMMENT];
  const rules: string[][] = [
    ['-t', 'nat', '-A', 'POSTROUTING', '-s', cidr, '-o', out, ...tag, '-j', 'MASQUERADE'],
    ['-t', 'filter', '-A', 'FORWARD', '-i', bridge, '-o', out, ...tag, '-j', 'ACCEPT'],
    ['-t', 'filter', '-A', 'FORWARD', '-i', out, '-o', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', ...tag, '-j', 'ACCEPT'],
  ];
  for (const r of rules) {
    const check = r.map((a) => (a === '-A' ? '-C' : a));
    if ((await exec(['iptables', ...check])).code !== 0) await execOk(['iptables', ...r]);
    if (!state.iptables.some((x) => x.join(' ') === r.join(' '))) state.iptables.push(r);
  }
  const before = (await readFile(IP_FORWARD, 'utf8')).trim();
  if (state.ipForwardBefore === undefined) state.ipForwardBefore = before;
  if (before !== '1') await writeFile(IP_FORWARD, '1\n');
}

/** Deletes the lab's iptables rules: those in the state file and any carrying the lab's comment. */
export async function removeNat(state: LabState | null): Promise<void> {
  for (const r of state?.iptables ?? []) {
    const del = r.map((a) => (a === '-A' ? '-D' : a));
    while ((await exec(['iptables', ...del])).code === 0) {
      /* delete duplicates too */
    }
  }
  for (const table of ['nat', 'filter']) {
    const rules = (await exec(['iptables', '-t', table, '-S'])).stdout.split('\n');
    for (const line of rules) {
      if (!line.startsWith('-A ') || !line.includes(`--comment ${NAT_COMMENT}`)) continue;
      await exec(['iptables', '-t', table, ...line.replace(/^-A /, '-D ').split(/\s+/).filter(Boolean)]);
    }
  }
  if (state?.ipForwardBefore !== undefined && state.ipForwardBefore !== '1') {
    await writeFile(IP_FORWARD, `${state.ipForwardBefore}\n`).catch(() => undefined);
  }
}

export interface HostNet {
  netns: string;
  veth: string;
  address: string;
}

export async function ensureHostNet(t: Topology, h: HostNet): Promise<void> {
  const { bridge, gateway } = t.network;
  if (!(await listNetns()).includes(h.netns)) await execOk(['ip', 'netns', 'add', h.netns]);
  if (!(await linkExists(h.veth))) {
    await exec(['ip', '-n', h.netns, 'link', 'del', 'eth0']); // a leftover peer, if any
    await execOk(['ip', 'link', 'add', h.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.netns]);
  }
  await execOk(['ip', 'link', 'set', h.veth, 'master', bridge, 'up']);
  const n = ['ip', '-n', h.netns];
  await execOk([...n, 'link', 'set', 'lo', 'up']);
  await execOk([...n, 'addr', 'replace', `${h.address}/${prefixLength(t)}`, 'dev', 'eth0']);
  await execOk([...n, 'link', 'set', 'eth0', 'up']);
  await execOk([...n, 'route', 'replace', 'default', 'via', gateway]);
}

/** Deletes a netns (its veth end goes with it) and the host end if it is still there. */
export async function removeHostNet(h: { netns: string; veth: string }): Promise<void> {
  if ((await listNetns()).includes(h.netns)) await exec(['ip', 'netns', 'del', h.netns]);
  if (await linkExists(h.veth)) await exec(['ip', 'link', 'del', h.veth]);
}

/** veths and netns named with the lab prefix (to clean up after a crash). */
export async function prefixedLinks(): Promise<string[]> {
  const out = await exec(['ip', '-o', 'link', 'show']);
  return out.stdout
    .split('\n')
    .map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1] ?? '')
    .filter((n) => n.startsWith(PREFIX));
}

/** Ports of a bridge (interfaces enslaved to it). */
export async function bridgePorts(name: string): Promise<string[]> {
  const ports = (await exec(['ip', '-o', 'link', 'show', 'master', name])).stdout;
  return ports.split('\n').map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1] ?? '').filter(Boolean);
}

/** Ports of the lab's bridge that the netns lab did not make (e.g. VM taps): the bridge stays. */
export async function foreignBridgePorts(t: Topology | null, state: LabState | null): Promise<string[]> {
  const name = state?.bridge?.name ?? t?.network.bridge;
  if (!name || !(await linkExists(name))) return [];
  return (await bridgePorts(name)).filter((p) => !p.startsWith(PREFIX));
}

/**
 * Deletes the bridge if the state says the lab made it, or (no state) when it carries the
 * topology's gateway address. The caller keeps it while foreign ports use it.
 */
export async function removeBridge(t: Topology | null, state: LabState | null): Promise<void> {
  const name = state?.bridge?.name ?? t?.network.bridge;
  if (!name || !(await linkExists(name))) return;
  if (!state?.bridge && t) {
    const addr = (await exec(['ip', '-o', '-4', 'addr', 'show', 'dev', name])).stdout;
    if (!addr.includes(`${t.network.gateway}/`)) return;
  }
  await exec(['ip', 'link', 'del', name]);
}

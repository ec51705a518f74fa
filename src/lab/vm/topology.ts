import { readFile } from 'node:fs/promises';
import { topologyPath } from '../topology.js';

/** One VM of the lab: a name (its tap is lvstap-NAME) and its IPv4 address on the lab bridge. */
export interface VmSpec {
  name: string;
  address: string;
}

export interface VmNetwork {
  bridge: string;
  /** Prefix length of the lab network (24 for 10.77.0.0/24). */
  prefixLength: number;
  gateway: string;
}

interface TopologyFile {
  network: { bridge: string; cidr: string; gateway: string };
  hosts: Record<string, { address: string; groups?: string[] }>;
}

export { topologyPath };

/** Reads lab/topology.json: the network, and the hosts of group `directors` (the VMs by default). */
export async function readVmTopology(path = topologyPath()): Promise<{ network: VmNetwork; directors: VmSpec[] }> {
  const t = JSON.parse(await readFile(path, 'utf8')) as TopologyFile;
  const prefix = Number.parseInt(t.network.cidr.split('/')[1] ?? '', 10);
  if (!Number.isInteger(prefix) || prefix < 1 || prefix > 32) throw new Error(`${path}: network.cidr ${t.network.cidr} has no prefix length`);
  const directors = Object.entries(t.hosts)
    .filter(([, h]) => h.groups?.includes('directors'))
    .map(([name, h]) => ({ name, address: h.address }));
  return { network: { bridge: t.network.bridge, prefixLength: prefix, gateway: t.network.gateway }, directors };
}

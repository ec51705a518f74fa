/** The lab's topology, read from lab/topology.json (never hard-coded). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { LvsError } from '../errors.js';
import { anyIpv4 as ipv4, cidr, port } from '../schema/schemas.js';

const hostName = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'lower-case letters, digits, dashes');

/** The shape of lab/topology.json. */
export const TopologySchema = z.object({
  network: z.object({
    bridge: z.string().regex(/^[A-Za-z0-9_-]{1,15}$/),
    cidr,
    gateway: ipv4,
    vip: ipv4.optional(),
  }),
  /** Vars of every lab host (the inventory's `all` vars, beside `vip`). */
  vars: z.record(z.unknown()).default({}),
  hosts: z.record(
    hostName,
    z.object({
      address: ipv4,
      kind: z.enum(['linux', 'powershell']),
      groups: z.array(z.string()).default([]),
      vars: z.record(z.unknown()).default({}),
      /** Serve a tiny HTTP server answering the host's name on this port (src/lab/web.ts). */
      web: port.optional(),
    }),
  ),
});

/** The lab's topology, as lab/topology.json gives it. */
export type Topology = z.infer<typeof TopologySchema>;
/** A lab host's kind: linux, or powershell (the simulated Windows host). */
export type LabHostKind = Topology['hosts'][string]['kind'];

/** A lab host: name, address, kind, groups, vars and an optional web port. */
export interface LabHost {
  name: string;
  address: string;
  kind: LabHostKind;
  groups: string[];
  vars: Record<string, unknown>;
  web?: number;
}

/** lab/topology.json of this package (or $LVS_PLAY_TOPOLOGY). */
export function topologyPath(): string {
  if (process.env.LVS_PLAY_TOPOLOGY) return process.env.LVS_PLAY_TOPOLOGY;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'lab', 'topology.json');
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  throw new LvsError('E_LOAD', 'lab/topology.json not found', { fix: 'set LVS_PLAY_TOPOLOGY to its path' });
}

/** Reads and validates lab/topology.json (or `file`); a bad one is E_VALIDATION naming the field. */
export function loadTopology(file: string = topologyPath()): Topology {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new LvsError('E_LOAD', `cannot read the lab topology: ${(e as Error).message}`, { file });
  }
  const r = TopologySchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new LvsError('E_VALIDATION', i?.message ?? 'invalid topology', { file, field: i?.path.join('.') });
  }
  return r.data;
}

/** The lab's hosts from a topology (lab/topology.json by default). */
export function labHosts(t: Topology = loadTopology()): LabHost[] {
  return Object.entries(t.hosts).map(([name, h]) => ({ name, ...h }));
}

export function prefixLength(t: Topology): number {
  return Number(t.network.cidr.split('/')[1]);
}

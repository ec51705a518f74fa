/**
 * Extra real servers (`lab up --realservers N`): N more Linux real servers beside the topology's
 * hosts, for measuring many hosts (bench/). Each is a full lab host (its own netns, namespaces,
 * rootfs and sshd) in group `linux_realservers`, named rs3, rs4, … (after the topology's rsN),
 * at addresses from EXTRA_FIRST_OCTET up that the topology does not use. What `up` made is
 * recorded in the state file (`extras`), so `-i lab`, `lab status` and `down` know them.
 */
import { readFileSync } from 'node:fs';
import { LvsError } from '../errors.js';
import { paths } from './paths.js';
import type { LabState } from './state.js';
import type { LabHost, Topology } from './topology.js';

/** Extra hosts take addresses from x.y.z.100 up (below it: the topology's own hosts). */
const EXTRA_FIRST_OCTET = 100;
const LAST_OCTET = 254;

/**
 * The extra real servers for a count: deterministic (same topology and N → same names, addresses
 * and weights). Weights cycle 1, 2, 3 so a keepalived.conf shows them. They serve no web port, so
 * the reference site's listener check is off for them (`check_listeners: false`).
 */
export function extraRealServers(topo: Topology, count: number): LabHost[] {
  if (!Number.isInteger(count) || count < 0) throw new LvsError('E_USAGE', `--realservers must be an integer ≥ 0 (got ${count})`, { fix: 'e.g. lab up --realservers 50' });
  const used = new Set([topo.network.gateway, topo.network.vip, ...Object.values(topo.hosts).map((h) => h.address)]);
  const names = new Set(Object.keys(topo.hosts));
  const prefix = topo.network.gateway.split('.').slice(0, 3).join('.');
  const free: string[] = [];
  for (let o = EXTRA_FIRST_OCTET; o <= LAST_OCTET; o++) if (!used.has(`${prefix}.${o}`)) free.push(`${prefix}.${o}`);
  if (count > free.length) {
    throw new LvsError('E_USAGE', `--realservers ${count} does not fit: ${free.length} free addresses from ${prefix}.${EXTRA_FIRST_OCTET}`, { fix: `at most --realservers ${free.length}` });
  }
  const out: LabHost[] = [];
  let n = 1;
  for (let i = 0; i < count; i++) {
    while (names.has(`rs${n}`)) n++;
    const name = `rs${n++}`;
    out.push({ name, address: free[i]!, kind: 'linux', groups: ['linux_realservers'], vars: { weight: 1 + (i % 3), check_listeners: false } });
  }
  return out;
}

/**
 * sshd of an extra host logs at VERBOSE: one "Starting session: command …" line per exec, which
 * is how bench/ counts, on the host, the commands each tool ran.
 */
export const EXTRA_SSHD_CONF = { path: 'etc/ssh/sshd_config.d/lvs-play-extra.conf', content: '# Written by lvs-play lab (extra real server).\nLogLevel VERBOSE\n' };

/** The extra hosts the running lab has (from the state file; none when there is no state). */
export function extraHosts(): LabHost[] {
  try {
    const s = JSON.parse(readFileSync(paths.state(), 'utf8')) as LabState;
    return s.extras ?? [];
  } catch {
    return [];
  }
}

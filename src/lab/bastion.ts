/**
 * `lab up --bastion`: one more lab host, `bastion` (x.y.z.30, an ordinary lab sshd host in no
 * inventory group), and every other netns host accepts SSH only from it — its own firewall, in its
 * namespace: a rule in the raw table, before the filter table the site's firewall role manages, so
 * the role neither sees nor removes it. `-i lab` then reaches the hosts through the bastion
 * (ProxyJump, src/lab/inventory.ts). A plain `lab up` removes the rules and the bastion host.
 */
import { exec, execOk } from './exec.js';
import { readFileSync } from 'node:fs';
import { netnsName, paths } from './paths.js';
import type { LabState } from './state.js';
import type { LabHost, Topology } from './topology.js';

/** The name of the lab's bastion host (a jump host). */
export const BASTION_NAME = 'bastion';
const BASTION_OCTET = 30;
const COMMENT = 'lvs-play-lab-bastion';

/** The bastion host of a topology (its address must be free there). */
export function bastionHost(topo: Topology): LabHost {
  const address = `${topo.network.gateway.split('.').slice(0, 3).join('.')}.${BASTION_OCTET}`;
  const clash = Object.entries(topo.hosts).find(([, h]) => h.address === address);
  if (clash) throw new Error(`lab: --bastion needs ${address}, which topology host ${clash[0]} uses`);
  return { name: BASTION_NAME, address, kind: 'linux', groups: [], vars: {} };
}

/** The bastion of the running lab (from its state file), or null. Sync, cheap. */
export function labBastion(): LabHost | null {
  try {
    return (JSON.parse(readFileSync(paths.state(), 'utf8')) as LabState).bastion ?? null;
  } catch {
    return null;
  }
}

function rule(bastion: string): string[] {
  return ['-t', 'raw', 'PREROUTING', '-p', 'tcp', '--dport', '22', '!', '-s', bastion, '-m', 'comment', '--comment', COMMENT, '-j', 'DROP'];
}

/** Deletes this host's bastion rules (any bastion address: they are found by their comment). */
export async function openSsh(host: string): Promise<void> {
  const ns = ['ip', 'netns', 'exec', netnsName(host), 'iptables', '-w'];
  const listed = await exec([...ns, '-t', 'raw', '-S', 'PREROUTING']);
  if (listed.code !== 0) return; // no namespace (host gone): nothing to remove
  for (const line of listed.stdout.split('\n')) {
    if (!line.includes(COMMENT)) continue;
    const argv = line.replace(/^-A /, '-D ').match(/"[^"]*"|\S+/g)?.map((w) => w.replace(/^"|"$/g, '')) ?? [];
    await exec([...ns, '-t', 'raw', ...argv]);
  }
}

/** Lets this host's sshd be reached only from the bastion (idempotent). */
export async function sshOnlyFrom(host: string, bastion: string): Promise<void> {
  const ns = ['ip', 'netns', 'exec', netnsName(host), 'iptables', '-w'];
  const [t, table, chain, ...spec] = rule(bastion);
  if ((await exec([...ns, t as string, table as string, '-C', chain as string, ...spec])).code === 0) return;
  await openSsh(host); // a rule for another bastion address goes first
  await execOk([...ns, t as string, table as string, '-A', chain as string, ...spec]);
}

/** TCP connections to the bastion's sshd from `peer` now (counted in the bastion's namespace). */
export async function bastionConnections(peer: string): Promise<number> {
  const r = await execOk(['ip', 'netns', 'exec', netnsName(BASTION_NAME), 'ss', '-Htn', 'state', 'established', '( sport = :22 )']);
  return r.split('\n').filter((l) => l.trim() && l.split(/\s+/).some((f) => f.startsWith(`${peer}:`))).length;
}

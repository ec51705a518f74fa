/**
 * The IPVS schedulers: one list, used by the keepalived role's model (`lb_algo`), the ipvsadm role
 * (`-s`), the reference site (`lb_algo`), `lvs-play init` and docs/site.md (a unit test compares
 * them). Each is a kernel module `ip_vs_NAME`; `schedulerCheck` (scheduler-check.ts) checks a
 * director has it before keepalived is told to use it.
 */
import { z } from 'zod';

/** Every scheduler the kernel's IPVS and keepalived 2.2.7 know, with what it does (one line). */
export const IPVS_SCHEDULERS = [
  { name: 'rr', description: 'round robin: each real server in turn' },
  { name: 'wrr', description: 'weighted round robin: in turn, in proportion to the weights' },
  { name: 'lc', description: 'least connections: the server with the lowest active×256 + inactive' },
  { name: 'wlc', description: "weighted least connections: lc's count divided by the weight" },
  { name: 'lblc', description: 'locality-based least connections: one server per destination IP while it is not overloaded (cache clusters)' },
  { name: 'lblcr', description: 'locality-based least connections with replication: a set of servers per destination IP, grown when they are overloaded' },
  { name: 'dh', description: 'destination hashing: a static hash of the destination IP picks the server' },
  { name: 'sh', description: 'source hashing: a static hash of the client IP picks the server (a client stays on one server)' },
  { name: 'sed', description: 'shortest expected delay: the lowest (active+1)×256 / weight' },
  { name: 'nq', description: 'never queue: an idle server first, else as sed' },
  { name: 'fo', description: 'weighted failover: the available server with the highest weight takes everything' },
  { name: 'ovf', description: 'weighted overflow: the highest-weight server until its active connections exceed its weight, then the next' },
  { name: 'mh', description: 'Maglev hashing: consistent hashing of the client, few clients move when a server comes or goes' },
  { name: 'twos', description: 'weighted random twos choice: the less loaded of two servers picked at random by weight' },
] as const;

/** An IPVS scheduler's name (rr, wrr, lc …). */
export type SchedulerName = (typeof IPVS_SCHEDULERS)[number]['name'];

/** The schedulers' names, in the list's order. */
export const SCHEDULER_NAMES = IPVS_SCHEDULERS.map((s) => s.name) as unknown as readonly [SchedulerName, ...SchedulerName[]];

/** One scheduler name (an inventory var such as `lb_algo`, an option). */
export const scheduler = z.enum(SCHEDULER_NAMES as [SchedulerName, ...SchedulerName[]]).describe('wrr');

/** Whether a string names a scheduler. */
export function isScheduler(s: string): s is SchedulerName {
  return (SCHEDULER_NAMES as readonly string[]).includes(s);
}

/** The kernel module of a scheduler: `ip_vs_wrr`. */
export function schedulerModule(name: SchedulerName): string {
  return `ip_vs_${name}`;
}

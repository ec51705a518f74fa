/**
 * Taking a real server out of service and back, on every director:
 *   drain({ address, host })          weight 0: recorded, live in IPVS, in keepalived.conf (reload)
 *   drainWait({ address, host, seconds })  waits for its active connections to end (read-only)
 *   undrain({ address, host, weight })  the inventory weight back, the record removed
 *   realServerMaintenance({ hosts, tasks })  a serial: 1 play over real servers: each drained on
 *                                     every director, its tasks run, then undrained
 * The CLI's `lvs-play drain HOST` / `undrain HOST` run the first three. See README.md.
 */
import { defineRole, groupOf, keepalivedConfOf, play, weightOf, type HostView, type Play, type RoleInstance, type Task } from 'lvs-play';
import { anyIpv4, z } from 'lvs-play/kit';
import { activeConns, backInService, confWeight, drainMark, ipvsWeight } from './resources.js';

export { setRealServerWeight, ipvsEntriesOf } from './weights.js';

const DEFAULT_CONF = '/etc/keepalived/keepalived.conf';

const target = {
  /** The real server's address, as keepalived.conf and IPVS list it. */
  address: anyIpv4,
  /** Its inventory name (messages, the drained record). */
  host: z.string().min(1),
  /** keepalived.conf on the director. */
  configPath: z.string().regex(/^\//, 'configPath must be an absolute path').default(DEFAULT_CONF),
};

/** Drains a real server on a director: weight 0 live and in keepalived.conf, the drain recorded. */
export const drain = defineRole({
  name: 'drain',
  options: z.object(target).strict(),
  build: (o) => ({
    resources: [
      drainMark({ ...o, drained: true }),
      ipvsWeight({ ...o, weight: 0 }),
      confWeight({ ...o, weight: 0, path: o.configPath }),
    ],
  }),
});

/** Waits (bounded) until a drained real server has no active connections on the director. */
export const drainWait = defineRole({
  name: 'drain wait',
  options: z.object({ address: anyIpv4, host: z.string().min(1), seconds: z.number().int().min(0).max(86_400).default(60) }).strict(),
  build: (o) => ({ resources: [activeConns(o)] }),
});

/** Gives a real server its weight back (live and in keepalived.conf), the drained record removed. */
export const undrain = defineRole({
  name: 'undrain',
  options: z
    .object({
      ...target,
      weight: z.number().int().min(0).max(65_535).default(1),
      /** Wait this long for IPVS to list it again with its weight (0: do not wait). */
      backSeconds: z.number().int().min(0).max(3600).default(30),
    })
    .strict(),
  build: (o) => ({
    resources: [
      confWeight({ ...o, path: o.configPath }),
      ipvsWeight(o),
      drainMark({ ...o, drained: false }),
      ...(o.backSeconds > 0 && o.weight > 0 ? [backInService({ ...o, seconds: o.backSeconds })] : []),
    ],
  }),
});

/** Runs a role on another host (here: a director), over the run's connection to it. */
export function onHost(host: HostView, role: RoleInstance): RoleInstance {
  return { ...role, delegateTo: host };
}

/** The options of `realServerMaintenance`: the real servers' pattern, the directors, the work to do drained. */
export interface MaintenanceOptions {
  /** Play name. Default "real server maintenance". */
  name?: string;
  /** Host pattern of the real servers (one at a time). */
  hosts: string;
  /** Group of the directors. Default: the site's (`directors_group`, default 'directors'). */
  directors?: string;
  /** Longest wait for a drained server's active connections (s). Default 60. */
  waitSeconds?: number;
  /** The maintenance itself, run on the drained real server. */
  tasks(host: HostView): readonly Task[];
  tags?: readonly string[];
}

/**
 * One play over the real servers, `serial: 1`: for each host, drain on every director, wait for
 * its connections, its tasks, undrain (its typed `weight`, default 1: the site model). A task
 * that fails leaves that host drained and stops the play (the next host is not touched).
 */
export function realServerMaintenance(o: MaintenanceOptions): Play {
  return play(o.name ?? 'real server maintenance', { hosts: o.hosts, serial: 1, ...(o.tags ? { tags: o.tags } : {}) }, (host) => {
    const group = o.directors ?? groupOf(host, 'directors');
    const ds = host.group(group);
    if (ds.length === 0) throw new Error(`no hosts in group ${group}: realServerMaintenance drains ${host.name} on the directors of that group`);
    const who = { address: host.address, host: host.name };
    return [
      ...ds.map((d) => onHost(d, drain({ ...who, configPath: keepalivedConfOf(d) }))),
      ...ds.map((d) => onHost(d, drainWait({ ...who, seconds: o.waitSeconds ?? 60 }))),
      ...o.tasks(host),
      ...ds.map((d) => onHost(d, undrain({ ...who, weight: weightOf(host), configPath: keepalivedConfOf(d) }))),
    ];
  });
}

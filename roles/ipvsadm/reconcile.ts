/**
 * The smallest list of ipvsadm edits that turns the current IPVS table into the desired one,
 * their exact argv, and the rules text (`ipvsadm -S -n` shape) for /etc/ipvsadm.rules. Pure.
 *
 * Managed services (those in `desired`) are reconciled exactly, real servers included; services
 * only in `current` are left alone unless `purge` is on.
 */
import { formatHostPort } from 'lvs-play/kit';
import {
  effectivePort,
  normaliseServices,
  realServerKey,
  serviceArgs,
  serviceKey,
  type RealServer,
  type VirtualService,
} from './model.js';

/** A virtual service's settings without its real servers (what `-A`/`-E` carry). */
export type ServiceSpec = Omit<VirtualService, 'realServers'>;

export type IpvsEdit =
  /** `-A`: add a virtual service. */
  | { op: 'add-service'; service: ServiceSpec }
  /** `-E`: change a service's scheduler, persistence or flags; `before` is what it was. */
  | { op: 'edit-service'; service: ServiceSpec; before: ServiceSpec }
  /** `-D`: delete a virtual service (its real servers go with it). */
  | { op: 'delete-service'; service: ServiceSpec }
  /** `-a`: add a real server. */
  | { op: 'add-real-server'; service: ServiceSpec; realServer: RealServer }
  /** `-e`: change a real server's weight, forwarding, thresholds or tunnel; `before` is what it was. */
  | { op: 'edit-real-server'; service: ServiceSpec; realServer: RealServer; before: RealServer }
  /** `-d`: delete a real server. */
  | { op: 'delete-real-server'; service: ServiceSpec; realServer: RealServer };

export interface ReconcileOptions {
  /** Delete virtual services that are not in `desired` (otherwise unmanaged ones are kept). */
  purge: boolean;
}

/**
 * Edits in a safe order: services added/changed first, then real servers added/changed (so a
 * service never loses capacity while servers are swapped), then real servers deleted, then
 * services deleted. Both inputs may be in any order and any (valid) spelling.
 */
export function reconcile(current: readonly VirtualService[], desired: readonly VirtualService[], opts: ReconcileOptions): IpvsEdit[] {
  const cur = new Map(normaliseServices(current).map((s) => [serviceKey(s), s] as const));
  const want = normaliseServices(desired);
  const serviceEdits: IpvsEdit[] = [];
  const serverAdds: IpvsEdit[] = [];
  const serverDeletes: IpvsEdit[] = [];
  const serviceDeletes: IpvsEdit[] = [];

  for (const d of want) {
    const spec = specOf(d);
    const c = cur.get(serviceKey(d));
    if (!c) {
      serviceEdits.push({ op: 'add-service', service: spec });
      for (const r of d.realServers) serverAdds.push({ op: 'add-real-server', service: spec, realServer: r });
      continue;
    }
    if (!sameJson(specOf(c), spec)) serviceEdits.push({ op: 'edit-service', service: spec, before: specOf(c) });
    const curServers = new Map(c.realServers.map((r) => [realServerKey(c, r), r] as const));
    const wantKeys = new Set<string>();
    for (const r of d.realServers) {
      const key = realServerKey(d, r);
      wantKeys.add(key);
      const before = curServers.get(key);
      if (!before) serverAdds.push({ op: 'add-real-server', service: spec, realServer: r });
      else if (!sameJson(before, r)) serverAdds.push({ op: 'edit-real-server', service: spec, realServer: r, before });
    }
    for (const r of c.realServers) {
      if (!wantKeys.has(realServerKey(c, r))) serverDeletes.push({ op: 'delete-real-server', service: spec, realServer: r });
    }
  }
  if (opts.purge) {
    const wanted = new Set(want.map(serviceKey));
    for (const [key, c] of cur) {
      if (!wanted.has(key)) serviceDeletes.push({ op: 'delete-service', service: specOf(c) });
    }
  }
  return [...serviceEdits, ...serverAdds, ...serverDeletes, ...serviceDeletes];
}

function specOf(s: VirtualService): ServiceSpec {
  const { realServers: _drop, ...spec } = s;
  return spec;
}

/** Both sides are normalised (same key order, defaults dropped), so JSON text compares them. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The `-s … -p … -M … --pe … -o -b …` options of a service, in ipvsadm's order. */
function serviceOptions(s: ServiceSpec): string[] {
  const out = ['-s', s.scheduler];
  if (s.persistence) {
    out.push('-p', String(s.persistence));
    if (s.persistenceNetmask !== undefined) out.push('-M', String(s.persistenceNetmask));
  }
  if (s.persistenceEngine) out.push('--pe', s.persistenceEngine);
  if (s.onePacket) out.push('-o');
  if (s.schedulerFlags && s.schedulerFlags.length > 0) out.push('-b', s.schedulerFlags.join(','));
  return out;
}

const FWD_SWITCH = { dr: '-g', nat: '-m', tunnel: '-i' } as const;

/** The `-r … -g -w …` options of a real server, in ipvsadm's order. */
function serverOptions(s: ServiceSpec, r: RealServer): string[] {
  const out = ['-r', serverAddress(s, r), FWD_SWITCH[r.forwarding], '-w', String(r.weight)];
  if (r.upperThreshold) out.push('-x', String(r.upperThreshold));
  if (r.lowerThreshold) out.push('-y', String(r.lowerThreshold));
  if (r.forwarding === 'tunnel' && r.tunType && r.tunType !== 'ipip') {
    out.push('--tun-type', r.tunType);
    if (r.tunType === 'gue' && r.tunPort !== undefined) out.push('--tun-port', String(r.tunPort));
    if (r.tunCsum && r.tunCsum !== 'nocsum') out.push(`--tun-${r.tunCsum}`);
  }
  return out;
}

function serverAddress(s: ServiceSpec, r: RealServer): string {
  return formatHostPort(r.address, effectivePort({ ...s, realServers: [] }, r));
}

/** The exact ipvsadm arguments (without the program name) that carry out one edit. */
export function editToArgv(edit: IpvsEdit): string[] {
  const svc = serviceArgs({ ...edit.service, realServers: [] });
  switch (edit.op) {
    case 'add-service':
      return ['-A', ...svc, ...serviceOptions(edit.service)];
    case 'edit-service':
      return ['-E', ...svc, ...serviceOptions(edit.service)];
    case 'delete-service':
      return ['-D', ...svc];
    case 'add-real-server':
      return ['-a', ...svc, ...serverOptions(edit.service, edit.realServer)];
    case 'edit-real-server':
      return ['-e', ...svc, ...serverOptions(edit.service, edit.realServer)];
    case 'delete-real-server':
      return ['-d', ...svc, '-r', serverAddress(edit.service, edit.realServer)];
  }
}

/** One line for --diff and logs, e.g. `+ -a -t 10.77.0.10:80 -r 10.77.0.16:80 -g -w 3`. */
export function describeEdit(edit: IpvsEdit): string {
  const sign = edit.op.startsWith('add') ? '+' : edit.op.startsWith('delete') ? '-' : '~';
  return `${sign} ipvsadm ${editToArgv(edit).join(' ')}`;
}

/**
 * The table as `ipvsadm -S -n` would print it (services and servers in its order), for
 * /etc/ipvsadm.rules. `parseIpvsadmSave(renderRules(x))` deep-equals `normaliseServices(x)`.
 */
export function renderRules(services: readonly VirtualService[]): string {
  const lines: string[] = [];
  for (const s of normaliseServices(services)) {
    const svc = serviceArgs(s);
    lines.push(['-A', ...svc, ...serviceOptions(s)].join(' '));
    for (const r of s.realServers) lines.push(['-a', ...svc, ...serverOptions(s, r)].join(' '));
  }
  return lines.map((l) => `${l}\n`).join('');
}

/**
 * The IPVS table as `ipvsadm -Ln --exact` prints it, merged with `--stats --exact` and
 * `--rate --exact` (three listings of the same table: ipvsadm prints only one format at a time).
 * Pure: text in, services out.
 *
 *   TCP  10.77.0.10:80 wrr persistent 300
 *     -> 10.77.0.16:80                Route   3      2          10
 */

export interface IpvsRealServer {
  /** `ADDR:PORT` as ipvsadm prints it (`[v6]:port` for IPv6). */
  address: string;
  forward: string;
  weight: number;
  activeConns: number;
  inactiveConns: number;
  /** Connections scheduled since the counters started (`--stats`). */
  conns: number | null;
  inPkts: number | null;
  outPkts: number | null;
  inBytes: number | null;
  outBytes: number | null;
  /** Per second (`--rate`). */
  cps: number | null;
  inPps: number | null;
  outPps: number | null;
  inBps: number | null;
  outBps: number | null;
}

export interface IpvsService {
  protocol: string;
  /** `ADDR:PORT`, or the fwmark number for FWM services. */
  address: string;
  scheduler: string;
  /** The rest of the service line: `persistent 300`, `ops` … */
  flags: string;
  realServers: IpvsRealServer[];
}

const SERVICE = /^(TCP|UDP|SCTP|FWM)\s+(\S+)(?:\s+(.*))?$/;
const REAL = /^\s+->\s+(\S+)(?:\s+(.*))?$/;

interface Row {
  service: string;
  rest: string;
  real?: string;
}

function rows(text: string): Row[] {
  const out: Row[] = [];
  let service: string | null = null;
  for (const line of text.split('\n')) {
    const s = SERVICE.exec(line);
    if (s) {
      service = `${s[1]} ${s[2]}`;
      out.push({ service, rest: (s[3] ?? '').trim() });
      continue;
    }
    const r = REAL.exec(line);
    if (r && service && r[1] !== 'RemoteAddress:Port') out.push({ service, real: r[1]!, rest: (r[2] ?? '').trim() });
  }
  return out;
}

const nums = (rest: string): number[] => rest.split(/\s+/).filter(Boolean).map(Number);
const at = (a: number[], i: number): number | null => (a[i] !== undefined && Number.isFinite(a[i]) ? a[i]! : null);

/** Parses the three listings into services (stats and rates joined by service and real server). */
export function parseIpvs(list: string, stats = '', rate = ''): IpvsService[] {
  const services = new Map<string, IpvsService>();
  for (const row of rows(list)) {
    const [protocol = '', address = ''] = row.service.split(' ');
    if (!row.real) {
      const [scheduler = '', ...flags] = row.rest.split(/\s+/);
      services.set(row.service, { protocol, address, scheduler, flags: flags.join(' '), realServers: [] });
      continue;
    }
    const [forward = '', ...n] = row.rest.split(/\s+/);
    const [weight, active, inactive] = n.map(Number);
    services.get(row.service)?.realServers.push({
      address: row.real,
      forward,
      weight: weight ?? 0,
      activeConns: active ?? 0,
      inactiveConns: inactive ?? 0,
      conns: null, inPkts: null, outPkts: null, inBytes: null, outBytes: null,
      cps: null, inPps: null, outPps: null, inBps: null, outBps: null,
    });
  }
  const find = (row: Row) => services.get(row.service)?.realServers.find((r) => r.address === row.real);
  for (const row of rows(stats)) {
    const rs = row.real ? find(row) : undefined;
    if (!rs) continue;
    const a = nums(row.rest);
    Object.assign(rs, { conns: at(a, 0), inPkts: at(a, 1), outPkts: at(a, 2), inBytes: at(a, 3), outBytes: at(a, 4) });
  }
  for (const row of rows(rate)) {
    const rs = row.real ? find(row) : undefined;
    if (!rs) continue;
    const a = nums(row.rest);
    Object.assign(rs, { cps: at(a, 0), inPps: at(a, 1), outPps: at(a, 2), inBps: at(a, 3), outBps: at(a, 4) });
  }
  return [...services.values()];
}

/** The part of a table two directors must agree on (no counters): one line per service / real server. */
export function ipvsShape(services: readonly IpvsService[]): string[] {
  return services
    .flatMap((s) => [`${s.protocol} ${s.address} ${s.scheduler} ${s.flags}`.trim(), ...s.realServers.map((r) => `${s.protocol} ${s.address} -> ${r.address} ${r.forward} w${r.weight}`)])
    .sort();
}

/** `10.77.0.16:80` → `10.77.0.16`; `[2001:db8::1]:80` → `2001:db8::1`. */
export function hostOf(address: string): string {
  const v6 = /^\[(.*)\]:\d+$/.exec(address);
  if (v6) return v6[1]!;
  const i = address.lastIndexOf(':');
  return i > 0 ? address.slice(0, i) : address;
}

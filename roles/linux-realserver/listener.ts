/**
 * A read-only check: something listens on each service port (`ss -ltn`) on an address that
 * takes traffic for the VIP (the wildcard, or the VIP itself). It never changes the host; when
 * nothing listens it fails with a message saying which port and what does listen.
 */
import { defineResource, type Fact, type Resource } from 'lvs-play';
import { sh } from 'lvs-play/kit';

export interface Listener {
  address: string;
  port: number;
}

/** Parses `ss -ltn` (header optional; `0.0.0.0:80`, `*:80`, `[::]:80`, `0.0.0.0%lo:53`). */
export function parseSsListen(stdout: string): Listener[] {
  const out: Listener[] = [];
  for (const line of stdout.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4 || cols[0] === 'State' || cols[0] === 'Netid') continue;
    // `ss -ltn` columns: State Recv-Q Send-Q Local:Port Peer:Port …
    const local = cols[0] === 'LISTEN' ? cols[3] : cols[4];
    const m = /^(.*):(\d+)$/.exec(local ?? '');
    if (!m) continue;
    const address = (m[1] ?? '').replace(/%[^\]]*$/, '').replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
    out.push({ address, port: Number(m[2]) });
  }
  return out;
}

const WILDCARD = new Set(['*', '0.0.0.0', '::', '']);

/** Whether a listener takes connections to `vip:port`. */
function servesVip(l: Listener, vip: string, port: number): boolean {
  return l.port === port && (WILDCARD.has(l.address) || l.address === vip || l.address === `::ffff:${vip}`);
}

/** The pure check: the ports nobody serves (for any of the VIPs), with a readable reason. */
export function missingListeners(vips: readonly string[], ports: readonly number[], ls: readonly Listener[]): string[] {
  const problems: string[] = [];
  for (const port of ports) {
    for (const vip of vips) {
      if (ls.some((l) => servesVip(l, vip, port))) continue;
      const other = ls.filter((l) => l.port === port).map((l) => `${l.address}:${port}`);
      problems.push(
        other.length > 0
          ? `tcp ${vip}:${port}: only ${other.join(', ')} listens, which does not take traffic for the VIP (bind to 0.0.0.0 or ${vip})`
          : `tcp ${vip}:${port}: nothing listens on port ${port}`,
      );
    }
  }
  return problems;
}

const ssFact: Fact<Listener[]> = {
  command: sh`command -v ss >/dev/null 2>&1 || { echo 'ss (iproute2) is not installed' >&2; exit 127; }
ss -ltn`,
  parse(r) {
    if (r.code !== 0) throw new Error(`reading listening sockets (ss -ltn) failed (exit ${r.code}): ${r.stderr.trim()}`);
    return parseSsListen(r.stdout);
  },
};

/** Fails (in check mode too) when a service port has no listener for a VIP. */
export function listenerCheck(vips: readonly string[], ports: readonly number[]): Resource<Listener[], never, 'posix'> {
  return defineResource<Listener[], never>({
    id: `listening on tcp ${ports.join(',')}`,
    kind: 'listener-check',
    shell: 'posix',
    read: ssFact,
    plan(cur) {
      const problems = missingListeners(vips, ports, cur);
      if (problems.length > 0) {
        throw new Error(
          `no service behind the VIP: ${problems.join('; ')}. Start the service first, or pass checkListeners: false to linux-realserver`,
        );
      }
      return null;
    },
    desired: () => ({ settings: [`check: something listens on tcp ${ports.join(',')} for ${vips.join(', ')} (checked, not changed)`] }),
    apply: () => Promise.reject(new Error('listener-check never changes the host')),
    verify: false,
  });
}

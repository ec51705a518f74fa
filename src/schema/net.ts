/**
 * IP address helpers of the kit (used by the ipvsadm and keepalived models). Pure: no DNS, no I/O.
 *
 * Addresses are compared in their canonical text: IPv4 as a strict dotted quad, IPv6 the way
 * glibc's inet_ntop prints it (which is what `ipvsadm -S -n` shows), so `2001:DB8:0::1` and
 * `2001:db8::1` are the same real server.
 */

export type IpFamily = 'inet' | 'inet6';

/** The four octets of a strict dotted-quad IPv4 address (no leading zeros), or null. */
export function parseIPv4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** The eight 16-bit groups of an IPv6 address (no zone id, no prefix), or null. */
export function parseIPv6(s: string): number[] | null {
  if (s.length === 0 || s.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(s)) return null;
  let text = s;
  // An embedded IPv4 address in the last 32 bits (::ffff:10.0.0.1) becomes two hex groups.
  if (text.includes('.')) {
    const lastColon = text.lastIndexOf(':');
    const v4 = lastColon < 0 ? null : parseIPv4(text.slice(lastColon + 1));
    if (!v4) return null;
    const hi = (((v4[0] ?? 0) << 8) | (v4[1] ?? 0)).toString(16);
    const lo = (((v4[2] ?? 0) << 8) | (v4[3] ?? 0)).toString(16);
    text = `${text.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const want = 8;
  if (halves.length === 1) {
    const all = groups(halves[0] ?? '');
    if (!all || all.length !== want) return null;
    return all;
  }
  const head = groups(halves[0] ?? '');
  const rest = groups(halves[1] ?? '');
  if (!head || !rest || head.length + rest.length > want - 1) return null;
  const zeros = new Array<number>(want - head.length - rest.length).fill(0);
  return [...head, ...zeros, ...rest];
}

/** An IPv4 address in strict dotted form (four octets 0-255, no leading zeros). */
export function isIPv4(s: string): boolean {
  return parseIPv4(s) !== null;
}

/** An IPv6 address (no zone id, no prefix length). */
export function isIPv6(s: string): boolean {
  return parseIPv6(s) !== null;
}

/** An IPv4 or IPv6 address. */
export function isIp(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

/** 'inet' for an IPv4 address, 'inet6' for an IPv6 one, null for neither. */
export function ipFamily(s: string): IpFamily | null {
  return isIPv4(s) ? 'inet' : isIPv6(s) ? 'inet6' : null;
}

/** glibc inet_ntop(AF_INET6) text: lower case, longest run (≥ 2) of zero groups as `::`. */
export function formatIPv6(words: readonly number[]): string {
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestBase = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    // IPv4-compatible or IPv4-mapped: the last 32 bits as a dotted quad, like glibc.
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      const a = words[6] ?? 0;
      const b = words[7] ?? 0;
      out += `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
      break;
    }
    out += (words[i] ?? 0).toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ':';
  return out;
}

/** The canonical text of an IP address; throws on text that is not one (validate first). */
export function canonicalIp(s: string): string {
  if (isIPv4(s)) return s;
  const v6 = parseIPv6(s);
  if (!v6) throw new Error(`not an IP address: ${JSON.stringify(s)}`);
  return formatIPv6(v6);
}

/** Orders addresses like ipvsadm's listing: IPv4 before IPv6, then numerically. */
export function compareIp(a: string, b: string): number {
  const wa = addressWords(a);
  const wb = addressWords(b);
  if (wa.length !== wb.length) return wa.length - wb.length;
  for (let i = 0; i < wa.length; i++) {
    const d = (wa[i] ?? 0) - (wb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function addressWords(s: string): number[] {
  return parseIPv4(s) ?? parseIPv6(s) ?? [];
}

/** True for a contiguous dotted-quad netmask (255.255.255.0, 255.255.255.255, 0.0.0.0 …). */
export function isIPv4Netmask(s: string): boolean {
  const o = parseIPv4(s);
  if (!o) return false;
  const bits = o.map((n) => n.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits);
}

/** `addr:port`, with brackets for IPv6: the way ipvsadm prints and reads a service or server. */
export function formatHostPort(address: string, port: number): string {
  return isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

/** A TCP/UDP port number, 1-65535: the `port` schema's rule, for a value checked outside a schema (CLI options, ssh_config). */
export function isPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** A Linux interface name: 1–15 bytes, no slash, whitespace, colon (aliases aside) or quote. */
export function isInterfaceName(s: string): boolean {
  return /^[A-Za-z0-9_.@-]{1,15}$/.test(s) && s !== '.' && s !== '..';
}

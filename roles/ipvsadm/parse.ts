/**
 * Reads `ipvsadm -S -n` (= `ipvsadm-save -n`) output, or an /etc/ipvsadm.rules file, into the model.
 * Pure: text in, normalised services out; a line it cannot read throws E_PARSE naming that line.
 *
 * ipvsadm 1.31 prints, per service then per real server:
 *   -A -t 10.77.0.10:80 -s wrr -p 300 [-M 255.255.255.0] [--pe sip] [-o] [-b sh-port]
 *   -a -t 10.77.0.10:80 -r 10.77.0.16:80 -g -w 3 [--tun-type gue --tun-port 6080 --tun-csum]
 *   -A -f 7 [-6] -s rr            -A -u [2001:db8::1]:53 -s sh
 * (-x/-y thresholds are not printed by ipvsadm but are accepted here, as in a rules file.)
 */
import { LvsError } from 'lvs-play/kit';
import { canonicalIp, formatHostPort, ipFamily } from 'lvs-play/kit';
import {
  SCHED_FLAGS,
  SCHEDULERS,
  normaliseServices,
  realServerKey,
  serviceKey,
  type Forwarding,
  type RealServer,
  type SchedFlag,
  type Scheduler,
  type TunnelCsum,
  type TunnelType,
  type VirtualService,
} from './model.js';

/** Long option names ipvsadm accepts, mapped to the short ones used below. */
const LONG: Record<string, string> = {
  '--add-service': '-A', '--add-server': '-a', '--tcp-service': '-t', '--udp-service': '-u',
  '--fwmark-service': '-f', '--ipv6': '-6', '--scheduler': '-s', '--persistent': '-p',
  '--netmask': '-M', '--ops': '-o', '--sched-flags': '-b', '--real-server': '-r',
  '--gatewaying': '-g', '--masquerading': '-m', '--ipip': '-i', '--weight': '-w',
  '--u-threshold': '-x', '--l-threshold': '-y',
};

const FORWARDING: Record<string, Forwarding> = { '-g': 'dr', '-m': 'nat', '-i': 'tunnel' };

class LineError extends Error {}

/**
 * Parses `ipvsadm -S -n` text. Blank lines and `#` comments are skipped. Returns the services in
 * canonical form (see `normaliseServices`). `source` names the text in errors (a file or command).
 */
export function parseIpvsadmSave(text: string, source = 'ipvsadm -S -n'): VirtualService[] {
  const services = new Map<string, VirtualService>();
  text.split('\n').forEach((rawLine, idx) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    try {
      parseLine(line, services);
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      throw new LvsError('E_PARSE', `cannot read line ${idx + 1}: ${e.message}`, {
        file: source,
        field: `line ${idx + 1}`,
        value: line,
        fix: 'expected `ipvsadm -S -n` output: "-A -t VIP:PORT -s SCHED [-p SECONDS]" and "-a -t VIP:PORT -r RIP:PORT -g|-m|-i -w WEIGHT" lines',
      });
    }
  });
  return normaliseServices([...services.values()]);
}

interface Parsed {
  command?: '-A' | '-a';
  protocol?: 'tcp' | 'udp' | 'fwmark';
  address?: string;
  port?: number;
  fwmark?: number;
  ipv6?: boolean;
  scheduler?: string;
  persistence?: number;
  netmask?: string;
  pe?: string;
  onePacket?: boolean;
  flags?: string;
  server?: { address: string; port?: number };
  forwarding?: Forwarding;
  weight?: number;
  upper?: number;
  lower?: number;
  tunType?: string;
  tunPort?: number;
  tunCsum?: TunnelCsum;
}

function tokenize(line: string): string[] {
  const out: string[] = [];
  for (const t of line.split(/\s+/)) {
    const eq = t.startsWith('--') ? t.indexOf('=') : -1;
    if (eq > 0) out.push(t.slice(0, eq), t.slice(eq + 1));
    else out.push(t);
  }
  return out;
}

/** Reads one `-A` or `-a` line into `services`; throws LineError on what it cannot read. */
function parseLine(line: string, services: Map<string, VirtualService>): void {
  const p = readOptions(tokenize(line));
  if (!p.command) throw new LineError('no -A or -a command');
  if (!p.protocol) throw new LineError('no service (-t, -u or -f)');
  if (p.command === '-A') addService(p, services);
  else addRealServer(p, services);
}

/** A line's tokens and the index of the one being read. */
interface Cursor {
  readonly tokens: readonly string[];
  i: number;
}

/** Takes the value after option `tok`; throws when the line ends there. */
function valueOf(c: Cursor, tok: string): string {
  const v = c.tokens[++c.i];
  if (v === undefined) throw new LineError(`option ${tok} needs a value`);
  return v;
}

/** Reads a line's options, left to right, into a Parsed record. */
function readOptions(tokens: readonly string[]): Parsed {
  const p: Parsed = {};
  const c: Cursor = { tokens, i: 0 };
  for (; c.i < tokens.length; c.i++) {
    const tok = tokens[c.i] ?? '';
    const opt = LONG[tok] ?? tok;
    if (!readServiceOption(p, opt, tok, c) && !readServerOption(p, opt, tok, c)) {
      throw new LineError(`unknown option ${JSON.stringify(tok)}`);
    }
  }
  return p;
}

/** Reads the command or a virtual service's option `opt` (spelled `tok`); false when it is none of those. */
function readServiceOption(p: Parsed, opt: string, tok: string, c: Cursor): boolean {
  switch (opt) {
    case '-A':
    case '-a':
      if (p.command) throw new LineError(`two commands (${p.command} and ${tok})`);
      p.command = opt;
      return true;
    case '-t':
    case '-u': {
      setService(p, opt === '-t' ? 'tcp' : 'udp');
      const hp = splitHostPort(valueOf(c, tok), true);
      p.address = hp.address;
      p.port = hp.port;
      return true;
    }
    case '-f':
      setService(p, 'fwmark');
      p.fwmark = toInt(valueOf(c, tok), 1, 0xffffffff, 'fwmark');
      return true;
    case '--sctp-service':
      throw new LineError('sctp services are not supported by lvs-play');
    case '-6':
      p.ipv6 = true;
      return true;
    case '-s':
      p.scheduler = valueOf(c, tok);
      return true;
    case '-p': {
      // The timeout is optional for ipvsadm (default 300 s).
      const next = c.tokens[c.i + 1];
      p.persistence = next !== undefined && /^\d+$/.test(next) ? toInt(c.tokens[++c.i] ?? '', 1, 2_678_400, 'persistence') : 300;
      return true;
    }
    case '-M':
      p.netmask = valueOf(c, tok);
      return true;
    case '--pe':
      p.pe = valueOf(c, tok);
      return true;
    case '-o':
      p.onePacket = true;
      return true;
    case '-b':
      p.flags = valueOf(c, tok);
      return true;
    default:
      return false;
  }
}

/** Reads a real server's option `opt` (spelled `tok`); false when it is not one. */
function readServerOption(p: Parsed, opt: string, tok: string, c: Cursor): boolean {
  switch (opt) {
    case '-r':
      p.server = splitHostPort(valueOf(c, tok), false);
      return true;
    case '-g':
    case '-m':
    case '-i':
      if (p.forwarding) throw new LineError('two forwarding methods');
      p.forwarding = FORWARDING[opt];
      return true;
    case '-w':
      p.weight = toInt(valueOf(c, tok), 0, 65535, 'weight');
      return true;
    case '-x':
      p.upper = toInt(valueOf(c, tok), 0, 2147483647, 'upper threshold');
      return true;
    case '-y':
      p.lower = toInt(valueOf(c, tok), 0, 2147483647, 'lower threshold');
      return true;
    case '--tun-type':
      p.tunType = valueOf(c, tok);
      return true;
    case '--tun-port':
      p.tunPort = toInt(valueOf(c, tok), 1, 65535, 'tunnel port');
      return true;
    case '--tun-nocsum':
    case '--tun-csum':
    case '--tun-remcsum':
      p.tunCsum = opt.slice('--tun-'.length) as TunnelCsum;
      return true;
    default:
      return false;
  }
}

function setService(p: Parsed, protocol: 'tcp' | 'udp' | 'fwmark'): void {
  if (p.protocol) throw new LineError('two services on one line');
  p.protocol = protocol;
}

function serviceOf(p: Parsed): VirtualService {
  if (p.protocol === 'fwmark') {
    return { protocol: 'fwmark', fwmark: p.fwmark ?? 0, ...(p.ipv6 ? { family: 'inet6' as const } : {}), scheduler: 'wlc', realServers: [] };
  }
  return { protocol: p.protocol ?? 'tcp', vip: p.address ?? '', port: p.port ?? 0, scheduler: 'wlc', realServers: [] };
}

function addService(p: Parsed, services: Map<string, VirtualService>): void {
  if (p.server || p.forwarding || p.weight !== undefined || p.upper !== undefined || p.lower !== undefined) {
    throw new LineError('real-server options on a -A line');
  }
  const s = serviceOf(p);
  const sched = p.scheduler ?? 'wlc'; // ipvsadm's default
  if (!(SCHEDULERS as readonly string[]).includes(sched)) {
    throw new LineError(`unknown scheduler ${JSON.stringify(sched)} (known: ${SCHEDULERS.join(' ')})`);
  }
  s.scheduler = sched as Scheduler;
  if (p.flags !== undefined) {
    const flags = p.flags.split(',');
    for (const f of flags) {
      if (!(SCHED_FLAGS as readonly string[]).includes(f)) throw new LineError(`unknown scheduler flag ${JSON.stringify(f)}`);
    }
    s.schedulerFlags = flags as SchedFlag[];
  }
  if (p.persistence !== undefined) s.persistence = p.persistence;
  if (p.netmask !== undefined) {
    const v6 = s.protocol === 'fwmark' ? s.family === 'inet6' : ipFamily(s.vip ?? '') === 'inet6';
    s.persistenceNetmask = v6 ? toInt(p.netmask, 1, 128, 'netmask') : p.netmask;
  }
  if (p.pe !== undefined) s.persistenceEngine = p.pe;
  if (p.onePacket) s.onePacket = true;
  const key = serviceKey(s);
  if (services.has(key)) throw new LineError(`service ${key} listed twice`);
  services.set(key, s);
}

function addRealServer(p: Parsed, services: Map<string, VirtualService>): void {
  if (p.scheduler !== undefined || p.persistence !== undefined || p.flags !== undefined || p.netmask !== undefined) {
    throw new LineError('service options on a -a line');
  }
  if (!p.server) throw new LineError('no real server (-r)');
  const key = serviceKey(serviceOf(p));
  const s = services.get(key);
  if (!s) throw new LineError(`real server for service ${key}, which no earlier -A line added`);
  const r: RealServer = {
    address: p.server.address,
    ...(p.server.port !== undefined ? { port: p.server.port } : {}),
    forwarding: p.forwarding ?? 'dr', // ipvsadm's default (-g)
    weight: p.weight ?? 1,
  };
  if (p.upper !== undefined) r.upperThreshold = p.upper;
  if (p.lower !== undefined) r.lowerThreshold = p.lower;
  if (p.tunType !== undefined) {
    if (!['ipip', 'gue', 'gre'].includes(p.tunType)) throw new LineError(`unknown tunnel type ${JSON.stringify(p.tunType)}`);
    r.tunType = p.tunType as TunnelType;
  }
  if (p.tunPort !== undefined) r.tunPort = p.tunPort;
  if (p.tunCsum !== undefined) r.tunCsum = p.tunCsum;
  s.realServers.push(r);
}

/** `10.0.0.1:80`, `[2001:db8::1]:80`, and (real servers only) `10.0.0.1` or `2001:db8::1`. */
function splitHostPort(text: string, needPort: boolean): { address: string; port?: number } {
  let address: string;
  let port: string | undefined;
  if (text.startsWith('[')) {
    const m = /^\[([^\]]+)\]:(\d+)$/.exec(text);
    if (!m) throw new LineError(`cannot read address ${JSON.stringify(text)} (expected [IPv6]:PORT)`);
    address = m[1] ?? '';
    port = m[2];
  } else if (ipFamily(text) === 'inet6') {
    address = text;
  } else {
    const colon = text.lastIndexOf(':');
    address = colon < 0 ? text : text.slice(0, colon);
    port = colon < 0 ? undefined : text.slice(colon + 1);
  }
  if (!ipFamily(address)) throw new LineError(`not a numeric IP address: ${JSON.stringify(address)} (use ipvsadm -n)`);
  if (port === undefined) {
    if (needPort) throw new LineError(`no port in ${JSON.stringify(text)}`);
    return { address };
  }
  return { address, port: toInt(port, 0, 65535, 'port') };
}

function toInt(text: string, min: number, max: number, what: string): number {
  if (!/^\d+$/.test(text)) throw new LineError(`${what} is not a number: ${JSON.stringify(text)}`);
  const n = Number(text);
  if (n < min || n > max) throw new LineError(`${what} ${n} is outside ${min}–${max}`);
  return n;
}

/**
 * `ipvsadm -S` does not print real-server thresholds (-x/-y). To compare them, read
 * `ipvsadm -L -n --thresholds` too and merge it into the parsed table with this function:
 *   Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn
 *   TCP  10.77.0.10:80 wrr persistent 300
 *     -> 10.77.0.16:80                100        10         0          0
 * Returns new (normalised) services; servers the listing does not mention keep what they had.
 */
export function applyThresholds(services: readonly VirtualService[], listing: string, source = 'ipvsadm -L -n --thresholds'): VirtualService[] {
  const limits = new Map<string, { upper: number; lower: number }>();
  let service: string | null = null;
  listing.split('\n').forEach((line, idx) => {
    const svc = /^(TCP|UDP|FWM)\s+(\S+)(\s+IPv6)?\s/.exec(`${line} `);
    const dest = /^\s+->\s+(\S+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s*$/.exec(line);
    if (svc) {
      const [, proto, addr, v6] = svc;
      if (proto === 'FWM') service = v6 ? `-f ${addr} -6` : `-f ${addr}`;
      else service = `${proto === 'TCP' ? '-t' : '-u'} ${canonicalHostPort(addr ?? '')}`;
    } else if (dest && service) {
      limits.set(`${service} ${canonicalHostPort(dest[1] ?? '')}`, { upper: Number(dest[2]), lower: Number(dest[3]) });
    } else if (/^\s+->\s+\d/.test(line) || /^\s+->\s+\[/.test(line)) {
      throw new LvsError('E_PARSE', `cannot read line ${idx + 1}`, { file: source, field: `line ${idx + 1}`, value: line, fix: 'expected `ipvsadm -L -n --thresholds` output' });
    }
  });
  return normaliseServices(
    services.map((s) => ({
      ...s,
      realServers: s.realServers.map((r) => {
        const l = limits.get(`${serviceKey(s)} ${realServerKey(s, r)}`);
        if (!l) return r;
        const { upperThreshold: _u, lowerThreshold: _l, ...rest } = r;
        return { ...rest, ...(l.upper ? { upperThreshold: l.upper } : {}), ...(l.lower ? { lowerThreshold: l.lower } : {}) };
      }),
    })),
  );
}

function canonicalHostPort(text: string): string {
  const m = /^\[(.+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (!m || !ipFamily(m[1] ?? '')) return text;
  return formatHostPort(canonicalIp(m[1] ?? ''), Number(m[2]));
}

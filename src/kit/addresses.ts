/**
 * An IPv4 address on an interface (`ip addr add VIP/32 dev IF label IF:N`), live and persisted
 * for boot (Debian: an ifupdown stanza in /etc/network/interfaces.d/; RHEL: ifcfg-IF:N files).
 * Kit: used by linux-realserver (VIPs on `lo`) and director-base (a keepalived-less director's VIP).
 */
import { defineResource } from '../dsl/resource.js';
import type { DesiredFile, Diff, Fact, Resource, ShellCommand } from '../types.js';
import { applyFileSet, describeFileSet, fileSetDiff, fileSetScript, type FileSetChange, parseFileSet, planFileSet, type WantedFile } from '../resources/fileset.js';
import { checkFactResult, kv, parseKv, runOk } from '../resources/common.js';
import { osFactScript, parseOsFacts, type OsFamily } from '../resources/osfamily.js';
import { raw, sh } from '../shell/quote.js';

/** An address on an interface: the IP, its prefix length, the interface (and a label). */
export interface AddressSpec {
  address: string;
  /** Prefix length; 32 for a VIP. */
  prefix: number;
  interface: string;
  /** `lo:0`, `eth0:0` … (must start with the interface name; at most 15 characters). */
  label?: string;
}

// ───────────────────────────── live address ─────────────────────────────

/** An interface's addresses as read: whether it exists, its IPv4 and IPv6 addresses. */
export interface InterfaceAddresses {
  /** false when the interface does not exist. */
  exists: boolean;
  /** IPv4 addresses as `a.b.c.d/prefix`. */
  inet: string[];
}

/** Parses `ip -o -4 addr show dev IF` (one line per address). */
export function parseIpAddr(stdout: string): string[] {
  const out: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /\sinet\s+(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?\s/.exec(`${line} `);
    if (m) out.push(`${m[1]}/${m[2] ?? '32'}`);
  }
  return out;
}

function addressFact(iface: string): Fact<InterfaceAddresses> {
  return {
    command: sh`if [ -e ${`/sys/class/net/${iface}`} ]; then echo exists=1; ip -o -4 addr show dev ${iface} || exit 1; else echo exists=0; fi`,
    parse(r) {
      checkFactResult(`addresses of ${iface}`, r);
      return { exists: r.stdout.split('\n')[0]?.trim() === 'exists=1', inet: parseIpAddr(r.stdout) };
    },
  };
}

/** What an address resource will do: remove the same IP's other prefixes, add it. */
export interface AddressChange {
  /** Addresses (with prefix) of the same IP but another prefix, removed first. */
  remove: string[];
  add: boolean;
}

/** The pure plan: the address present with exactly this prefix. */
export function planAddress(spec: AddressSpec, cur: InterfaceAddresses): AddressChange | null {
  if (!cur.exists) throw new Error(`interface ${spec.interface} does not exist on this host (ip link show); fix the interface option`);
  const want = `${spec.address}/${spec.prefix}`;
  if (cur.inet.includes(want)) return null;
  const remove = cur.inet.filter((a) => a.split('/')[0] === spec.address);
  return { remove, add: true };
}

/** The commands that carry out a change (exported for unit tests). */
export function addressCommands(spec: AddressSpec, c: AddressChange): ShellCommand[] {
  const cmds = c.remove.map((a) => sh`ip addr del ${a} dev ${spec.interface}`);
  const label = spec.label ? sh` label ${spec.label}` : sh``;
  cmds.push(sh`ip addr add ${`${spec.address}/${spec.prefix}`} dev ${spec.interface}${raw(label)}`);
  return cmds;
}

/** An address on an interface, live (`ip addr`); exported by the kit as `interfaceAddress`. */
export function ipAddress(spec: AddressSpec): Resource<InterfaceAddresses, AddressChange, 'posix'> {
  const want = `${spec.address}/${spec.prefix}`;
  return defineResource<InterfaceAddresses, AddressChange>({
    id: `address ${want} on ${spec.interface}`,
    kind: 'ip-address',
    shell: 'posix',
    read: addressFact(spec.interface),
    plan: (cur) => planAddress(spec, cur),
    describe: (c) => addressCommands(spec, c).join(' && '),
    desired: () => ({ settings: [`address ${want} on ${spec.interface}${spec.label ? ` (label ${spec.label})` : ''}`] }),
    diff: (cur, c): Diff => ({
      before: `${spec.interface}: ${cur.inet.join(' ') || '(no IPv4 address)'}\n`,
      after: `${spec.interface}: ${[...cur.inet.filter((a) => !c.remove.includes(a)), want].join(' ')}\n`,
      label: `ip addr ${spec.interface}`,
    }),
    async apply(t, c) {
      for (const cmd of addressCommands(spec, c)) await runOk(t, cmd, cmd);
    },
  });
}

// ───────────────────────────── persistence ─────────────────────────────

/** How addresses persist: chosen by the OS (auto), ifupdown or ifcfg. */
export type PersistMethod = 'auto' | 'ifupdown' | 'ifcfg';

export const MARKER = '# managed by lvs-play';
const IFCFG_DIR = '/etc/sysconfig/network-scripts';
const IFUPDOWN_DIR = '/etc/network/interfaces.d';

/** What persisting addresses reads: the OS family and the files this resource may own. */
export interface PersistState {
  family: OsFamily;
  ifcfgDir: boolean;
  /** path → content of the files this resource may own (the ifupdown file, our ifcfg files). */
  files: Record<string, string>;
}

/** What persisting addresses will do: the files to write or remove, and the method. */
export interface PersistChange extends FileSetChange {
  method: 'ifupdown' | 'ifcfg';
}

/** ifcfg files are shell variable assignments: `sh -n` checks one before it goes live. */
const shSyntax = (tmp: string): ShellCommand => sh`sh -n ${tmp}`;

/** `255.255.255.255` for 32 … */
function netmaskOf(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 255).join('.');
}

/** The Debian ifupdown stanzas (one `auto IF:N` + `iface IF:N inet static` each). */
export function renderIfupdown(name: string, addrs: readonly AddressSpec[]): string {
  const lines = [`${MARKER} (${name}); do not edit: lvs-play rewrites it`];
  for (const a of addrs) {
    const dev = a.label ?? a.interface;
    lines.push('', `auto ${dev}`, `iface ${dev} inet static`, `    address ${a.address}`, `    netmask ${netmaskOf(a.prefix)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One RHEL ifcfg file per alias. */
export function renderIfcfg(name: string, a: AddressSpec): WantedFile {
  const dev = a.label ?? a.interface;
  return {
    path: `${IFCFG_DIR}/ifcfg-${dev}`,
    mode: 0o644,
    validate: shSyntax,
    content: [`${MARKER} (${name})`, `DEVICE=${dev}`, `IPADDR=${a.address}`, `NETMASK=${netmaskOf(a.prefix)}`, 'ONBOOT=yes', `NAME=${dev}`, ''].join('\n'),
  };
}

function ifupdownPath(name: string): string {
  return `${IFUPDOWN_DIR}/${name}`;
}

/** The fact: os family, whether network-scripts exists, our ifupdown file and our (marked) ifcfg files. */
export function persistFact(name: string, ifaces: readonly string[]): Fact<PersistState> {
  const prefixes = ifaces.map((i) => `${IFCFG_DIR}/ifcfg-${i}:`);
  return {
    command: sh`${raw(osFactScript)}
[ -d ${IFCFG_DIR} ] && echo ifcfgdir=1
${raw(fileSetScript([ifupdownPath(name)], { prefixes, marker: MARKER }))}
:`,
    parse(r) {
      checkFactResult(`persisted addresses (${name})`, r);
      const m = parseKv(r.stdout);
      return { family: parseOsFacts(m).family, ifcfgDir: kv(m, 'ifcfgdir') === '1', files: parseFileSet(m.get('file')) };
    },
  };
}

/** The pure plan: which files to write or remove so boot brings these addresses up. */
export function planPersist(name: string, addrs: readonly AddressSpec[], method: PersistMethod, cur: PersistState): PersistChange | null {
  let m: 'ifupdown' | 'ifcfg';
  if (method !== 'auto') m = method;
  else if (cur.family === 'debian') m = 'ifupdown';
  else if (cur.family === 'rhel') {
    if (!cur.ifcfgDir) {
      throw new Error(`${IFCFG_DIR} does not exist (NetworkManager-only host): persist the addresses with nmcli, and set persist: 'none'`);
    }
    m = 'ifcfg';
  } else throw new Error("unknown OS family: cannot tell how to persist addresses; set persist: 'ifupdown' or 'ifcfg' (or 'none')");
  const want = m === 'ifupdown' ? [{ path: ifupdownPath(name), content: renderIfupdown(name, addrs), mode: 0o644 }] : addrs.map((a) => renderIfcfg(name, a));
  const change = planFileSet(cur.files, want, { prune: true });
  return change && { method: m, ...change };
}

/** The files that bring the addresses up at boot, per method (`auto`: the host's OS picks one). */
export function persistedFiles(name: string, addrs: readonly AddressSpec[], method: PersistMethod): DesiredFile[] {
  const ifupdown = (): DesiredFile[] => [{ path: ifupdownPath(name), content: renderIfupdown(name, addrs), mode: 0o644 }];
  const ifcfg = (): DesiredFile[] => addrs.map((a) => renderIfcfg(name, a)).map((f) => ({ path: f.path, content: f.content, ...(f.mode !== undefined ? { mode: f.mode } : {}) }));
  if (method === 'ifupdown') return ifupdown();
  if (method === 'ifcfg') return ifcfg();
  return [...ifupdown().map((f) => ({ ...f, only: 'Debian' })), ...ifcfg().map((f) => ({ ...f, only: 'RHEL' }))];
}

/** The addresses written for boot (ifupdown on Debian, ifcfg on RHEL), as one resource. */
export function persistAddresses(name: string, addrs: readonly AddressSpec[], method: PersistMethod): Resource<PersistState, PersistChange, 'posix'> {
  const ifaces = [...new Set(addrs.map((a) => a.interface))];
  return defineResource<PersistState, PersistChange>({
    id: `persist addresses ${name}`,
    kind: 'persist-addresses',
    shell: 'posix',
    read: persistFact(name, ifaces),
    plan: (cur) => planPersist(name, addrs, method, cur),
    describe: (c) => `${describeFileSet(c)} (${c.method})`,
    desired: () => ({ files: persistedFiles(name, addrs, method) }),
    diff: (cur, c) => fileSetDiff(cur.files, c, `persist addresses ${name}`),
    // the files are ours (marked, found again and pruned): no backups beside them for the network scripts to read
    apply: (t, c) => applyFileSet(t, c, { backup: false }),
  });
}

// ───────────────────────────── addresses no longer wanted ─────────────────────────────

/** What pruning reads: the interface's live IPv4 addresses and the boot files `persistAddresses(name, …)` wrote. */
export interface StaleAddressState {
  inet: string[];
  /** path → content of those files (the ifupdown file, the marked ifcfg files). */
  files: Record<string, string>;
}

const prefixOf = (netmask: string): number => netmask.split('.').reduce((n, o) => n + ((Number(o) >>> 0).toString(2).match(/1/g)?.length ?? 0), 0);

/** The addresses (`a.b.c.d/prefix`) on `iface` (or its labels `iface:N`) that boot files of ours bring up. */
export function recordedAddresses(files: Readonly<Record<string, string>>, iface: string): string[] {
  const out: string[] = [];
  const onIface = (dev: string | undefined) => dev !== undefined && dev.split(':')[0] === iface;
  for (const text of Object.values(files)) {
    let dev: string | undefined;
    let address: string | undefined;
    const flush = (mask: string | undefined) => {
      if (onIface(dev) && address && mask) out.push(`${address}/${prefixOf(mask)}`);
    };
    for (const line of text.split('\n').map((l) => l.trim())) {
      const stanza = /^iface\s+(\S+)\s/.exec(line);
      if (stanza) [dev, address] = [stanza[1], undefined];
      const addr = /^(?:address\s+|IPADDR=)(\S+)$/.exec(line);
      if (addr) address = addr[1];
      const d = /^DEVICE=(\S+)$/.exec(line);
      if (d) dev = d[1];
      const m = /^(?:netmask\s+|NETMASK=)(\S+)$/.exec(line);
      if (m) flush(m[1]);
    }
  }
  return [...new Set(out)];
}

/** The pure plan: live addresses our boot files recorded whose IP is not kept (`ip addr del` each); null = none. */
export function planStaleAddresses(iface: string, keep: readonly AddressSpec[], cur: StaleAddressState): string[] | null {
  const kept = new Set(keep.map((a) => a.address));
  const recorded = new Set(recordedAddresses(cur.files, iface));
  const stale = cur.inet.filter((a) => recorded.has(a) && !kept.has(a.split('/')[0]!));
  return stale.length ? stale : null;
}

/**
 * The addresses an earlier run put on `iface` and persisted as `name` (found in those boot files,
 * so addresses added by hand or by other tools are never touched) that are no longer in `keep`:
 * removed live. Goes before `persistAddresses(name, keep, …)`, which then rewrites the files.
 */
export function staleAddresses(name: string, iface: string, keep: readonly AddressSpec[]): Resource<StaleAddressState, string[], 'posix'> {
  return defineResource<StaleAddressState, string[]>({
    id: `stale addresses ${name} on ${iface}`,
    kind: 'ip-address-prune',
    shell: 'posix',
    read: {
      command: sh`ip -o -4 addr show dev ${iface} 2>/dev/null | while IFS= read -r l; do printf 'inet=%s\\n' "$l"; done
${raw(fileSetScript([ifupdownPath(name)], { prefixes: [`${IFCFG_DIR}/ifcfg-${iface}:`], marker: MARKER }))}
:`,
      parse(r) {
        checkFactResult(`stale addresses (${name})`, r);
        const m = parseKv(r.stdout);
        return { inet: parseIpAddr((m.get('inet') ?? []).join('\n')), files: parseFileSet(m.get('file')) };
      },
    },
    plan: (cur) => planStaleAddresses(iface, keep, cur),
    describe: (c) => c.map((a) => sh`ip addr del ${a} dev ${iface}`).join(' && '),
    desired: () => ({ settings: [`no address on ${iface} from earlier runs (${name}) but ${keep.map((a) => `${a.address}/${a.prefix}`).join(', ') || 'none'}`] }),
    diff: (cur, c) => ({
      before: `${iface}: ${cur.inet.join(' ')}\n`,
      after: `${iface}: ${cur.inet.filter((a) => !c.includes(a)).join(' ') || '(no IPv4 address)'}\n`,
      label: `ip addr ${iface}`,
    }),
    async apply(t, c) {
      for (const a of c) await runOk(t, sh`ip addr del ${a} dev ${iface}`, `ip addr del ${a} dev ${iface}`);
    },
  });
}

/**
 * The settings of a Windows real server, one resource each (shell 'powershell'): the loopback
 * adapter, its addresses, weak host on the NIC and the loopback, the firewall rule.
 * `read` and `apply` run the role's scripts through `transport.invoke`; `plan` is pure.
 */
import { defineResource, type JsonValue, type PowerShellTransport, type Resource } from 'lvs-play';
import type { WindowsRealServerOptions } from './options.js';
import { script } from './scripts.js';

type Opts = WindowsRealServerOptions;

/** The role's options as `$data.opts`; the NIC address is the transport's (inventory) address. */
function scriptOpts(o: Opts, t: PowerShellTransport): { [k: string]: JsonValue } {
  const address = 'address' in t && typeof t.address === 'string' ? t.address : null;
  return { ...o, vips: [...o.vips], tcpPorts: [...o.tcpPorts], nics: [...o.nics], nicAddress: address };
}

const q = (s: string) => JSON.stringify(s);

// ─────────────────────────── (a) the loopback adapter ───────────────────────────

interface AdapterRef { index: number; name: string; description: string }
export interface LoopbackCurrent { modern: boolean; named: AdapterRef | null; loopbacks: AdapterRef[] }
export type LoopbackChange = { action: 'install' } | { action: 'rename'; index: number; from: string };

/** Names Windows gives a new adapter: a loopback still so named is a leftover, safe to take. */
const DEFAULT_NAME = /^(Ethernet|Local Area Connection)( \d+)?$/;

export function planLoopback(c: LoopbackCurrent): LoopbackChange | null {
  if (c.named) return null;
  const leftover = c.loopbacks.find((l) => DEFAULT_NAME.test(l.name));
  return leftover ? { action: 'rename', index: leftover.index, from: leftover.name } : { action: 'install' };
}

function loopbackAdapter(o: Opts): Resource<LoopbackCurrent, LoopbackChange, 'powershell'> {
  return defineResource<LoopbackCurrent, LoopbackChange, 'powershell'>({
    id: `windows loopback adapter ${q(o.loopbackAlias)}`,
    kind: 'windows-loopback-adapter',
    shell: 'powershell',
    read: (t) => t.invoke<never>(script('loopback-read'), { opts: scriptOpts(o, t) }) as Promise<LoopbackCurrent>,
    plan: planLoopback,
    desired: () => ({ settings: [`a Microsoft loopback adapter (*MSLOOP, netloop.inf) named ${q(o.loopbackAlias)}`] }),
    describe: (c) =>
      c.action === 'install'
        ? `install a Microsoft loopback adapter (*MSLOOP) named ${q(o.loopbackAlias)}`
        : `rename loopback adapter ${q(c.from)} to ${q(o.loopbackAlias)}`,
    diff: (cur, c) => ({
      label: 'loopback adapter',
      before: cur.loopbacks.map((l) => `${l.name} (${l.description}, ifIndex ${l.index})`).join('\n'),
      after: [...cur.loopbacks.filter((l) => c.action !== 'rename' || l.index !== c.index).map((l) => `${l.name} (${l.description}, ifIndex ${l.index})`),
        `${o.loopbackAlias} (Microsoft loopback adapter)`].join('\n'),
    }),
    apply: async (t, change) => {
      await t.invoke(script('loopback-apply'), { opts: scriptOpts(o, t), change: { ...change } });
    },
    verify: true,
  });
}

// ─────────────────────────── (b) the VIPs on the loopback ───────────────────────────

interface AddressRow { ip: string; prefixLength: number; skipAsSource: boolean | null }
export interface AddressesCurrent { exists: boolean; modern: boolean; dhcp: boolean; addresses: AddressRow[] }
export interface AddressesChange { add: string[]; remove: string[]; disableDhcp: boolean }

export function planAddresses(vips: readonly string[], c: AddressesCurrent): AddressesChange | null {
  if (!c.exists) return { add: [...vips], remove: [], disableDhcp: true };
  const good = (a: AddressRow) => vips.includes(a.ip) && a.prefixLength === 32 && (!c.modern || a.skipAsSource === true);
  const remove = c.dhcp ? c.addresses.map((a) => a.ip) : c.addresses.filter((a) => !good(a)).map((a) => a.ip);
  const kept = new Set(c.addresses.filter((a) => !remove.includes(a.ip)).map((a) => a.ip));
  const add = vips.filter((v) => !kept.has(v));
  if (!c.dhcp && add.length === 0 && remove.length === 0) return null;
  return { add, remove, disableDhcp: c.dhcp };
}

const showAddr = (a: AddressRow) => `${a.ip}/${a.prefixLength}${a.skipAsSource === null ? '' : a.skipAsSource ? ' SkipAsSource' : ''}`;

function loopbackAddresses(o: Opts): Resource<AddressesCurrent, AddressesChange, 'powershell'> {
  return defineResource<AddressesCurrent, AddressesChange, 'powershell'>({
    id: `windows loopback addresses ${q(o.loopbackAlias)}`,
    kind: 'windows-ip-addresses',
    shell: 'powershell',
    read: (t) => t.invoke<never>(script('addresses-read'), { opts: scriptOpts(o, t) }) as Promise<AddressesCurrent>,
    plan: (c) => planAddresses(o.vips, c),
    desired: () => ({ settings: [`${q(o.loopbackAlias)}: DHCP off, IPv4 ${o.vips.map((v) => `${v}/32`).join(', ')} only (SkipAsSource on 2012+)`] }),
    describe: (c) =>
      [c.disableDhcp ? 'DHCP off' : '', c.remove.length ? `remove ${c.remove.join(', ')}` : '', c.add.length ? `add ${c.add.map((a) => `${a}/32`).join(', ')}` : '']
        .filter(Boolean)
        .join('; ') + ` on ${q(o.loopbackAlias)}`,
    diff: (cur, c) => ({
      label: `${o.loopbackAlias} IPv4`,
      before: [`dhcp ${cur.dhcp ? 'enabled' : 'disabled'}`, ...cur.addresses.map(showAddr)].join('\n'),
      after: ['dhcp disabled', ...o.vips.map((v) => `${v}/32${cur.modern || !cur.exists ? ' SkipAsSource' : ''}`)].join('\n'),
    }),
    apply: async (t, change) => {
      await t.invoke(script('addresses-apply'), { opts: scriptOpts(o, t), change: { ...change } });
    },
    verify: true,
  });
}

// ─────────────────────────── (c) weak host send/receive ───────────────────────────

export interface WeakHostCurrent { exists: boolean; modern: boolean; index?: number; name?: string; send?: string; receive?: string }
export interface WeakHostChange { send: boolean; receive: boolean }

export function planWeakHost(want: { send: boolean; receive: boolean }, c: WeakHostCurrent): WeakHostChange | null {
  const send = want.send && c.send !== 'enabled';
  const receive = want.receive && c.receive !== 'enabled';
  return send || receive ? { send, receive } : null;
}

/** Weak host on one NIC (`nic`: its alias, or null for the adapter holding the host address) or on the loopback. */
function weakHost(o: Opts, target: 'nic' | 'loopback', nic: string | null = null): Resource<WeakHostCurrent, WeakHostChange, 'powershell'> {
  const want = target === 'nic' ? { send: o.weakHostSend, receive: true } : { send: true, receive: true };
  const what = target === 'nic' ? (nic ? q(nic) : 'the NIC holding the host address') : q(o.loopbackAlias);
  const flags = want.send ? 'send+receive' : 'receive';
  return defineResource<WeakHostCurrent, WeakHostChange, 'powershell'>({
    id: `windows weak host ${flags} on ${target === 'nic' ? (nic ? `NIC ${q(nic)}` : 'NIC') : q(o.loopbackAlias)}`,
    kind: 'windows-weak-host',
    shell: 'powershell',
    read: (t) => t.invoke<never>(script('weakhost-read'), { opts: scriptOpts(o, t), target, nic }) as Promise<WeakHostCurrent>,
    plan: (c) => planWeakHost(want, c),
    desired: () => ({ settings: [`${what}: weakhostreceive=enabled${want.send ? ', weakhostsend=enabled' : ''} (IPv4)`] }),
    describe: (c) => `enable weak host ${[c.send ? 'send' : '', c.receive ? 'receive' : ''].filter(Boolean).join(' and ')} on ${what}`,
    diff: (cur, c) => ({
      label: `${cur.name ?? what} IPv4`,
      before: `weakhostsend=${cur.send ?? 'disabled'}\nweakhostreceive=${cur.receive ?? 'disabled'}`,
      after: `weakhostsend=${c.send ? 'enabled' : (cur.send ?? 'disabled')}\nweakhostreceive=${c.receive ? 'enabled' : (cur.receive ?? 'disabled')}`,
    }),
    apply: async (t, change) => {
      await t.invoke(script('weakhost-apply'), { opts: scriptOpts(o, t), target, nic, change: { ...change } });
    },
    verify: true,
  });
}

// ─────────────────────────── (d) the firewall rule ───────────────────────────

interface RuleRow {
  displayName: string; group: string; enabled: boolean; direction: string; action: string
  protocol: string; localPorts: string[]; localAddresses: string[]
}
export interface FirewallCurrent { modern: boolean; rules: RuleRow[] }
export interface FirewallChange { action: 'create' | 'update' | 'replace' }

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');

export function planFirewall(o: Pick<Opts, 'vips' | 'tcpPorts' | 'ruleGroup'>, c: FirewallCurrent): FirewallChange | null {
  if (c.rules.length === 0) return { action: 'create' };
  if (c.rules.length > 1) return { action: 'replace' };
  const r = c.rules[0]!;
  const ok = r.enabled && r.direction === 'inbound' && r.action === 'allow' && r.protocol === 'TCP' &&
    sameSet(r.localPorts, o.tcpPorts.map(String)) && sameSet(r.localAddresses, o.vips) && (!c.modern || r.group === o.ruleGroup);
  return ok ? null : { action: 'update' };
}

const showRule = (r: RuleRow) =>
  `${r.enabled ? 'enabled' : 'disabled'} ${r.direction} ${r.action} ${r.protocol} ports ${r.localPorts.join(',')} to ${r.localAddresses.join(',')}${r.group ? ` group ${r.group}` : ''}`;

function firewallRule(o: Opts): Resource<FirewallCurrent, FirewallChange, 'powershell'> {
  return defineResource<FirewallCurrent, FirewallChange, 'powershell'>({
    id: `windows firewall rule ${q(o.ruleName)}`,
    kind: 'windows-firewall-rule',
    shell: 'powershell',
    read: (t) => t.invoke<never>(script('firewall-read'), { opts: scriptOpts(o, t) }) as Promise<FirewallCurrent>,
    plan: (c) => planFirewall(o, c),
    desired: () => ({ settings: [`firewall rule ${q(o.ruleName)}: enabled inbound allow TCP ports ${o.tcpPorts.join(',')} to ${o.vips.join(',')} (group ${q(o.ruleGroup)} on 2012+)`] }),
    describe: (c) => `${c.action} firewall rule ${q(o.ruleName)}: TCP ${o.tcpPorts.join(',')} to ${o.vips.join(',')}`,
    diff: (cur, _c) => ({
      label: `firewall rule ${o.ruleName}`,
      before: cur.rules.map(showRule).join('\n'),
      after: `enabled inbound allow TCP ports ${o.tcpPorts.join(',')} to ${o.vips.join(',')}${cur.modern ? ` group ${o.ruleGroup}` : ''}`,
    }),
    apply: async (t) => {
      await t.invoke(script('firewall-apply'), { opts: scriptOpts(o, t) });
    },
    verify: true,
  });
}

/** The role's resources, in the order they must run. */
export function windowsRealServerResources(o: Opts): Resource<unknown, unknown, 'powershell'>[] {
  return [
    loopbackAdapter(o),
    loopbackAddresses(o),
    ...(o.nics.length > 0 ? o.nics.map((n) => weakHost(o, 'nic', n)) : [weakHost(o, 'nic')]),
    weakHost(o, 'loopback'),
    firewallRule(o),
  ] as unknown as Resource<unknown, unknown, 'powershell'>[];
}

/**
 * linux-realserver: a Linux host as an LVS direct-routing real server.
 * The VIPs as /32 on `lo` (labels lo:N, live and persisted for boot), arp_ignore=1 and
 * arp_announce=2 for `all` and `lo` (so the host never answers ARP for the VIP), and a read-only
 * check that something listens on each service port. See README.md.
 */
import { type AnyResource, defineRole, sysctl } from 'lvs-play';
import { interfaceAddress, persistAddresses, staleAddresses, type AddressSpec } from 'lvs-play/kit';
import { listenerCheck } from './listener.js';
import { linuxRealServerSchema, type LinuxRealServerOptions } from './options.js';

export {
  linuxRealServerSchema,
  DEFAULT_REALSERVER_SYSCTL_FILE,
  DEFAULT_REALSERVER_PERSIST_NAME,
  type LinuxRealServerInput,
  type LinuxRealServerOptions,
} from './options.js';
export { listenerCheck, parseSsListen, missingListeners } from './listener.js';

/** The ARP sysctls of a DR real server: never answer ARP for the VIP, never source ARP from it. */
export const REALSERVER_ARP_SYSCTLS: readonly { name: string; value: number }[] = [
  { name: 'net.ipv4.conf.all.arp_ignore', value: 1 },
  { name: 'net.ipv4.conf.all.arp_announce', value: 2 },
  { name: 'net.ipv4.conf.lo.arp_ignore', value: 1 },
  { name: 'net.ipv4.conf.lo.arp_announce', value: 2 },
];

/** The resources of the role, in order (exported for tests). */
function linuxRealServerResources(o: LinuxRealServerOptions): AnyResource[] {
  const res: AnyResource[] = [];
  // ARP first: the VIP must never be announced, not even for the moment between add and sysctl.
  for (const s of REALSERVER_ARP_SYSCTLS) res.push(sysctl({ name: s.name, value: s.value, file: o.sysctlFile }));
  const addrs: AddressSpec[] = o.vips.map((vip, i) => ({ address: vip, prefix: 32, interface: o.interface, label: `${o.interface}:${o.labelStart + i}` }));
  for (const a of addrs) res.push(interfaceAddress(a));
  if (o.persist !== 'none') {
    // VIPs an earlier run put there (its boot files say which) that the options no longer name
    res.push(staleAddresses(o.persistName, o.interface, addrs));
    res.push(persistAddresses(o.persistName, addrs, o.persist));
  }
  if (o.checkListeners && o.tcpPorts.length > 0) res.push(listenerCheck(o.vips, o.tcpPorts));
  return res;
}

/** `linuxRealServer({ vips: ['10.77.0.10'], tcpPorts: [80] })` → the role for one Linux real server. */
export const linuxRealServer = defineRole({
  name: 'linux-realserver',
  options: linuxRealServerSchema,
  build: (o) => ({ resources: linuxRealServerResources(o) }),
});

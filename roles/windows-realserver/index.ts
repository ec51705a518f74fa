/**
 * windows-realserver: a Windows host as an LVS direct-routing real server.
 * The Microsoft loopback adapter holds the VIPs (/32, SkipAsSource), weak host receive on the
 * NIC and weak host send/receive on the loopback, a firewall rule for the TCP ports to the VIPs.
 * Windows Server 2012+ through NetAdapter/NetTCPIP/NetSecurity, 2008 R2 through WMI and netsh.
 * See README.md.
 */
import { defineRole } from 'lvs-play';
import { windowsRealServerSchema } from './options.js';
import { windowsRealServerResources } from './resources.js';

export {
  DEFAULT_FIREWALL_RULE,
  DEFAULT_LOOPBACK_ALIAS,
  FIREWALL_GROUP,
  windowsRealServerSchema,
  type WindowsRealServerInput,
  type WindowsRealServerOptions,
} from './options.js';
export { allScripts, script, type ScriptName } from './scripts.js';
export { planAddresses, planFirewall, planLoopback, planWeakHost } from './resources.js';

/** `windowsRealServer({ vips: ['10.77.0.10'], tcpPorts: [80] })` → the role for one Windows host. */
export const windowsRealServer = defineRole({
  name: 'windows-realserver',
  options: windowsRealServerSchema,
  build: (o) => ({ resources: windowsRealServerResources(o) }),
});

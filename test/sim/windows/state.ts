/**
 * The Windows SIMULATION's state file (read and written by LvsPlayWindowsSim.psm1), from TypeScript:
 * its shape, a fresh host, and where the module lives.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder holding the LvsPlayWindowsSim module folder (put it on $PSModulePath). */
export const SIM_MODULES_DIR = dirname(fileURLToPath(import.meta.url));
export const SIM_MODULE_NAME = 'LvsPlayWindowsSim';
export const SIM_MODULE_DIR = join(SIM_MODULES_DIR, SIM_MODULE_NAME);
/** Environment variable naming the state file. */
export const SIM_STATE_ENV = 'LVSPLAY_WINSIM_STATE';
export const SIM_DEFAULT_STATE_PATH = '/var/lib/lvs-play-winsim/state.json';

export type Toggle = 'Enabled' | 'Disabled';

export interface SimAddress { ip: string; prefixLength: number; skipAsSource: boolean; prefixOrigin: 'Manual' | 'Dhcp' | 'WellKnown' }

export interface SimAdapter {
  ifIndex: number;
  name: string;
  description: string;
  componentId: string;
  pnpDeviceId: string;
  serviceName: string;
  macAddress: string;
  status: 'Up' | 'Disconnected';
  ipv4: { dhcp: Toggle; weakHostSend: Toggle; weakHostReceive: Toggle; forwarding: Toggle };
  addresses: SimAddress[];
}

export interface SimFirewallRule {
  name: string;
  displayName: string;
  group: string;
  description?: string;
  direction: 'Inbound' | 'Outbound';
  action: 'Allow' | 'Block';
  protocol: string;
  localPort: string[];
  localAddress: string[];
  remoteAddress: string[];
  enabled: 'True' | 'False';
  profile: string;
}

export interface SimState {
  /** true: a Windows Server 2008 R2 host (no NetAdapter/NetTCPIP/NetSecurity cmdlets). */
  legacy: boolean;
  nextIfIndex: number;
  adapters: SimAdapter[];
  firewallRules: SimFirewallRule[];
  /** One line per change the simulated host went through. */
  log: string[];
}

/** A fresh simulated host: one NIC holding `address`/`prefixLength`, strong host everywhere. */
export function freshSimState(opts: { address: string; prefixLength?: number; legacy?: boolean; nicName?: string }): SimState {
  const legacy = opts.legacy ?? false;
  return {
    legacy,
    nextIfIndex: 13,
    adapters: [
      {
        ifIndex: 12,
        name: opts.nicName ?? (legacy ? 'Local Area Connection' : 'Ethernet'),
        description: 'Intel(R) PRO/1000 MT Network Connection',
        componentId: 'PCI\\VEN_8086&DEV_100E',
        pnpDeviceId: 'PCI\\VEN_8086&DEV_100E&SUBSYS_001E8086&REV_02\\3&267A616A&0&18',
        serviceName: 'E1G60',
        macAddress: '52-54-00-4C-56-12',
        status: 'Up',
        ipv4: { dhcp: 'Disabled', weakHostSend: 'Disabled', weakHostReceive: 'Disabled', forwarding: 'Disabled' },
        addresses: [{ ip: opts.address, prefixLength: opts.prefixLength ?? 24, skipAsSource: false, prefixOrigin: 'Manual' }],
      },
    ],
    firewallRules: [
      {
        name: 'RemoteDesktop-UserMode-In-TCP', displayName: 'Remote Desktop - User Mode (TCP-In)', group: '@FirewallAPI.dll,-28752',
        direction: 'Inbound', action: 'Allow', protocol: 'TCP', localPort: ['3389'], localAddress: ['Any'], remoteAddress: ['Any'],
        enabled: 'True', profile: 'Any',
      },
    ],
    log: [],
  };
}

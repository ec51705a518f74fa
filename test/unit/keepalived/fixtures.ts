import { expect } from 'vitest';
import { LvsError, ValidationErrors } from '../../../src/errors.js';
import type { KeepalivedConfig } from '../../../roles/keepalived/model.js';

/** The errors a validation throws (it must throw ValidationErrors). */
export function errorsOf(run: () => unknown): LvsError[] {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationErrors);
    return [...(e as ValidationErrors).errors];
  }
  throw new Error('expected validation errors');
}

/** The reference site: two directors that differ only in router_id, state and priority. */
export function siteConfig(host: 'lvs1' | 'lvs2', iface = 'eth0'): KeepalivedConfig {
  return {
    globalDefs: { routerId: host },
    vrrpInstances: [
      {
        name: 'VI_1',
        state: host === 'lvs1' ? 'MASTER' : 'BACKUP',
        interface: iface,
        virtualRouterId: 51,
        priority: host === 'lvs1' ? 150 : 100,
        advertInt: 1,
        authentication: { type: 'PASS', pass: 'lvs-2011' },
        virtualIpAddresses: [`10.77.0.10/32 dev ${iface} label ${iface}:0`],
      },
    ],
    virtualServers: [
      {
        vip: '10.77.0.10',
        port: 80,
        delayLoop: 6,
        lbAlgo: 'wrr',
        lbKind: 'DR',
        persistenceTimeout: 300,
        protocol: 'TCP',
        realServers: [
          { address: '10.77.0.16', port: 80, weight: 3, check: { type: 'TCP_CHECK', connectTimeout: 3, retry: 3, delayBeforeRetry: 3, connectPort: 80 } },
          { address: '10.77.0.17', port: 80, weight: 3, check: { type: 'TCP_CHECK', connectTimeout: 3, retry: 3, delayBeforeRetry: 3, connectPort: 80 } },
        ],
      },
    ],
  };
}

/** Every optional part at once (scripts with spaces and arguments, unicast, HTTP/MISC checks, fwmark). */
export function fullConfig(iface = 'eth0', scriptDir = '/usr/local/lib/lvs play'): KeepalivedConfig {
  return {
    globalDefs: { routerId: 'lvs1', enableScriptSecurity: true, scriptUser: 'root', vrrpSkipCheckAdvAddr: true, vrrpGarpMasterDelay: 1 },
    vrrpScripts: [
      { name: 'chk_web', script: { path: `${scriptDir}/check web.sh`, args: ['--port', '80', 'two words'] }, interval: 2, timeout: 3, weight: -20, fall: 2, rise: 2 },
      { name: 'chk_dns', script: `${scriptDir}/dns check`, user: 'root' },
    ],
    vrrpInstances: [
      {
        name: 'VI_1',
        state: 'BACKUP',
        interface: iface,
        virtualRouterId: 51,
        priority: 150,
        advertInt: 1,
        nopreempt: true,
        unicastSrcIp: '10.77.0.14',
        unicastPeers: ['10.77.0.15'],
        authentication: { type: 'PASS', pass: 'p4ss' },
        virtualIpAddresses: ['10.77.0.10/32 dev ' + iface, '  10.77.0.11/32   label ' + iface + ':1 '],
        trackScripts: ['chk_web', { name: 'chk_dns', weight: -30 }],
        notifyMaster: `${scriptDir}/notify.sh`,
        notifyBackup: { path: `${scriptDir}/notify.sh`, args: ['BACKUP'] },
        notifyFault: { path: '/bin/true' },
        notify: { path: '/bin/logger', args: ['vrrp', 'state=changed'] },
      },
    ],
    virtualServers: [
      {
        vip: '10.77.0.10', port: 443, lbAlgo: 'sh', protocol: 'TCP', quorum: 1, sorryServer: { address: '10.77.0.18', port: 443 },
        realServers: [
          { address: '10.77.0.16', port: 443, weight: 1, check: { type: 'SSL_GET', url: [{ path: '/health', statusCode: 200 }], connectTimeout: 3 } },
          { address: '10.77.0.17', port: 443, weight: 1, check: { type: 'HTTP_GET', url: [{ path: '/', digest: '9B3A0C85A887A256D6939DA88AABD8CD' }, { path: '/x' }], connectTimeout: 5, retry: 2 } },
        ],
      },
      {
        fwmark: 7, lbAlgo: 'rr', lbKind: 'TUN', delayLoop: 10,
        realServers: [{ address: '10.77.0.16', weight: 2, check: { type: 'MISC_CHECK', script: { path: `${scriptDir}/dns check`, args: ['10.77.0.16'] }, timeout: 5 } }],
      },
    ],
    raw: 'virtual_server_group VSG_1 {\n    10.77.0.10 8080\n}\n\n\n',
  };
}

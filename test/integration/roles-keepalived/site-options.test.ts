/**
 * The seed's options through the site helper: persistence_timeout, TCP_CHECK retry and
 * delay_before_retry, several services and VIPs, unicast VRRP peers from the director group, a
 * sorry_server, notify scripts. Each rendered config passes the control node's `keepalived -t`.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderKeepalivedConf } from '../../../roles/keepalived/render.js';
import { directorConfigs, directorVarsOf, type DirectorSite } from '../../../roles/keepalived/site.js';
import { KEEPALIVED_BIN, keepalivedTest, REAL_IFACE } from './keepalived-t.js';
import { makeHostView } from '../../../src/inventory/host-view.js';
import type { HostView } from '../../../src/types.js';

const dir = mkdtempSync(join(tmpdir(), 'lvs-ka-site-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const notify = join(dir, 'notify.sh');
writeFileSync(notify, '#!/bin/sh\nexit 0\n');
chmodSync(notify, 0o755);

const iface = REAL_IFACE;
const check = (port: number) => ({ type: 'TCP_CHECK' as const, connectTimeout: 3, connectPort: port, retry: 3, delayBeforeRetry: 3 });
const rs = (port: number) => [{ address: '10.77.0.16', check: check(port) }, { address: '10.77.0.17', weight: 2, check: check(port) }];
const site: DirectorSite = {
  vips: ['10.77.0.10', '10.77.0.11'],
  interface: iface,
  virtualRouterId: 51,
  unicast: true,
  notify: { any: notify },
  services: [
    { port: 80, persistenceTimeout: 50, delayLoop: 6, sorryServer: { address: '10.77.0.1', port: 80 }, realServers: rs(80) },
    { port: 443, persistenceTimeout: 50, delayLoop: 6, realServers: rs(443) },
    { port: 80, vip: '10.77.0.11', realServers: rs(80) },
  ],
};
const host = (name: string, address: string, vrrp: unknown): HostView =>
  makeHostView({ name, address, vars: { vrrp }, groups: ['directors'], connection: { type: 'local' } }, { source: 'test', group: () => [] });
const directors = [host('lvs1', '10.77.0.14', { state: 'MASTER', priority: 150 }), host('lvs2', '10.77.0.15', { state: 'BACKUP', priority: 100 }), host('lvs3', '10.77.0.13', { state: 'BACKUP', priority: 90 })];

describe('the seed options through directorConfigs', () => {
  const configs = directorConfigs(site, directorVarsOf(directors));

  it('unicast: each director sends from its address to every other director', () => {
    expect(configs.lvs1?.vrrpInstances[0]).toMatchObject({ unicastSrcIp: '10.77.0.14', unicastPeers: ['10.77.0.15', '10.77.0.13'], notify: notify });
    expect(configs.lvs2?.vrrpInstances[0]).toMatchObject({ unicastSrcIp: '10.77.0.15', unicastPeers: ['10.77.0.14', '10.77.0.13'] });
    expect(directorConfigs({ ...site, unicast: false }, directorVarsOf(directors)).lvs1?.vrrpInstances[0]).not.toHaveProperty('unicastPeers');
  });

  it('renders every option', () => {
    const text = renderKeepalivedConf(configs.lvs1!);
    for (const line of ['unicast_src_ip 10.77.0.14', 'unicast_peer {', 'persistence_timeout 50', 'retry 3', 'delay_before_retry 3', 'sorry_server 10.77.0.1 80', 'virtual_server 10.77.0.10 443', 'virtual_server 10.77.0.11 80', `notify "${notify}"`, 'enable_script_security', `10.77.0.11/32 dev ${iface}`]) {
      expect(text).toContain(line);
    }
  });

  it.skipIf(!KEEPALIVED_BIN)('keepalived -t accepts every director\'s config', async () => {
    for (const [name, cfg] of Object.entries(configs)) {
      const file = join(dir, `${name}.conf`);
      writeFileSync(file, renderKeepalivedConf(cfg));
      const r = await keepalivedTest(file);
      expect(r, r.out).toMatchObject({ code: 0 });
    }
  });
});

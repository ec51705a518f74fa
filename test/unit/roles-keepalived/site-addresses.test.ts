import { describe, expect, it } from 'vitest';
import { directorConfigs, siteAddressErrors, type DirectorSite } from '../../../roles/keepalived/site.js';
import { validateInventorySpec } from '../../../src/inventory/schema.js';

const site = (vip: string): DirectorSite => ({
  vips: [vip],
  interface: 'eth0',
  virtualRouterId: 51,
  services: [{ port: 80, realServers: [{ address: '10.77.0.16' }, { address: '10.77.0.17' }] }],
});
const directors = (a1: string, a2: string) => ({
  lvs1: { state: 'MASTER' as const, priority: 150, address: a1 },
  lvs2: { state: 'BACKUP' as const, priority: 100, address: a2 },
});
const hostOf = (a: string) => ({ '10.77.0.16': 'rs1', '10.77.0.17': 'rs2' })[a];

describe('site addresses, checked before any host is contacted', () => {
  it('a VIP equal to a real server address names that real server', () => {
    const errs = siteAddressErrors(site('10.77.0.17'), directors('10.77.0.14', '10.77.0.15'), { file: 'site.ts', hostOf });
    expect(errs.map((e) => e.message)).toEqual([expect.stringMatching(/^site\.ts: the VIP 10\.77\.0\.17 is also the address of real server rs2/)]);
  });

  it('a VIP equal to a director address, and two directors sharing one', () => {
    expect(siteAddressErrors(site('10.77.0.14'), directors('10.77.0.14', '10.77.0.15'))[0]?.message).toMatch(/VIP 10\.77\.0\.14 is also the address of director lvs1/);
    expect(() => directorConfigs(site('10.77.0.10'), directors('10.77.0.14', '10.77.0.14'), { field: 'groups.directors.hosts' })).toThrow(
      /groups\.directors\.hosts\.lvs2\.address: directors lvs1 and lvs2 have the same address 10\.77\.0\.14/,
    );
  });

  it('a VIP that is no IP address is one error, not one per config field', () => {
    const errs = siteAddressErrors(site('10.77.0.300'), directors('10.77.0.14', '10.77.0.15'));
    expect(errs).toHaveLength(1);
    expect(errs[0]?.message).toMatch(/vips: the VIP "10\.77\.0\.300" is not an IP address/);
  });

  it('a good site passes', () => {
    expect(siteAddressErrors(site('10.77.0.10'), directors('10.77.0.14', '10.77.0.15'))).toEqual([]);
  });
});

describe('inventory: two hosts with one address', () => {
  it('is refused (same connection and port), naming both hosts', () => {
    expect(() => validateInventorySpec({ groups: { a: { hosts: { h1: { address: '192.0.2.1' } } }, b: { hosts: { h2: { address: '192.0.2.1' } } } } }, 'inv.ts')).toThrow(
      /inv\.ts: groups\.b\.hosts\.h2\.address: hosts "h1" and "h2" have the same address 192\.0\.2\.1/,
    );
  });

  it('is allowed on different ports, for local connections, and for one host listed twice', () => {
    expect(() => validateInventorySpec({ hosts: { h1: { address: '192.0.2.1' }, h2: { address: '192.0.2.1', connection: { type: 'ssh', port: 2222 } } } }, 'inv.ts')).not.toThrow();
    expect(() => validateInventorySpec({ connection: { type: 'local' }, hosts: { h1: { address: '127.0.0.1' }, h2: { address: '127.0.0.1' } } }, 'inv.ts')).not.toThrow();
    expect(() => validateInventorySpec({ groups: { a: { hosts: { h1: { address: '192.0.2.1' } } }, b: { hosts: { h1: null } } } }, 'inv.ts')).not.toThrow();
  });
});

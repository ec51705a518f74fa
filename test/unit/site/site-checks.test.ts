/**
 * The site vars of issue 22 (health_checks per port, inhibit_on_failure, vip_groups,
 * vrrp_sync_groups), each read through one schema: YAML values and INI strings alike; a mistake
 * names the host and the variable before any host is contacted.
 */
import { describe, expect, it } from 'vitest';
import { checkFor, healthChecksOf, inhibitOnFailureOf } from '../../../playbooks/site-checks.js';
import { siteVipsOf } from '../../../playbooks/site-vip-groups.js';
import { makeHostView } from '../../../src/inventory/host-view.js';
import { siteOf, vipsOf } from '../../../src/site/index.js';
import type { HostView, Vars } from '../../../src/types.js';
import { DEFAULT_SPEC, inv } from './fixtures.js';

const host = (vars: Vars): HostView => makeHostView({ name: 'lvs1', address: '10.77.0.14', vars, groups: ['directors'], connection: { type: 'local' } }, { source: 'hosts.ini', group: () => [] });
const timing = { connectTimeout: 3, retry: 3, delayBeforeRetry: 3 };

describe('health_checks: per port, beside the TCP_CHECK default', () => {
  it('no entry: TCP_CHECK on the port with the site\'s timing (as before)', () => {
    expect(checkFor(80, healthChecksOf(host({}), [80]).get(80), timing)).toEqual({ type: 'TCP_CHECK', connectTimeout: 3, connectPort: 80, retry: 3, delayBeforeRetry: 3 });
  });

  it('http / ssl / misc / tcp entries, from YAML values and from an INI string', () => {
    const yaml = { 80: { type: 'http', path: '/health', status: 200 }, 443: { type: 'ssl', virtualhost: 'www.example.com', connect_timeout: 2 }, 53: { type: 'misc', script: '/usr/local/bin/check_dns 10.77.0.10', timeout: 5, dynamic: 'yes' } };
    for (const vars of [{ health_checks: yaml }, { health_checks: JSON.stringify(yaml) }]) {
      const m = healthChecksOf(host(vars), [53, 80, 443]);
      expect(checkFor(80, m.get(80), timing)).toEqual({ type: 'HTTP_GET', url: [{ path: '/health', statusCode: 200 }], connectTimeout: 3, connectPort: 80, retry: 3, delayBeforeRetry: 3 });
      expect(checkFor(443, m.get(443), { connectTimeout: 3 })).toEqual({ type: 'SSL_GET', url: [{ path: '/', statusCode: 200 }], virtualhost: 'www.example.com', connectTimeout: 2, connectPort: 443 });
      expect(checkFor(53, m.get(53), timing)).toEqual({ type: 'MISC_CHECK', script: { path: '/usr/local/bin/check_dns', args: ['10.77.0.10'] }, timeout: 5, dynamic: true });
    }
  });

  it('a port the site does not serve, an unknown type, a relative script: named with host and variable', () => {
    expect(() => healthChecksOf(host({ health_checks: { 8080: { type: 'http' } } }), [80])).toThrow(/lvs1.*health_checks.*port 8080 is not a service port \(ports: 80\)/s);
    expect(() => healthChecksOf(host({ health_checks: { 80: { type: 'icmp' } } }), [80])).toThrow(/health_checks/);
    expect(() => healthChecksOf(host({ health_checks: { 80: { type: 'misc', script: 'check.sh' } } }), [80])).toThrow(/starts with an absolute path/);
    expect(() => healthChecksOf(host({ health_checks: { 80: { type: 'http', path: 'health' } } }), [80])).toThrow(/absolute url path/);
  });

  it('inhibit_on_failure: a flag, default off (INI yes/no understood)', () => {
    expect([inhibitOnFailureOf(host({})), inhibitOnFailureOf(host({ inhibit_on_failure: 'yes' })), inhibitOnFailureOf(host({ inhibit_on_failure: true }))]).toEqual([false, true, true]);
  });
});

describe('vip_groups: several VIPs, active/active', () => {
  const groups = [{ name: 'VI_web', vips: ['10.77.0.10'], master: 'lvs1' }, { name: 'VI_api', vips: '10.77.0.11,10.77.0.12', master: 'lvs2', virtual_server_group: 'yes' }];

  it('every VIP of the groups is the site\'s VIPs (real servers, firewall, status); router ids default to vrrp_router_id + position', () => {
    for (const v of [groups, JSON.stringify(groups)]) {
      const h = host({ vip: '10.77.0.10', vip_groups: v, vrrp_sync_groups: '{"VG": ["VI_web", "VI_api"]}' });
      expect(vipsOf(h)).toEqual(['10.77.0.10', '10.77.0.11', '10.77.0.12']);
      expect(siteVipsOf(h, 51)).toEqual({
        vips: ['10.77.0.10', '10.77.0.11', '10.77.0.12'],
        vipGroups: [{ name: 'VI_web', vips: ['10.77.0.10'], master: 'lvs1', virtualRouterId: 51 }, { name: 'VI_api', vips: ['10.77.0.11', '10.77.0.12'], master: 'lvs2', virtualRouterId: 52 }],
        syncGroups: { VG: ['VI_web', 'VI_api'] },
        addresses: [{ vip: '10.77.0.10' }, { vipGroup: 'VI_api' }],
        marks: [],
      });
    }
    expect(siteOf(inv(DEFAULT_SPEC, { vip_groups: groups })).vips).toEqual(['10.77.0.10', '10.77.0.11', '10.77.0.12']);
  });

  it('without vip_groups: the one-instance site of vips/vip, unchanged', () => {
    expect(siteVipsOf(host({ vips: '10.77.0.10,10.77.0.11' }), 51)).toEqual({ vips: ['10.77.0.10', '10.77.0.11'], addresses: [{ vip: '10.77.0.10' }, { vip: '10.77.0.11' }], marks: [] });
  });

  it('fwmark: one service for the group\'s VIPs and every port; the firewall marks each VIP and port', () => {
    const h = host({ ports: '80,443', vip_groups: [{ name: 'VI_web', vips: ['10.77.0.10', '10.77.0.11'], fwmark: '7' }] });
    const v = siteVipsOf(h, 51);
    expect([v.addresses, v.marks]).toEqual([[{ fwmark: 7 }], [{ vip: '10.77.0.10', port: 80, mark: 7 }, { vip: '10.77.0.10', port: 443, mark: 7 }, { vip: '10.77.0.11', port: 80, mark: 7 }, { vip: '10.77.0.11', port: 443, mark: 7 }]]);
    expect(() => vipsOf(host({ vip_groups: [{ name: 'VI_web', vips: ['10.77.0.10'], fwmark: 7, virtual_server_group: true }] }))).toThrow(/either as one fwmark service or as a virtual_server_group/);
  });

  it('a group without VIPs or with a bad name: named with host and variable', () => {
    expect(() => vipsOf(host({ vip_groups: [{ name: 'a b', vips: ['10.77.0.10'] }] }))).toThrow(/lvs1.*vip_groups/s);
    expect(() => vipsOf(host({ vip_groups: [{ name: 'VI_x', vips: [] }] }))).toThrow(/vip_groups/);
  });
});

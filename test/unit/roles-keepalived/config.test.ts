/**
 * keepalived.config: validated when built, rendered deterministically, auth_pass only ever as a
 * secret (redacted diff), reload + health handlers (never restart); the file's validate hook is
 * `keepalived -t` (run for real in test/integration/roles-keepalived/config-keepalived-t.test.ts).
 * Plus the site helper building MASTER/BACKUP configs.
 */
import { describe, expect, it } from 'vitest';
import { HEALTH_HANDLER, RELOAD_HANDLER, keepalivedConfigResources } from '../../../roles/keepalived/config.js';
import { keepalived } from '../../../roles/keepalived/index.js';
import { directorConfig, directorConfigs, directorVarsOf, type DirectorSite } from '../../../roles/keepalived/site.js';
import { ValidationErrors } from '../../../src/errors.js';
import type { HostView } from '../../../src/types.js';
import { makeHostView } from '../../../src/inventory/host-view.js';

const PASS = 'S3cr-t!x'.replace('!', '9');

const site: DirectorSite = {
  vips: ['10.77.0.10'],
  interface: 'eth0',
  virtualRouterId: 51,
  authPass: PASS,
  services: [{ port: 80, lbAlgo: 'wrr', persistenceTimeout: 300, delayLoop: 6, realServers: [{ address: '10.77.0.16', weight: 3 }, { address: '10.77.0.17' }] }],
};
const pair = { lvs1: { state: 'MASTER' as const, priority: 150 }, lvs2: { state: 'BACKUP' as const, priority: 100 } };

describe('directorConfigs', () => {
  it('builds MASTER and BACKUP configs that differ only in router_id, state and priority', () => {
    const c = directorConfigs(site, pair);
    expect(c.lvs1?.vrrpInstances[0]).toMatchObject({ state: 'MASTER', priority: 150, virtualRouterId: 51, virtualIpAddresses: ['10.77.0.10/32 dev eth0'] });
    expect(c.lvs2?.globalDefs.routerId).toBe('lvs2');
    const strip = (x: unknown) => JSON.stringify(x).replace(/"routerId":"lvs\d"|"state":"\w+"|"priority":\d+/g, '');
    expect(strip(c.lvs1)).toBe(strip(c.lvs2));
    const rs = c.lvs1?.virtualServers[0]?.realServers[1];
    expect(rs).toEqual({ address: '10.77.0.17', port: 80, weight: 1, check: { type: 'TCP_CHECK', connectTimeout: 3, connectPort: 80 } });
    expect(c.lvs1?.virtualServers[0]?.lbKind).toBe('DR');
  });

  it('refuses a BACKUP whose priority is not below the MASTER, naming the host field', () => {
    try {
      directorConfigs(site, { ...pair, lvs2: { state: 'BACKUP', priority: 150 } }, { file: 'site.ts' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationErrors);
      expect((e as Error).message).toContain('directors.lvs2.vrrpInstances[0].priority');
      expect((e as Error).message).toContain('site.ts');
    }
  });

  it('reads per-host vars and reports a missing state', () => {
    const host = (name: string, vrrp: unknown): HostView => makeHostView({ name, address: '', vars: { vrrp }, groups: ['directors'], connection: { type: 'local' } }, { source: 'inventory/test.ts', group: () => [] });
    const vars = directorVarsOf([host('lvs1', { state: 'MASTER', priority: 150, routerId: 'one' }), host('lvs2', { state: 'BACKUP', priority: 100 })]);
    expect(vars.lvs1).toEqual({ state: 'MASTER', priority: 150, routerId: 'one' });
    // a missing state is the inventory's problem, named there (not vrrpInstances[0].state)
    expect(() => directorVarsOf([host('lvs2', { priority: 100 })])).toThrow(
      'inventory/test.ts: host lvs2: variable "vrrp.state" is missing\n  fix: set vrrp: { state: MASTER, priority: 150 } on the host or one of its groups (directors)',
    );
  });
});

describe('keepalived.config', () => {
  const cfg = directorConfig(site, 'lvs1', pair.lvs1);

  it('validates before any host: every problem at once, never the password', () => {
    const bad = { ...cfg, vrrpInstances: [{ ...cfg.vrrpInstances[0]!, priority: 300, authentication: { type: 'PASS' as const, pass: 'far-too-long-secret' } }] };
    try {
      keepalived.config({ config: bad });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationErrors);
      expect((e as ValidationErrors).errors.length).toBeGreaterThanOrEqual(2);
      expect((e as Error).message).not.toContain('far-too-long-secret');
      expect((e as Error).message).toContain('keepalived.config(options).config.vrrpInstances[0].priority');
    }
  });

  it('one file resource: mode 0640, auth_pass as a secret, notifies reload then health', () => {
    const role = keepalived.config({ config: cfg });
    expect(role.resources).toHaveLength(1);
    const r = role.resources[0]!;
    expect(r.id).toBe('keepalived config /etc/keepalived/keepalived.conf');
    expect(r.secrets).toEqual([PASS]);
    expect(r.notify).toEqual([RELOAD_HANDLER, HEALTH_HANDLER]);
    expect(Object.keys(role.handlers ?? {})).toEqual([RELOAD_HANDLER, HEALTH_HANDLER]);
    expect(role.handlers?.[RELOAD_HANDLER]?.id).toBe('reload keepalived');
    expect(JSON.stringify(Object.values(role.handlers ?? {}).map((h) => h.id))).not.toContain('restart');
  });

  it('the diff shows the config with auth_pass redacted, before and after', () => {
    const built = keepalivedConfigResources({ config: cfg, path: '/etc/keepalived/keepalived.conf', binary: '/usr/sbin/keepalived', field: 'c' });
    expect(built.text).toContain(`auth_pass ${PASS}`);
    const r = built.resources[0]!;
    const old = built.text.replace('priority 150', 'priority 140');
    const file = { type: 'file' as const, mode: 0o640, uid: 0, gid: 0, user: 'root', group: 'root', size: old.length, sha256: 'x'.repeat(64), content: Buffer.from(old) };
    const cur = { file, drained: [] }; // the file and the drained real servers recorded on the director
    const change = r.plan(cur);
    expect(change).not.toBeNull();
    const d = r.diff!(cur, change);
    expect(d.before + d.after).not.toContain(PASS);
    expect(d.after).toContain('auth_pass ********');
    expect(d.before).toContain('priority 140');
    expect(d.after).toContain('priority 150');
  });

  it('renders the same bytes for the same input', () => {
    const a = keepalivedConfigResources({ config: cfg, path: '/x.conf', binary: '/usr/sbin/keepalived', field: 'c' }).text;
    const b = keepalivedConfigResources({ config: JSON.parse(JSON.stringify(cfg)), path: '/x.conf', binary: '/usr/sbin/keepalived', field: 'c' }).text;
    expect(a).toBe(b);
  });
});

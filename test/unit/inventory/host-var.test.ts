/**
 * Typed host variables (`host.var(name, schema[, default])`): a missing or mistyped variable is the
 * inventory's problem, reported before any host is contacted (selection), all problems at once.
 */
import { describe, expect, it } from 'vitest';
import { LvsError, ValidationErrors } from '../../../src/errors.js';
import { inventory } from '../../../src/inventory/define.js';
import { resolveInventory } from '../../../src/inventory/resolve.js';
import { selectHosts } from '../../../src/inventory/pattern.js';
import { play, playbook } from '../../../src/dsl/play.js';
import { selectPlaybook } from '../../../src/run/select.js';
import { ipv4, z } from '../../../src/kit/index.js';
import site from '../../../playbooks/site.js';
import type { InventorySpec, Playbook } from '../../../src/types.js';

const FILE = 'inventory/lab.ts';

function problems(pb: Playbook, spec: InventorySpec, extraVars?: Record<string, unknown>): string[] {
  const inv = resolveInventory(spec, { source: FILE, ...(extraVars ? { extraVars } : {}) });
  try {
    selectPlaybook(pb, { file: 'playbooks/site.ts', select: (p) => selectHosts(inv, p) });
  } catch (e) {
    expect(e).toBeInstanceOf(LvsError);
    return e instanceof ValidationErrors ? e.errors.map((x) => x.message) : [(e as Error).message];
  }
  return [];
}

const cluster = (over: { vip?: unknown; lvs1?: Record<string, unknown>; lvs2?: Record<string, unknown> } = {}): InventorySpec =>
  inventory({
    vars: 'vip' in over ? (over.vip === undefined ? {} : { vip: over.vip }) : { vip: '10.77.0.10' },
    connection: { type: 'local' },
    groups: {
      directors: {
        vars: { keepalived_tarball: '/srv/keepalived_2.2.7.orig.tar.gz' },
        hosts: {
          lvs1: { address: '10.77.0.11', vars: over.lvs1 ?? { vrrp: { state: 'MASTER', priority: 150 } } },
          lvs2: { address: '10.77.0.12', vars: over.lvs2 ?? { vrrp: { state: 'BACKUP', priority: 100 } } },
        },
      },
      linux_realservers: { hosts: { rs1: { address: '10.77.0.21' } } },
      windows: { hosts: {} },
    },
  });

describe('host.var on the reference site', () => {
  it('a good inventory selects (no problem)', () => {
    expect(problems(site, cluster())).toEqual([]);
  });

  it('a missing vrrp: one error naming the file, the host, the variable and what to set', () => {
    const out = problems(site, cluster({ lvs1: {} }));
    expect(out).toEqual([
      'inventory/lab.ts: host lvs1: variable "vrrp" is missing\n  fix: set vrrp: { state: MASTER, priority: 150 } on the host or one of its groups (directors)',
    ]);
  });

  it('a mistyped field of vrrp: the field, the allowed values, where it is set; not "Expected number, received nan"', () => {
    const out = problems(site, cluster({ lvs2: { vrrp: { state: 'BACKUP', priority: 'high' } } }));
    expect(out).toEqual([
      'inventory/lab.ts: host lvs2: variable "vrrp.priority" is invalid: expected number, got string (got "high")\n  fix: set vrrp: { state: MASTER, priority: 150 } (it is set on host lvs2)',
    ]);
    expect(out.join('\n')).not.toMatch(/nan|vrrpInstances/);
  });

  it('every problem at once, each once (the vip is read by every host and every play)', () => {
    const out = problems(site, cluster({ vip: undefined, lvs1: {}, lvs2: { vrrp: { state: 'MASTR', priority: 100 } } }));
    expect(out).toEqual([
      'inventory/lab.ts: host rs1: variable "vip" is missing\n  fix: set vip: 10.77.0.10 on the host or one of its groups (linux_realservers)',
      // the same problem with the same fix on several hosts: one error naming them
      'inventory/lab.ts: hosts lvs1, lvs2: variable "vip" is missing\n  fix: set vip: 10.77.0.10 on the host or one of its groups (directors)',
      'inventory/lab.ts: host lvs1: variable "vrrp" is missing\n  fix: set vrrp: { state: MASTER, priority: 150 } on the host or one of its groups (directors)',
      'inventory/lab.ts: host lvs2: variable "vrrp.state" is invalid: use one of: MASTER, BACKUP (got "MASTR")\n  fix: set vrrp: { state: MASTER, priority: 150 } (it is set on host lvs2)',
    ]);
  });

  it('a mistyped vip names the address rule, not "invalid IPv4 \'\'" from inside a role', () => {
    const out = problems(site, cluster({ vip: '10.77.0' }));
    // set once (in the inventory vars): one error for every host that reads it
    expect(out).toEqual([
      'inventory/lab.ts: hosts rs1, lvs1, lvs2: variable "vip" is invalid: an IPv4 address in dotted form, e.g. 10.77.0.10 (no prefix length, no host name) (got "10.77.0")\n  fix: set vip: 10.77.0.10 (it is set in the inventory vars)',
    ]);
  });

  it('a bad -e value is named as coming from -e', () => {
    const out = problems(site, cluster(), { vrrp_router_id: 300 });
    expect(out).toEqual([
      // first read by the directors' base play (unicast or not decides the firewall's VRRP rules)
      '-e: hosts lvs1, lvs2: variable "vrrp_router_id" is invalid: a VRRP router id is 1-255 (got 300)\n  fix: set vrrp_router_id: 51 (it is set by -e)',
    ]);
  });
});

describe('the reference site: secrets from the environment', () => {
  it('an empty $LVS_VRRP_PASS is no password: the inventory\'s vrrp_auth_pass is used, never silently no auth', () => {
    const old = process.env.LVS_VRRP_PASS;
    process.env.LVS_VRRP_PASS = '';
    try {
      const spec = cluster();
      const inv = resolveInventory({ ...spec, vars: { ...spec.vars, vrrp_auth_pass: 'pw1234' } }, { source: FILE });
      const plays = selectPlaybook(site, { file: 'playbooks/site.ts', select: (p) => selectHosts(inv, p) });
      const rollout = plays.find((p) => p.play.name === 'keepalived rollout')!;
      const secrets = rollout.perHost.get('lvs1')!.tasks.flatMap((t) => t.resource.secrets ?? []);
      expect(secrets).toContain('pw1234');
    } finally {
      if (old === undefined) delete process.env.LVS_VRRP_PASS;
      else process.env.LVS_VRRP_PASS = old;
    }
  });
});

describe('host.var', () => {
  const inv = resolveInventory(inventory({ vars: { n: 3, pass: 'hunter2', list: ['a'] }, hosts: { h: { address: '10.77.0.50' } } }), { source: FILE });
  const h = inv.hosts[0]!;

  it('typed by the schema; a default when missing; an optional schema yields undefined', () => {
    const n: number = h.var('n', z.number());
    const d: string = h.var('absent', z.string(), 'dflt');
    const o: string | undefined = h.var('absent', z.string().optional());
    expect([n, d, o]).toEqual([3, 'dflt', undefined]);
  });

  it('outside a selection it throws at once (exit 4 class: E_INVENTORY), never printing a secret-named value', () => {
    expect(() => h.var('vip', ipv4)).toThrow(/host h: variable "vip" is missing\n {2}fix: set vip: 10\.77\.0\.10 on the host or in the inventory vars/);
    try {
      h.var('pass', z.number());
      expect.unreachable();
    } catch (e) {
      expect((e as LvsError).code).toBe('E_INVENTORY');
      expect((e as Error).message).not.toContain('hunter2');
    }
  });

  it('play vars sit below the inventory and are typed too', () => {
    const pb = playbook('p', [play('p', { hosts: 'all', vars: { port: 'eighty', n: 'x' } }, (host) => [host.var('port', z.number()) && host.var('n', z.number()) ? [] : []].flat())]);
    const out = problems(pb, inventory({ vars: { n: 3 }, connection: { type: 'local' }, hosts: { h: { address: '10.77.0.50' } } }));
    expect(out).toEqual(['inventory/lab.ts: host h: variable "port" is invalid: expected number, got string (got "eighty")\n  fix: set port: 1 (it is set in the play vars)']);
  });
});

describe('--list-hosts needs no host vars', () => {
  it('resolves every play\'s hosts without building a task (a missing vrrp and tarball stop only a run)', () => {
    const spec = cluster({ lvs1: {}, lvs2: {} });
    const inv = resolveInventory(spec, { source: FILE });
    const plays = selectPlaybook(site, { file: 'playbooks/site.ts', select: (p) => selectHosts(inv, p), hostsOnly: true });
    expect(plays.find((p) => p.play.name === 'keepalived rollout')?.hosts.map((h) => h.name).sort()).toEqual(['lvs1', 'lvs2']);
    expect(plays.every((p) => p.perHost.size === 0)).toBe(true);
    expect(problems(site, spec)).not.toEqual([]);
  });
});

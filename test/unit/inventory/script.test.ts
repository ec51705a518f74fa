/** Inventory scripts: what they print becomes the inventory; failures are clear errors (exit 4), never a hang. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/load.js';
import { loadFailure } from './tree.js';

const scripts = join(import.meta.dirname, 'fixtures/scripts');


describe('-i SCRIPT', () => {
  const old = process.env['LVS_PLAY_INVENTORY_TIMEOUT'];
  afterEach(() => {
    if (old === undefined) delete process.env['LVS_PLAY_INVENTORY_TIMEOUT'];
    else process.env['LVS_PLAY_INVENTORY_TIMEOUT'] = old;
  });

  it('groups, children, vars and _meta host vars map to hosts, groups and connections', async () => {
    const inv = await loadInventory(join(scripts, 'meta.sh'), { cwd: scripts });
    expect(inv.groups['lb']).toEqual(['lvs1', 'lvs2']);
    expect(inv.groups['web']).toEqual(['rs1', 'win1']);
    expect(inv.groups['ungrouped']).toEqual(['loner']);
    const lvs2 = inv.hosts.find((h) => h.name === 'lvs2')!;
    expect(lvs2.address).toBe('192.0.2.15');
    expect(lvs2.connection).toMatchObject({ type: 'ssh', port: 2222 });
    expect(lvs2.vars).toMatchObject({ vip: '192.0.2.10', vrrp_interface: 'eth1', vrrp: { state: 'BACKUP' } });
    expect(inv.hosts.find((h) => h.name === 'win1')!.connection.type).toBe('winrm');
  });

  it('without _meta: --host NAME per host', async () => {
    const inv = await loadInventory(join(scripts, 'nometa.sh'), { cwd: scripts });
    expect(inv.hosts.map((h) => [h.name, h.address])).toEqual([['lvs1', '192.0.2.14'], ['lvs2', '192.0.2.15'], ['rs1', 'rs1']]);
    expect(inv.hosts[0]?.vars['vrrp']).toEqual({ state: 'MASTER', priority: 150 });
  });

  it('a failing script: its exit code and the tail of its stderr', async () => {
    const e = await loadFailure(loadInventory(join(scripts, 'failing.sh'), { cwd: scripts }));
    expect(e.code).toBe('E_INVENTORY');
    expect(e.message).toContain('failing.sh --list');
    expect(e.message).toContain('exited with 3: connecting to the CMDB | cmdb.example: connection refused');
  });

  it('bad JSON: named by line and column', async () => {
    const e = await loadFailure(loadInventory(join(scripts, 'badjson.sh'), { cwd: scripts }));
    expect(e.message).toMatch(/badjson\.sh --list: invalid JSON at line 2, column \d+/);
  });

  it('past its timeout: killed, a clear error', async () => {
    process.env['LVS_PLAY_INVENTORY_TIMEOUT'] = '0.3';
    const t0 = Date.now();
    const e = await loadFailure(loadInventory(join(scripts, 'slow.sh'), { cwd: scripts }));
    expect(e.message).toContain('did not finish within 0.3 s');
    expect(e.message).toContain('LVS_PLAY_INVENTORY_TIMEOUT');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

/**
 * status and IPVS connection sync: the sync daemons (`ipvsadm -L --daemon`), the connections a
 * director holds (`ipvsadm -L -n -c`, counted per state on the host), lvs_sync_daemon in
 * keepalived.conf, the `IPVS sync:` line and the sync-down problem. Fixtures as ipvsadm 1.31 prints.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/status/collect.js';
import { parseDirector } from '../../../src/status/facts.js';
import { parseKeepalivedConf } from '../../../src/status/keepalived-conf.js';
import { renderStatus } from '../../../src/status/render.js';
import { CONN_STATES_PIPE, parseConnStates, parseSyncDaemons, syncLine } from '../../../src/status/sync.js';
import { CONF, IPVS_CONNS, SYNCD_BACKUP, SYNCD_MASTER, directorOut } from './fixtures.js';

const SYNC_CONF = CONF.replace('    router_id lvs1\n', '    router_id lvs1\n    lvs_sync_daemon eth0 VI_1 id 51\n');
/** What CONN_STATES_PIPE prints for IPVS_CONNS (checked below by running it). */
const COUNTS = '      2 ESTABLISHED\n      1 FIN_WAIT\n      1 NONE\n';

function report(lvs1: Parameters<typeof directorOut>[0], lvs2: Parameters<typeof directorOut>[0]) {
  const d = (name: string, address: string, out: string) => ({ name, address, facts: parseDirector(out), error: null });
  return buildReport({
    directors: [d('lvs1', '10.77.0.14', directorOut({ vip: true, ...lvs1 })), d('lvs2', '10.77.0.15', directorOut({ pid: 2345, ...lvs2 }))],
    realServers: [],
    inventoryVips: ['10.77.0.10'],
    inventory: 'inventory/lab.ts',
    takenAt: '2026-12-07T01:40:00.000Z',
    durationMs: 300,
  });
}

describe('status: IPVS sync parsers', () => {
  it('ipvsadm -L --daemon: master and backup daemons with their interface and sync id (older ipvsadm: fewer fields)', () => {
    expect(parseSyncDaemons(SYNCD_MASTER + SYNCD_BACKUP)).toEqual([
      { role: 'master', interface: 'eth0', syncId: 51, options: { maxlen: '1472', group: '224.0.0.81', port: '8848', ttl: '1' } },
      { role: 'backup', interface: 'eth0', syncId: 51, options: { maxlen: '1472', group: '224.0.0.81', port: '8848', ttl: '1' } },
    ]);
    expect(parseSyncDaemons('master sync daemon (mcast=bond0, syncid=7)\n')).toEqual([{ role: 'master', interface: 'bond0', syncId: 7, options: {} }]);
    expect(parseSyncDaemons('')).toEqual([]);
  });

  it('the host-side count of ipvsadm -L -n -c per state (the pipe itself, run on the fixture), parsed', () => {
    expect(execFileSync('sh', ['-c', String(CONN_STATES_PIPE)], { input: IPVS_CONNS, encoding: 'utf8' })).toBe(COUNTS);
    expect(execFileSync('sh', ['-c', String(CONN_STATES_PIPE)], { input: IPVS_CONNS.split('\n').slice(0, 2).join('\n'), encoding: 'utf8' })).toBe('');
    expect(parseConnStates(COUNTS)).toEqual({ total: 4, byState: { ESTABLISHED: 2, FIN_WAIT: 1, NONE: 1 } });
  });

  it('keepalived.conf: lvs_sync_daemon in global_defs (with or without the `inst` word)', () => {
    expect(parseKeepalivedConf(SYNC_CONF).syncDaemon).toEqual({ interface: 'eth0', instance: 'VI_1' });
    expect(parseKeepalivedConf(CONF.replace('    router_id lvs1\n', '    router_id lvs1\n    lvs_sync_daemon eth1 inst VI_2\n')).syncDaemon).toEqual({ interface: 'eth1', instance: 'VI_2' });
    expect(parseKeepalivedConf(CONF).syncDaemon).toBeNull();
  });
});

describe('status: the IPVS sync line', () => {
  it('MASTER sending, BACKUP receiving and holding the synced connections', () => {
    const r = report({ conf: SYNC_CONF, syncd: SYNCD_MASTER, conns: COUNTS }, { conf: SYNC_CONF, syncd: SYNCD_BACKUP, conns: COUNTS });
    expect(r.directors[1]!.sync).toEqual({ configured: true, available: true, reason: null, daemons: [{ role: 'backup', interface: 'eth0', syncId: 51 }], connections: 4, byState: { ESTABLISHED: 2, FIN_WAIT: 1, NONE: 1 } });
    expect(syncLine(r.directors)).toBe('IPVS sync: lvs1 master (eth0, syncid 51), 4 connections; lvs2 backup (eth0, syncid 51), 4 connections (synced)');
    expect(renderStatus(r)).toContain('\nIPVS sync: lvs1 master (eth0, syncid 51), 4 connections; lvs2 backup');
    expect(r.problems).toEqual([]);
  });

  it('the netns lab (no IPVS): not available (no IPVS)', () => {
    const r = report({ ipvs: null }, { ipvs: null });
    expect(syncLine(r.directors)).toBe('IPVS sync: not available (no IPVS)');
    expect(renderStatus(r)).toContain('IPVS sync: not available (no IPVS)');
    expect(r.directors[0]!.sync).toMatchObject({ available: false, reason: 'not available (no IPVS)', connections: null });
  });

  it('IPVS without lvs_sync_daemon: said so; configured but no daemon running: the sync-down problem', () => {
    const plain = report({}, {});
    expect(syncLine(plain.directors)).toBe('IPVS sync: lvs1 no sync daemon, 0 connections; lvs2 no sync daemon, 0 connections (lvs_sync_daemon not configured)');
    expect(plain.problems).toEqual([]);
    const down = report({ conf: SYNC_CONF, syncd: SYNCD_MASTER }, { conf: SYNC_CONF });
    expect(down.problems.map((p) => `${p.id}@${p.host}`)).toEqual(['sync-down@lvs2']);
    expect(down.problems[0]!.message).toContain('lose the open connections');
  });
});

import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/status/collect.js';
import { parseDirector, parseLinuxRealServer } from '../../../src/status/facts.js';
import { pointsOf, serviceLabels, type Point } from '../../../src/exporter/points.js';
import { Retainer } from '../../../src/exporter/retain.js';
import { exporterRegistry, metricsText } from '../../../src/exporter/registry.js';
import { METRICS } from '../../../src/exporter/metrics.js';
import { parseExporterArgs } from '../../../src/cli/exporter.js';
import { CONF, SYNCD_BACKUP, SYNCD_MASTER, directorOut, linuxRsOut } from '../status/fixtures.js';

function report(o: { lvs1Down?: boolean; drained?: string } = {}) {
  const d = (name: string, address: string, out: string | null) => ({ name, address, facts: out === null ? null : parseDirector(out), error: out === null ? 'connect ETIMEDOUT' : null });
  const r = (name: string, address: string, out: string) => ({ name, address, os: 'linux' as const, facts: parseLinuxRealServer(out), error: null });
  return buildReport({
    directors: [d('lvs1', '10.77.0.14', o.lvs1Down ? null : directorOut({ vip: true, ...(o.drained ? { drained: o.drained } : {}) })), d('lvs2', '10.77.0.15', directorOut({ pid: 2345 }))],
    realServers: [r('rs1', '10.77.0.16', linuxRsOut()), r('rs2', '10.77.0.17', linuxRsOut({ address: '10.77.0.17' }))],
    inventoryVips: ['10.77.0.10'],
    inventory: 'inventory/lab.ts',
    takenAt: '2026-11-29T06:40:12.000Z',
    durationMs: 420,
  });
}
const stats = new Map(['lvs1', 'lvs2', 'rs1', 'rs2'].map((h) => [h, { ms: 40, reads: 3 }]));
const find = (ps: readonly Point[], metric: string, labels: Record<string, string>) => ps.filter((p) => p.metric === metric && Object.entries(labels).every(([k, v]) => p.labels[k] === v));
const value = (ps: readonly Point[], metric: string, labels: Record<string, string>) => {
  const f = find(ps, metric, labels);
  expect(f, `${metric} ${JSON.stringify(labels)}`).toHaveLength(1);
  return f[0]!.value;
};

describe('exporter points', () => {
  const ps = pointsOf(report(), stats);

  it('VRRP state set, VIP holder, keepalived, host up and read duration', () => {
    expect(value(ps, 'lvs_vrrp_state', { director: 'lvs1', instance: 'VI_1', state: 'MASTER' })).toBe(1);
    expect(value(ps, 'lvs_vrrp_state', { director: 'lvs1', instance: 'VI_1', state: 'BACKUP' })).toBe(0);
    expect(value(ps, 'lvs_vrrp_state', { director: 'lvs2', instance: 'VI_1', state: 'BACKUP' })).toBe(1);
    expect(value(ps, 'lvs_vip_holder', { vip: '10.77.0.10', host: 'lvs1' })).toBe(1);
    expect(value(ps, 'lvs_vip_holder', { vip: '10.77.0.10', host: 'lvs2' })).toBe(0);
    expect(value(ps, 'lvs_keepalived_up', { director: 'lvs2' })).toBe(1);
    expect(value(ps, 'lvs_host_up', { host: 'rs2', role: 'real_server' })).toBe(1);
    expect(value(ps, 'lvs_read_duration_seconds', { host: 'lvs1' })).toBe(0.04);
    expect(value(ps, 'lvs_host_reads_total', { host: 'lvs1' })).toBe(3);
  });

  it('IPVS per director, service and real server (by inventory name): connections, counters by direction, weight, health', () => {
    const l = { director: 'lvs1', vip: '10.77.0.10', port: '80', protocol: 'TCP', real_server: 'rs1' };
    expect(value(ps, 'lvs_ipvs_connections', { ...l, state: 'active' })).toBe(2);
    expect(value(ps, 'lvs_ipvs_connections', { ...l, state: 'inactive' })).toBe(40);
    expect(value(ps, 'lvs_ipvs_connections_total', l)).toBe(150);
    expect(value(ps, 'lvs_ipvs_packets_total', { ...l, direction: 'in' })).toBe(1050);
    expect(value(ps, 'lvs_ipvs_bytes_total', { ...l, direction: 'in' })).toBe(67500);
    expect(value(ps, 'lvs_ipvs_bytes_total', { ...l, direction: 'out' })).toBe(0);
    expect(value(ps, 'lvs_real_server_weight', { ...l, real_server: 'rs2' })).toBe(1);
    expect(value(ps, 'lvs_real_server_configured_weight', { director: 'lvs1', real_server: 'rs1' })).toBe(3);
    expect(value(ps, 'lvs_real_server_healthy', { director: 'lvs1', real_server: 'rs2' })).toBe(1);
    expect(value(ps, 'lvs_real_server_drained', { real_server: 'rs1' })).toBe(0);
    expect(value(ps, 'lvs_problems', { kind: 'two-masters' })).toBe(0);
    expect(find(ps, 'lvs_problems', {})).toHaveLength(15);
  });

  it('drained and fwmark/IPv6 services', () => {
    const d = pointsOf(report({ drained: '10.77.0.16 host=rs1' }), stats);
    expect(value(d, 'lvs_real_server_drained', { real_server: 'rs1' })).toBe(1);
    expect(serviceLabels('FWM', '7')).toEqual({ vip: 'fwmark:7', port: '', protocol: 'FWM' });
    expect(serviceLabels('TCP', '[2001:db8::1]:443')).toEqual({ vip: '2001:db8::1', port: '443', protocol: 'TCP' });
  });

  it('a director that stops answering keeps its series: host_up 0, gauges NaN, VRRP UNKNOWN, counters at their last value', () => {
    const keep = new Retainer();
    keep.merge(ps);
    const down = keep.merge(pointsOf(report({ lvs1Down: true }), stats));
    expect(value(down, 'lvs_host_up', { host: 'lvs1' })).toBe(0);
    expect(value(down, 'lvs_vrrp_state', { director: 'lvs1', state: 'UNKNOWN' })).toBe(1);
    expect(value(down, 'lvs_vrrp_state', { director: 'lvs1', state: 'MASTER' })).toBe(0);
    expect(value(down, 'lvs_keepalived_up', { director: 'lvs1' })).toBeNaN();
    expect(value(down, 'lvs_vip_holder', { vip: '10.77.0.10', host: 'lvs1' })).toBeNaN();
    expect(value(down, 'lvs_ipvs_connections_total', { director: 'lvs1', real_server: 'rs1' })).toBe(150);
    expect(value(down, 'lvs_ipvs_connections', { director: 'lvs1', real_server: 'rs1', state: 'active' })).toBeNaN();
    expect(value(down, 'lvs_vrrp_state', { director: 'lvs2', state: 'BACKUP' })).toBe(1); // lvs2's fresh
    const back = keep.merge(ps);
    expect(value(back, 'lvs_vrrp_state', { director: 'lvs1', state: 'MASTER' })).toBe(1);
    expect(find(back, 'lvs_vrrp_state', { director: 'lvs1', state: 'UNKNOWN' })[0]!.value).toBe(0);
  });
});

describe('exporter registry (prom-client)', () => {
  it('the text format with every metric\'s HELP and TYPE, values of the last sample', async () => {
    let current: Point[] = [];
    const reg = exporterRegistry(() => current);
    const keep = new Retainer();
    current = keep.merge(pointsOf(report(), stats));
    const text = await reg.metrics();
    for (const [name, def] of Object.entries(METRICS)) expect(text).toContain(`# TYPE ${name} ${def.type}`);
    expect(text).toContain('lvs_vip_holder{vip="10.77.0.10",host="lvs1"} 1');
    expect(text).toContain('lvs_ipvs_connections_total{director="lvs1",vip="10.77.0.10",port="80",protocol="TCP",real_server="rs1"} 150');
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    current = keep.merge(pointsOf(report({ lvs1Down: true }), stats));
    const down = await metricsText(reg);
    expect(down).toContain('lvs_host_up{host="lvs1",role="director"} 0');
    expect(down).toContain('lvs_keepalived_up{director="lvs1"} NaN');
  });
});

describe('exporter options', () => {
  it('defaults to loopback 9469 and 15 s; rejects bad values before anything is read', () => {
    expect(parseExporterArgs(['-i', 'lab'])).toMatchObject({ listen: { host: '127.0.0.1', port: 9469 }, intervalMs: 15_000 });
    expect(parseExporterArgs(['-i', 'lab', '--listen', '[::1]:9100', '--interval', '1m'])).toMatchObject({ listen: { host: '::1', port: 9100 }, intervalMs: 60_000 });
    expect(parseExporterArgs(['-i', 'lab', '--listen', '9470'])).toMatchObject({ listen: { host: '127.0.0.1', port: 9470 } });
    expect(() => parseExporterArgs(['-i', 'lab', '--listen', 'localhost:80'])).toThrow(/--listen takes/);
    expect(() => parseExporterArgs(['-i', 'lab', '--listen', '127.0.0.1:70000'])).toThrow(/--listen takes/);
    expect(() => parseExporterArgs(['-i', 'lab', '--interval', '0.1s'])).toThrow(/--interval/);
    expect(() => parseExporterArgs([])).toThrow(/no inventory/);
    expect(() => parseExporterArgs(['-i', 'lab', '--bogus'])).toThrow(/bogus/);
  });
});

describe('lvs_sync_daemon_up', () => {
  const SYNC_CONF = CONF.replace('    router_id lvs1\n', '    router_id lvs1\n    lvs_sync_daemon eth0 VI_1 id 51\n');
  const sync = (lvs1: Parameters<typeof directorOut>[0], lvs2: Parameters<typeof directorOut>[0]) => {
    const d = (name: string, address: string, out: string) => ({ name, address, facts: parseDirector(out), error: null });
    return pointsOf(buildReport({
      directors: [d('lvs1', '10.77.0.14', directorOut({ vip: true, ...lvs1 })), d('lvs2', '10.77.0.15', directorOut({ pid: 2345, ...lvs2 }))],
      realServers: [], inventoryVips: ['10.77.0.10'], inventory: 'inventory/lab.ts', takenAt: '2026-12-07T01:40:00.000Z', durationMs: 300,
    }), stats);
  };

  it('per director and role where sync is configured: the MASTER sends, the BACKUP receives; a missing daemon is 0', () => {
    const ps = sync({ conf: SYNC_CONF, syncd: SYNCD_MASTER }, { conf: SYNC_CONF, syncd: SYNCD_BACKUP });
    expect(value(ps, 'lvs_sync_daemon_up', { director: 'lvs1', role: 'master' })).toBe(1);
    expect(value(ps, 'lvs_sync_daemon_up', { director: 'lvs1', role: 'backup' })).toBe(0);
    expect(value(ps, 'lvs_sync_daemon_up', { director: 'lvs2', role: 'backup' })).toBe(1);
    expect(value(ps, 'lvs_sync_daemon_up', { director: 'lvs2', role: 'master' })).toBe(0);
    const down = sync({ conf: SYNC_CONF, syncd: SYNCD_MASTER }, { conf: SYNC_CONF });
    expect(find(down, 'lvs_sync_daemon_up', { director: 'lvs2' }).map((p) => p.value)).toEqual([0, 0]);
    expect(value(down, 'lvs_problems', { kind: 'sync-down' })).toBe(1);
  });

  it('absent where sync is neither configured nor running, and without IPVS', () => {
    expect(find(sync({}, {}), 'lvs_sync_daemon_up', {})).toEqual([]);
    expect(find(sync({ conf: SYNC_CONF, ipvs: null }, { conf: SYNC_CONF, ipvs: null }), 'lvs_sync_daemon_up', {})).toEqual([]);
  });
});

describe('docs/operate.md', () => {
  it('lists every metric with its labels', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../../docs/operate.md', import.meta.url), 'utf8');
    for (const [name, def] of Object.entries(METRICS)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row, name).toBeDefined();
      for (const l of def.labels) expect(row, `${name} ${l}`).toContain(`\`${l}\``);
    }
  });
});

describe('status --serve options', () => {
  it('loopback 9470 by default, an explicit address, refusals', async () => {
    const { parseStatusArgs } = await import('../../../src/cli/status.js');
    expect(parseStatusArgs(['-i', 'lab', '--serve'])).toMatchObject({ serve: { host: '127.0.0.1', port: 9470 }, watch: null });
    expect(parseStatusArgs(['-i', 'lab', '--serve', '--watch', '1'])).toMatchObject({ serve: { host: '127.0.0.1', port: 9470 }, watch: 1 });
    expect(parseStatusArgs(['--serve', '0.0.0.0:8080', '-i', 'lab'])).toMatchObject({ serve: { host: '0.0.0.0', port: 8080 } });
    expect(() => parseStatusArgs(['-i', 'lab', '--serve', 'example.com:80'])).toThrow(/--serve takes/);
  });
});

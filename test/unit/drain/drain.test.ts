import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ipvsEntriesOf, setRealServerWeight } from '../../../roles/drain/weights.js';
import { drain, drainWait, realServerMaintenance, undrain } from '../../../roles/drain/index.js';
import { keepalivedConfigResources } from '../../../roles/keepalived/config.js';
import { parseWait } from '../../../src/cli/drain.js';
import { selectPlaybook } from '../../../src/run/select.js';
import { playbook } from '../../../src/dsl/play.js';
import { renderKeepalivedConf } from '../../../roles/keepalived/render.js';
import type { Fact, HostView } from '../../../src/types.js';
import { makeHostView } from '../../../src/inventory/host-view.js';
import { CONF } from '../status/fixtures.js';

describe('drain: keepalived.conf weights', () => {
  it('sets the weight of one real server only, keeps everything else byte for byte', () => {
    const e = setRealServerWeight(CONF, '10.77.0.16', 0);
    expect(e.found).toBe(1);
    expect(e.before).toEqual([3]);
    expect(e.text.split('\n').filter((l, i) => l !== CONF.split('\n')[i])).toEqual(['        weight 0']);
    expect(setRealServerWeight(e.text, '10.77.0.16', 3).text).toBe(CONF);
  });

  it('inserts a weight line where the block has none; an unknown address changes nothing', () => {
    const conf = 'virtual_server 10.0.0.1 80 {\n    real_server 10.0.0.2 80 {\n        TCP_CHECK {\n            weight_not 5\n        }\n    }\n}\n';
    const e = setRealServerWeight(conf, '10.0.0.2', 0);
    expect(e.text).toContain('    real_server 10.0.0.2 80 {\n        weight 0\n        TCP_CHECK {');
    expect(setRealServerWeight(conf, '10.0.0.9', 0)).toEqual({ text: conf, found: 0, before: [] });
  });

  it('ipvsadm -S -n entries of one address (any port, every service)', () => {
    const save = '-A -t 10.77.0.10:80 -s wrr\n-a -t 10.77.0.10:80 -r 10.77.0.16:80 -g -w 3\n-a -t 10.77.0.10:80 -r 10.77.0.17:80 -g -w 1\n-A -t 10.77.0.10:443 -s wrr\n-a -t 10.77.0.10:443 -r 10.77.0.16:443 -g -w 3\n';
    expect(ipvsEntriesOf(save, '10.77.0.16').map((e) => `${e.kind} ${e.service} ${e.real} ${e.forward} ${e.weight}`)).toEqual([
      '-t 10.77.0.10:80 10.77.0.16:80 -g 3',
      '-t 10.77.0.10:443 10.77.0.16:443 -g 3',
    ]);
  });

  it('--wait durations', () => {
    expect([parseWait('60s'), parseWait('2m'), parseWait('90'), parseWait('0')]).toEqual([60, 120, 90, 0]);
    expect(() => parseWait('soon')).toThrow(/--wait takes a duration/);
  });
});

describe('drain: roles', () => {
  it('drain = record, live IPVS weight 0, keepalived.conf weight 0 (+ reload); undrain the reverse', () => {
    expect(drain({ address: '10.77.0.16', host: 'rs1' }).resources.map((r) => r.kind)).toEqual(['drain-mark', 'ipvs-weight', 'keepalived-weight']);
    expect(undrain({ address: '10.77.0.16', host: 'rs1', weight: 3 }).resources.map((r) => r.id)).toEqual([
      'keepalived.conf weight 10.77.0.16 (rs1) = 3',
      'IPVS weight 10.77.0.16 (rs1) = 3',
      'drained mark 10.77.0.16 (rs1)',
      '10.77.0.16 (rs1) back in IPVS with weight 3, waiting at most 30 s',
    ]);
    expect(() => drain({ address: 'rs1', host: 'rs1' })).toThrow(/IPv4/);
    expect(drainWait({ address: '10.77.0.16', host: 'rs1' }).resources[0]!.note!({ ipvs: true, listed: true, drained: true, active: 2, waitedMs: 60_000 } as never)).toBe('2 active connection(s) remained after the 60 s wait');
  });

  it('realServerMaintenance: serial 1; per host drain and wait on every director, the tasks, undrain', () => {
    const mk = (name: string, address: string, groups: string[], vars: Record<string, unknown> = {}): HostView =>
      makeHostView({ name, address, groups, vars, connection: { type: 'ssh' } }, { source: 'test', group: (g) => (g === 'directors' ? directors : []) });
    const directors = [mk('lvs1', '10.77.0.14', ['directors']), mk('lvs2', '10.77.0.15', ['directors'])];
    const rs = [mk('rs1', '10.77.0.16', ['web'], { weight: 3 }), mk('rs2', '10.77.0.17', ['web'])];
    const p = realServerMaintenance({ hosts: 'web', tasks: () => [drain({ address: '10.0.0.1', host: 'stand-in task' })] });
    expect(p.options.serial).toBe(1);
    const [planned] = selectPlaybook(playbook('m', [p]), { file: 't', select: () => rs });
    expect(planned!.batches.map((b) => b.map((h) => h.name))).toEqual([['rs1'], ['rs2']]);
    const rows = planned!.perHost.get('rs1')!.tasks.map((t) => `${t.role}@${t.delegateTo?.name ?? 'self'}`);
    expect([...new Set(rows)]).toEqual(['drain@lvs1', 'drain@lvs2', 'drain wait@lvs1', 'drain wait@lvs2', 'drain@self', 'undrain@lvs1', 'undrain@lvs2']);
    expect(planned!.perHost.get('rs1')!.tasks.at(-1)!.resource.id).toBe('10.77.0.16 (rs1) back in IPVS with weight 3, waiting at most 30 s');
    expect(planned!.perHost.get('rs1')!.tasks.find((t) => t.role === 'undrain')!.resource.id).toBe('keepalived.conf weight 10.77.0.16 (rs1) = 3');
  });
});

describe('drain: the site keeps a drained real server at weight 0', () => {
  const config = {
    globalDefs: { routerId: 'lvs1' },
    vrrpInstances: [{ name: 'VI_1', state: 'MASTER', interface: 'eth0', virtualRouterId: 51, priority: 150, advertInt: 1, authentication: { type: 'PASS', pass: 'Secret1' }, virtualIpAddresses: ['10.77.0.10/32 dev eth0'] }],
    virtualServers: [{ vip: '10.77.0.10', port: 80, lbAlgo: 'wrr', lbKind: 'DR', protocol: 'TCP', realServers: [{ address: '10.77.0.16', port: 80, weight: 3 }, { address: '10.77.0.17', port: 80, weight: 1 }] }],
  };
  const { resources, text } = keepalivedConfigResources({ config, path: '/etc/keepalived/keepalived.conf', binary: '/usr/sbin/keepalived', field: 'config' });
  const conf = resources[0]! as unknown as { read: Fact<unknown>; plan(c: unknown): unknown; note(c: unknown): string | undefined; describe(c: unknown): string };
  const fileState = (content: string) => `type=file\nstat=640 0 0 root root ${content.length}\nsha256=${createHash('sha256').update(content).digest('hex')}\ncontent=${Buffer.from(content).toString('base64')}\n`;
  const read = (content: string, drained: string) => conf.read.parse({ code: 0, stdout: `${fileState(content)}@@LVS-DRAINED\n${drained}`, stderr: '' });

  it('no record: the rendered file as before', () => {
    expect(conf.plan(read(text, ''))).toBeNull();
    expect(conf.note(read(text, ''))).toBeUndefined();
  });

  it('rs1 recorded as drained: the file with weight 0 for it is as wanted, and the ok line says why', () => {
    const drainedText = renderKeepalivedConf({ ...config, virtualServers: [{ ...config.virtualServers[0]!, realServers: [{ ...config.virtualServers[0]!.realServers[0]!, weight: 0 }, config.virtualServers[0]!.realServers[1]!] }] } as never);
    expect(conf.plan(read(drainedText, '10.77.0.16 host=rs1 '))).toBeNull();
    expect(conf.note(read(drainedText, '10.77.0.16 host=rs1 '))).toMatch(/10\.77\.0\.16 kept at weight 0: drained \(lvs-play undrain restores it/);
    const c = conf.plan(read(text, '10.77.0.16 host=rs1 ')) as { content: Buffer };
    expect(c.content.toString()).toBe(drainedText);
    expect(conf.describe(c)).toMatch(/kept at weight 0/);
  });
});

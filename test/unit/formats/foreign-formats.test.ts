/**
 * One parser per foreign format, each read by every part that needs the format:
 *   keepalived.conf: parseKeepalivedStatements (src/formats) → status's summary and the drain role's weight edit
 *   ipvsadm -S -n:   parseIpvsadmSave (roles/ipvsadm) → the ipvsadm role and the drain role's live weights
 */
import { describe, expect, it } from 'vitest';
import { ipvsEntriesOf, setRealServerWeight } from '../../../roles/drain/weights.js';
import { renderKeepalivedConf } from '../../../roles/keepalived/render.js';
import { blocksNamed, parseKeepalivedStatements, valueIn } from '../../../src/formats/keepalived-conf.js';
import { parseKeepalivedConf } from '../../../src/status/keepalived-conf.js';
import { MIXED, SITE } from '../ipvsadm/fixtures.js';
import { CONF } from '../status/fixtures.js';

/** What the keepalived role renders for the site (two VIPs, two services, a sorry server). */
const RENDERED = renderKeepalivedConf({
  globalDefs: { routerId: 'lvs1' },
  vrrpInstances: [{ name: 'VI_1', state: 'MASTER', interface: 'eth0', virtualRouterId: 51, priority: 150, advertInt: 1, authentication: { type: 'PASS', pass: 'Secret1' }, virtualIpAddresses: ['10.77.0.10/32 dev eth0', '10.77.0.11/32 dev eth0'] }],
  virtualServers: [80, 443].map((port) => ({
    vip: '10.77.0.10',
    port,
    lbAlgo: 'wrr',
    lbKind: 'DR',
    protocol: 'TCP',
    realServers: [{ address: '10.77.0.16', port, weight: 3, tcpCheck: { connectTimeout: 3 } }, { address: '10.77.0.17', port, weight: 1 }],
  })),
} as never);

describe('keepalived.conf: one parser', () => {
  it('statements and blocks with their lines', () => {
    const top = parseKeepalivedStatements(CONF);
    const lines = CONF.split('\n');
    expect(top.map((s) => [s.keyword, s.args.join(' ')])).toEqual([['global_defs', ''], ['vrrp_instance', 'VI_1'], ['virtual_server', '10.77.0.10 80']]);
    for (const s of top) expect([lines[s.line]!.startsWith(`${s.keyword} `), lines[s.endLine!]]).toEqual([true, '}']);
    const rs = blocksNamed(top[2]!.block, 'real_server');
    expect(rs.map((r) => [r.args[0], lines[r.line]!.trim(), valueIn(r.block, 'weight'), lines[r.block![0]!.line]!.trim()])).toEqual([
      ['10.77.0.16', 'real_server 10.77.0.16 80 {', '3', 'weight 3'],
      ['10.77.0.17', 'real_server 10.77.0.17 80 {', '1', 'weight 1'],
    ]);
  });

  it('comments (# and !), one-line blocks, several statements on a brace line, an unclosed block', () => {
    const top = parseKeepalivedStatements('! a comment\nvirtual_server 10.0.0.1 80 { # trailing\n  real_server 10.0.0.2 80 { weight 5 }\n  protocol UDP\n');
    expect(top).toEqual([
      {
        keyword: 'virtual_server', args: ['10.0.0.1', '80'], line: 1, endLine: 4, // never closed: to the last line
        block: [
          { keyword: 'real_server', args: ['10.0.0.2', '80'], line: 2, endLine: 2, block: [{ keyword: 'weight', args: ['5'], line: 2 }] },
          { keyword: 'protocol', args: ['UDP'], line: 3 },
        ],
      },
    ]);
  });

  it('status and drain read the same text the same way (the rendered site config)', () => {
    const summary = parseKeepalivedConf(RENDERED);
    expect(summary.instances[0]!.vips).toEqual(['10.77.0.10', '10.77.0.11']);
    const weights = summary.virtualServers.flatMap((v) => v.realServers.filter((r) => r.address === '10.77.0.16').map((r) => r.weight));
    const edit = setRealServerWeight(RENDERED, '10.77.0.16', 0);
    expect([edit.found, edit.before]).toEqual([2, weights]);
    expect(parseKeepalivedConf(edit.text).virtualServers.flatMap((v) => v.realServers.map((r) => `${r.address}:${r.port} w${r.weight}`))).toEqual([
      '10.77.0.16:80 w0', '10.77.0.17:80 w1', '10.77.0.16:443 w0', '10.77.0.17:443 w1',
    ]);
    expect(setRealServerWeight(edit.text, '10.77.0.16', 3).text).toBe(RENDERED);
  });

  it('the weight in a one-line block is edited in place', () => {
    const text = 'virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 { weight 5 }\n}\n';
    expect(setRealServerWeight(text, '10.0.0.2', 0)).toEqual({ text: text.replace('weight 5', 'weight 0'), found: 1, before: [5] });
  });
});

describe('ipvsadm -S -n: one parser', () => {
  it('the drain role reads the ipvsadm role\'s parse: every spelling of service and address', () => {
    expect(ipvsEntriesOf(SITE, '10.77.0.16')).toEqual([{ kind: '-t', service: '10.77.0.10:80', real: '10.77.0.16:80', forward: '-g', weight: 3 }]);
    expect(ipvsEntriesOf(MIXED, '10.77.0.16').map((e) => `${e.kind} ${e.service} -r ${e.real} ${e.forward} -w ${e.weight}`)).toEqual([
      '-t 10.77.0.10:443 -r 10.77.0.16:443 -g -w 1',
      '-u 10.77.0.10:53 -r 10.77.0.16:5353 -m -w 2',
      '-f 7 -r 10.77.0.16:0 -g -w 1',
    ]);
    expect(ipvsEntriesOf(MIXED, '2001:db8:0::16').map((e) => `${e.kind} ${e.service} -r ${e.real} -w ${e.weight}`)).toEqual([
      '-t [2001:db8::10]:80 -r [2001:db8::16]:80 -w 1',
      '-f 8 -6 -r [2001:db8::16]:0 -w 5',
    ]);
  });

  it('a line it cannot read is an error naming the line (not a silently shorter list)', () => {
    expect(() => ipvsEntriesOf(`${SITE}-a -t 10.77.0.10:80 -r somehost:80 -g -w 1\n`, '10.77.0.16')).toThrow(/cannot read line 4/);
  });
});

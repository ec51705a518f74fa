// The firewall role's marks for fwmark services, for real: iptables (mangle PREROUTING) in a throwaway
// network namespace (firewall rules are per namespace), and its nftables table checked by `nft -c`.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firewallSchema } from '../../../roles/firewall/options.js';
import { iptablesRule } from '../../../roles/firewall/iptables.js';
import { MARK_CHAIN, markRules } from '../../../roles/firewall/marks.js';
import { renderNftTable } from '../../../roles/firewall/nftables.js';
import { firewallRules } from '../../../roles/firewall/rules.js';
import { converge } from '../../../src/run/converge.js';
import { tempDir } from '../../unit/resources/helpers.js';
import { NetnsTransport } from './netns.js';

const ns = `lvs-marks-test-${process.pid}`;
let haveNetns = false;
beforeAll(() => {
  try {
    execFileSync('ip', ['netns', 'add', ns], { stdio: 'ignore' });
    execFileSync('ip', ['netns', 'exec', ns, 'iptables', '-w', '-t', 'mangle', '-S'], { stdio: 'ignore' });
    haveNetns = true;
  } catch {
    haveNetns = false;
  }
});
afterAll(() => {
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  } catch {
    // never made
  }
});

const o = firewallSchema.parse({ vips: ['10.77.0.10'], tcpPorts: [80, 443], marks: [{ vip: '10.77.0.10', port: 80, mark: 7 }, { vip: '10.77.0.10', port: 443, mark: 7 }] });

describe('firewall marks for real', () => {
  it('iptables: check mode changes nothing, the run adds the MARK rules to mangle PREROUTING, a second run is ok', async (ctx) => {
    if (!haveNetns) ctx.skip();
    const t = new NetnsTransport(ns);
    const res = markRules(o).map((r) => iptablesRule(MARK_CHAIN, r, [], 'append'));
    const mangle = () => execFileSync('ip', ['netns', 'exec', ns, 'iptables', '-w', '-t', 'mangle', '-S', 'PREROUTING'], { encoding: 'utf8' });
    for (const r of res) expect((await converge(r, t, { check: true })).status).toBe('changed');
    expect(mangle()).not.toContain('MARK');
    for (const r of res) expect((await converge(r, t, { check: false })).error).toBeUndefined();
    expect(mangle()).toContain('-A PREROUTING -d 10.77.0.10/32 -p tcp -m tcp --dport 443 -m comment --comment "lvs-play: mark 7 tcp/443 to 10.77.0.10" -j MARK --set-xmark 0x7/0xffffffff');
    for (const r of res) expect((await converge(r, t, { check: false })).status).toBe('ok');
  });

  it('nftables: the table with its prerouting chain passes nft -c', async (ctx) => {
    if (!haveNetns) ctx.skip();
    const file = join(await tempDir(), 'lvs-play.nft');
    writeFileSync(file, renderNftTable(firewallRules(o), false, markRules(o)));
    expect(() => execFileSync('ip', ['netns', 'exec', ns, 'nft', '-c', '-f', file], { stdio: 'pipe' })).not.toThrow();
  });
});

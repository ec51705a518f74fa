/**
 * The reference site moved from one configuration to the next on the lab, as a team changes its
 * inventory over time: for every step, `--check` names exactly the resources the real run then
 * changes, the real run fails nowhere, and the run after it changes nothing. The steps cover the
 * site vars whose resources meet each other on the same files: VIP groups with an fwmark and a
 * virtual_server_group (the firewall's mangle rules and their boot file), unicast VRRPv3 with a
 * fractional advert_int and a scheduler with persistence, HTTP checks with inhibit_on_failure, a
 * sorry server and a track script, more ports and check timings, and back to the standard site.
 * (This found the fwmark rule missing from the saved iptables rules: the run after changed it.)
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/types.js';
import { cli, ensureLab, onHost } from './support.js';

const LINUX = { realserver_groups: ['linux_realservers'] };
const STEPS: [string, Record<string, unknown>][] = [
  ['the standard site (Linux real servers)', LINUX],
  ['two VIP groups: an fwmark one and a virtual_server_group one', {
    ...LINUX,
    vip_groups: [{ name: 'VI_a', vips: ['10.77.0.10'], master: 'lvs1', fwmark: 5 }, { name: 'VI_b', vips: ['10.77.0.11'], master: 'lvs2', virtual_server_group: true }],
  }],
  ['unicast VRRPv3, advert_int 0.5, sh with persistence', { ...LINUX, vrrp_unicast: true, vrrp_version: 3, vrrp_auth_pass: '', vrrp_advert_int: 0.5, lb_algo: 'sh', persistence_timeout: 50 }],
  ['HTTP checks, inhibit_on_failure, a sorry server, a track script, a VRRP password', {
    ...LINUX,
    health_checks: { 80: { type: 'http', path: '/', status: 200 } },
    inhibit_on_failure: true,
    sorry_server: '10.77.0.30',
    vrrp_track_scripts: [{ name: 'chk', script: ['/bin/true'], weight: -20 }],
    vrrp_auth_pass: 's3cret',
  }],
  ['two ports, faster checks with retries', { ...LINUX, ports: [80, 22], check_retry: 3, delay_loop: 3 }],
  ['the standard site again', LINUX],
];

const LIMIT = ['-l', 'directors:linux_realservers'];
const file = (step: number, mode: string) => join(tmpdir(), `lvs-transitions-${process.pid}-${step}-${mode}.json`);
const changed = (r: RunReport) => r.results.filter((x) => x.status === 'changed').map((x) => `${x.host} ${x.resource}`).sort();
const failed = (r: RunReport) => r.results.filter((x) => x.status === 'failed' || x.status === 'unreachable').map((x) => `${x.host} ${x.resource}: ${x.error ?? ''}`);

function run(step: number, mode: 'check' | 'real' | 'again', vars: Record<string, unknown>): RunReport {
  const r = cli(['playbooks/site.ts', '-i', 'lab', ...LIMIT, '-e', JSON.stringify(vars), ...(mode === 'check' ? ['--check'] : []), '--json', file(step, mode)]);
  expect(r.code, `${mode}: ${r.stdout.slice(-3000)}${r.stderr}`).toBe(0);
  const report = JSON.parse(readFileSync(file(step, mode), 'utf8')) as RunReport;
  expect(failed(report)).toEqual([]);
  return report;
}

describe('the site from one configuration to the next: --check predicts each real run, the run after changes nothing', () => {
  const running: Record<string, boolean> = {};
  beforeAll(async () => {
    await ensureLab();
    for (const h of ['lvs1', 'lvs2']) running[h] = (await onHost(h, 'p=$(cat /run/keepalived.pid 2>/dev/null); [ -n "$p" ] && [ -d "/proc/$p" ] && echo yes; :')).trim() === 'yes';
  });

  afterAll(async () => {
    // the last step is the standard site; what it does not take back: the fwmark rule (not pruned); the second
    // VIP leaves the real servers' lo by itself (linux-realserver's stale addresses), removed here too in case a step failed
    for (const h of ['lvs1', 'lvs2']) {
      await onHost(h, "iptables -t mangle -S PREROUTING | grep -F 'lvs-play: mark' | sed 's/^-A/-D/' | while read -r r; do eval iptables -t mangle $r; done; iptables-save > /etc/iptables/rules.v4; :");
      if (!running[h]) await onHost(h, '/etc/init.d/keepalived stop >/dev/null 2>&1; :');
    }
    for (const h of ['rs1', 'rs2']) await onHost(h, 'ip addr del 10.77.0.11/32 dev lo 2>/dev/null; :');
  });

  it.each(STEPS.map(([name, vars], i) => [i + 1, name, vars] as const))('step %i: %s', (step, _name, vars) => {
    const check = run(step, 'check', vars);
    const real = run(step, 'real', vars);
    expect(changed(real)).toEqual(changed(check));
    expect(changed(run(step, 'again', vars))).toEqual([]);
  });
});

/**
 * The reference site with the seed's options on the lab: unicast VRRP (peers from the director
 * group), two VIPs, ports 80 and 443, persistence_timeout 50, TCP_CHECK retry/delay_before_retry,
 * a sorry server and a notify script. keepalived -t on each director accepts the config (the
 * config resource's validate step); killing the MASTER's keepalived moves the VIP within 4 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holders } from './keepalived-support.js';
import { cli, ensureLab, onHost } from './support.js';

const NOTIFY = '/usr/local/sbin/lvs-vrrp-notify';
const SEED = [
  'vrrp_unicast=true',
  'vips=10.77.0.10,10.77.0.11',
  'ports=80,443',
  'persistence_timeout=50',
  'check_retry=3',
  'check_delay_before_retry=3',
  'sorry_server=10.77.0.1',
  `vrrp_notify=${NOTIFY}`,
].flatMap((e) => ['-e', e]);
const directors = ['lvs1', 'lvs2'];

async function until(what: string, ok: (l: string[]) => boolean, ms: number, t0: number): Promise<number> {
  for (;;) {
    const l = await holders();
    const elapsed = performance.now() - t0;
    if (ok(l)) return elapsed;
    if (elapsed > ms) throw new Error(`${what}: not within ${ms} ms (holders now: ${l.join(', ') || 'none'})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the site with unicast VRRP and the seed options on the lab', () => {
  beforeAll(async () => {
    await ensureLab();
    for (const h of directors) await onHost(h, `printf '#!/bin/sh\\necho "$*" >> /var/log/lvs-vrrp-notify.log\\n' > ${NOTIFY}; chmod 755 ${NOTIFY}; rm -f /var/log/lvs-vrrp-notify.log`);
  });

  afterAll(async () => {
    // back to the lab's standard config, then stopped (as vrrp-failover.test.ts leaves it)
    cli(['playbooks/site.ts', '-i', 'lab', '-l', 'directors']);
    for (const h of directors) await onHost(h, `/etc/init.d/keepalived stop; rm -f ${NOTIFY} /var/log/lvs-vrrp-notify.log`);
  });

  it('renders unicast peers and every option; keepalived -t accepts it on both directors', async () => {
    const r = cli(['playbooks/site.ts', '-i', 'lab', '-l', 'directors', ...SEED]);
    expect(r.code, r.stderr + r.stdout.slice(-3000)).toBe(0);
    const conf = await onHost('lvs1', 'cat /etc/keepalived/keepalived.conf');
    for (const line of ['unicast_src_ip 10.77.0.14', 'unicast_peer {', '10.77.0.15', 'virtual_server 10.77.0.11 443', 'persistence_timeout 50', 'retry 3', 'delay_before_retry 3', 'sorry_server 10.77.0.1 80', `notify "${NOTIFY}"`]) {
      expect(conf).toContain(line);
    }
    expect(await onHost('lvs2', 'grep -A2 unicast /etc/keepalived/keepalived.conf')).toMatch(/unicast_src_ip 10\.77\.0\.15[\s\S]*10\.77\.0\.14/);
    for (const h of directors) expect(await onHost(h, '/usr/local/keepalived/sbin/keepalived -t -f /etc/keepalived/keepalived.conf >/dev/null 2>&1; echo $?')).toBe('0\n');
  });

  it('killing the MASTER\'s keepalived moves the VIP to the BACKUP within 4 s', async () => {
    await until('VIP on lvs1 only', (l) => l.join() === 'lvs1', 15_000, performance.now());
    const t0 = performance.now();
    await onHost('lvs1', 'kill -TERM "$(cat /run/keepalived.pid)"');
    const took = await until('VIP on lvs2 only', (l) => l.join() === 'lvs2', 4000, t0);
    console.log(`unicast failover: VIP on lvs2 ${took.toFixed(0)} ms after the MASTER's keepalived was killed (limit 4000 ms)`);
    // the notify script ran on the new MASTER
    expect(await onHost('lvs2', 'for i in $(seq 50); do grep -q MASTER /var/log/lvs-vrrp-notify.log 2>/dev/null && break; sleep 0.1; done; cat /var/log/lvs-vrrp-notify.log')).toMatch(/INSTANCE VI_1 MASTER/);
  });
});

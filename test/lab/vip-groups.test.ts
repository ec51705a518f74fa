/**
 * Several VIPs, active/active, on the netns lab (issue 22, point 6): the reference site with two
 * VIP groups — VI_a (10.77.0.10, lvs1 MASTER) and VI_b (10.77.0.11, lvs2 MASTER), each its own
 * vrrp_instance and virtual_router_id. Both VIPs are held by their master, the Linux real servers
 * have both on lo, `lvs-play status` shows who is MASTER per instance; killing one director's
 * keepalived moves both VIPs to the other (both directions). The netns lab has no IPVS: "served"
 * here is "held by the right director" (real IPVS serving is the e2e suite's).
 * Afterwards the lab's standard site again (one VIP), keepalived stopped as the other tests leave it.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../src/status/model.js';
import { cli, ensureLab, onHost } from './support.js';

const A = '10.77.0.10';
const B = '10.77.0.11';
const GROUPS = { realserver_groups: ['linux_realservers'], vip_groups: [{ name: 'VI_a', vips: [A], master: 'lvs1' }, { name: 'VI_b', vips: [B], master: 'lvs2' }] };
const E = ['-e', JSON.stringify(GROUPS)];
const LIMIT = ['-l', 'directors:linux_realservers'];
const DIRECTORS = ['lvs1', 'lvs2'];

/** Who holds each VIP on eth0 (from the host side, no ssh): "10.77.0.10=lvs1 10.77.0.11=lvs2". */
async function holding(): Promise<string> {
  const addrs = await Promise.all(
    DIRECTORS.map((h) => new Promise<string>((res) => execFile('ip', ['netns', 'exec', `lvs-${h}`, 'ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'], (e, out) => res(e ? '' : out)))),
  );
  return [A, B].map((v) => `${v}=${DIRECTORS.filter((_, i) => addrs[i]!.includes(` ${v}/`)).join('+') || 'none'}`).join(' ');
}

async function until(want: string, ms: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const now = await holding();
    const took = performance.now() - t0;
    if (now === want) return took;
    if (took > ms) throw new Error(`not "${want}" within ${ms} ms (now: ${now})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const SPLIT = `${A}=lvs1 ${B}=lvs2`;

describe('two VIP groups on the lab: lvs1 MASTER of one, lvs2 of the other', () => {
  let running: Record<string, boolean> = {};

  beforeAll(async () => {
    await ensureLab();
    for (const h of DIRECTORS) running[h] = (await onHost(h, 'p=$(cat /run/keepalived.pid 2>/dev/null); [ -n "$p" ] && kill -0 "$p" 2>/dev/null && echo yes || echo no')).trim() === 'yes';
  });

  afterAll(async () => {
    // the lab's standard site: one VIP, one instance; the second VIP off the real servers' lo
    const r = cli(['playbooks/site.ts', '-i', 'lab', ...LIMIT, '-e', '{"realserver_groups":["linux_realservers"]}']);
    if (r.code !== 0) console.error(`restoring the standard site failed (exit ${r.code}):\n${r.stdout.slice(-3000)}${r.stderr}`);
    for (const h of ['rs1', 'rs2']) await onHost(h, `ip addr del ${B}/32 dev lo 2>/dev/null; :`);
    for (const h of DIRECTORS) if (!running[h]) await onHost(h, '/etc/init.d/keepalived stop >/dev/null 2>&1; :');
    running = {};
  });

  it('the site run puts each VIP on its master and both VIPs on the real servers\' lo', async () => {
    const r = cli(['playbooks/site.ts', '-i', 'lab', ...LIMIT, ...E]);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    for (const h of DIRECTORS) {
      const conf = await onHost(h, 'cat /etc/keepalived/keepalived.conf');
      expect(conf).toMatch(/vrrp_instance VI_a \{[\s\S]*virtual_router_id 51[\s\S]*vrrp_instance VI_b \{[\s\S]*virtual_router_id 52/);
      expect(await onHost(h, '/usr/local/keepalived/sbin/keepalived -t -f /etc/keepalived/keepalived.conf >/dev/null 2>&1; echo $?')).toBe('0\n');
    }
    await until(SPLIT, 15_000);
    for (const h of ['rs1', 'rs2']) expect(await onHost(h, 'ip -o -4 addr show dev lo')).toMatch(new RegExp(`${A.replace(/\./g, '\\.')}/32[\\s\\S]*${B.replace(/\./g, '\\.')}/32`));
  });

  it('lvs-play status shows the MASTER of each instance', () => {
    const file = join(tmpdir(), `lvs-vip-groups-${process.pid}.json`);
    const r = cli(['status', '-i', 'lab', ...E, '--json', file]);
    console.log(r.stdout);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(file, 'utf8')) as StatusReport;
    expect(Object.fromEntries(report.directors.map((d) => [d.name, d.instances.map((i) => `${i.name} ${i.state}`)]))).toEqual({
      lvs1: ['VI_a MASTER', 'VI_b BACKUP'],
      lvs2: ['VI_a BACKUP', 'VI_b MASTER'],
    });
    expect(report.vips).toEqual([{ address: A, holders: ['lvs1'] }, { address: B, holders: ['lvs2'] }]);
    expect(r.stdout).toMatch(/VRRP VI_a\s+VRRP VI_b/);
    expect(r.stdout).toMatch(/lvs1\s+10\.77\.0\.14\s+v2\.2\.7 pid \d+\s+MASTER prio 150\s+BACKUP prio 100/);
    expect(r.stdout).toMatch(/lvs2\s+10\.77\.0\.15\s+v2\.2\.7 pid \d+\s+BACKUP prio 100\s+MASTER prio 150/);
  });

  it('killing one director\'s keepalived moves both VIPs to the other (each way); back, each VIP returns to its master', async () => {
    for (const [dead, alive] of [['lvs1', 'lvs2'], ['lvs2', 'lvs1']] as const) {
      // a clean stop (SIGTERM: keepalived drops its VIPs and sends priority 0); wait for it to exit
      await onHost(dead, 'p=$(cat /run/keepalived.pid); kill -TERM "$p"; while kill -0 "$p" 2>/dev/null; do sleep 0.05; done');
      const took = await until(`${A}=${alive} ${B}=${alive}`, 4000);
      console.log(`vip groups: ${dead}'s keepalived killed → both VIPs on ${alive} after ${took.toFixed(0)} ms (limit 4000 ms)`);
      await onHost(dead, 'rm -f /run/keepalived.pid; /etc/init.d/keepalived start >/dev/null');
      const back = await until(SPLIT, 15_000);
      console.log(`vip groups: ${dead}'s keepalived started → each VIP on its master after ${back.toFixed(0)} ms`);
    }
  });
});

/**
 * The main job: the reference site playbook on the lab, from fresh hosts, through the CLI.
 * --check predicts exactly the changes of the real run; the real run converges (the MASTER holds
 * the VIP, real servers have it on lo); the second run changes nothing.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { labUp } from '../../src/lab/index.js';
import { silent } from '../../src/lab/exec.js';
import type { RunReport } from '../../src/types.js';
import { cli, onHost } from './support.js';

const json = (name: string) => join(tmpdir(), `lvs-site-${process.pid}-${name}.json`);
const read = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as RunReport;
const changed = (r: RunReport) => r.results.filter((x) => x.status === 'changed').map((x) => `${x.host} ${x.play} ${x.resource}${x.handler ? ' (handler)' : ''}`).sort();

describe('playbooks/site.ts on the lab', () => {
  beforeAll(async () => {
    await labUp({ fresh: true, progress: silent });
  });

  let check: RunReport;
  it('--check --diff reports the changes and changes nothing', async () => {
    const before = await onHost('lvs1', 'ls /etc/keepalived /usr/local/keepalived 2>&1; sha256sum /etc/sysctl.d/* 2>&1; iptables -S');
    const r = cli(['playbooks/site.ts', '-i', 'lab', '--check', '--diff', '--json', json('check')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    check = read(json('check'));
    expect(changed(check).length).toBeGreaterThan(20);
    expect(r.stdout).toMatch(/\+\s+virtual_router_id 51/);
    expect(r.stdout).not.toMatch(/lvs-lab/); // the VRRP auth_pass never shows
    expect(r.stdout).toMatch(/auth_pass \*{8}/);
    expect(await onHost('lvs1', 'ls /etc/keepalived /usr/local/keepalived 2>&1; sha256sum /etc/sysctl.d/* 2>&1; iptables -S')).toBe(before);
  });

  it('the real run makes exactly the changes --check predicted', () => {
    const r = cli(['playbooks/site.ts', '-i', 'lab', '--json', json('real')]);
    expect(r.code, r.stdout.slice(-3000)).toBe(0);
    const real = read(json('real'));
    expect(changed(real)).toEqual(changed(check));
    expect(JSON.stringify(real)).not.toMatch(/lvs-lab/);
  });

  it('converged: the MASTER holds the VIP, real servers have it on lo, keepalived built from source', async () => {
    // VRRP settles within a few advert intervals of the first start
    const vip = await onHost('lvs1', 'for i in $(seq 100); do ip -o -4 addr show dev eth0 | grep -q " 10.77.0.10/32" && break; sleep 0.1; done; ip -o -4 addr show dev eth0');
    expect(vip).toMatch(/10\.77\.0\.10\/32/);
    expect(await onHost('lvs2', 'ip -o -4 addr show dev eth0')).not.toMatch(/10\.77\.0\.10\//);
    expect(await onHost('rs1', 'ip -o -4 addr show dev lo')).toMatch(/10\.77\.0\.10\/32/);
    expect(await onHost('rs2', 'cat /proc/sys/net/ipv4/conf/all/arp_ignore /proc/sys/net/ipv4/conf/all/arp_announce')).toBe('1\n2\n');
    expect(await onHost('lvs1', '/usr/local/keepalived/sbin/keepalived --version 2>&1 | head -1')).toMatch(/Keepalived v2\.2\.7/);
    // the daemon the run started (its init script) carries no LVS_PLAY_RUN token: closing a run
    // (Ctrl-C), which kills that run's commands by their token, never stops keepalived
    const daemons = await onHost('lvs1', 'for p in $(pidof keepalived); do tr "\\0" "\\n" < /proc/$p/environ | grep -c "^LVS_PLAY_RUN=" || :; done');
    const counts = daemons.trim().split('\n').filter(Boolean);
    expect(counts.length).toBeGreaterThan(0); // keepalived runs (its processes)
    expect(counts.filter((c) => c !== '0')).toEqual([]);
  });

  it('the second run reports 0 changed on every host', () => {
    const r = cli(['playbooks/site.ts', '-i', 'lab', '--json', json('again')]);
    expect(r.code).toBe(0);
    const again = read(json('again'));
    for (const [host, s] of Object.entries(again.summary)) expect({ host, ...s }).toMatchObject({ host, changed: 0, failed: 0, unreachable: 0 });
  });
});

/**
 * Saved plans on the lab (docs/plans.md), from fresh hosts, through the CLI: plan → apply gives the
 * state a direct run gives and a second plan is empty; drift injected between plan and apply (a
 * sysctl set by hand, a file edited, a firewall rule removed) is refused with exit 4 and nothing
 * changes on ANY host (asserted on every host); an edited playbook is refused; no secret in a plan.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labUp } from '../../src/lab/index.js';
import { silent } from '../../src/lab/exec.js';
import type { SavedPlan } from '../../src/plan/saved/format.js';
import { seal } from '../../src/plan/saved/integrity.js';
import { cli, onHost, ROOT } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'lvs-plans-lab-'));
const f = (name: string) => join(dir, name);
const readPlan = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as SavedPlan;
const LINUX = ['lvs1', 'lvs2', 'rs1', 'rs2'];

/** What the site manages on a Linux host, deterministically (no counters, no VRRP-timed VIP). */
const SNAPSHOT = `for k in net/ipv4/ip_forward net/ipv4/conf/all/arp_ignore net/ipv4/conf/all/arp_announce net/ipv4/conf/lo/arp_ignore net/ipv4/conf/lo/arp_announce net/ipv4/conf/all/send_redirects; do printf '%s=%s\\n' $k "$(cat /proc/sys/$k)"; done
for p in /etc/sysctl.d/60-lvs-play-realserver.conf /etc/sysctl.d/60-lvs-play-director.conf /etc/network/interfaces.d/lvs-play-vips /etc/keepalived/keepalived.conf /etc/init.d/keepalived /etc/default/keepalived /usr/local/keepalived/sbin/keepalived; do
  if [ -e "$p" ]; then echo "$p $(stat -c '%a %U' "$p") $(sha256sum < "$p" | cut -c1-16)"; else echo "$p absent"; fi
done
echo "link $(readlink /usr/sbin/keepalived)"
ip -o -4 addr show dev lo | awk '{print "lo", $4}'
iptables -S | grep lvs-play || true
grep -v '^#' /etc/iptables/rules.v4 2>/dev/null | sed 's/\\[[0-9]*:[0-9]*\\]/[0:0]/' || true`;

async function snapshots(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const h of LINUX) out[h] = await onHost(h, SNAPSHOT);
  return out;
}

/** Every read of every planned resource (the state any plan depends on), by host and resource. */
function planReads(p: SavedPlan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const play of p.plays) for (const h of play.hosts) for (const r of h.resources) if (r.reads) out[`${h.host} ${r.resource}`] = r.reads;
  return out;
}

const KEY = f('plan.key');
writeFileSync(KEY, randomBytes(32));

function plan(file: string, playbook = 'playbooks/site.ts', ...extra: string[]): SavedPlan {
  const r = cli([playbook, '-i', 'lab', '--check', '--plan-out', file, ...extra]);
  expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
  return readPlan(file);
}

describe('saved plans on the lab (playbooks/site.ts)', () => {
  afterAll(async () => {
    // the lab as the other tests expect it: keepalived stopped, no VIP held
    for (const h of ['lvs1', 'lvs2']) await onHost(h, '/etc/init.d/keepalived stop >/dev/null 2>&1; :');
  });
  beforeAll(async () => {
    await labUp({ fresh: true, progress: silent });
  });

  let applied: { hosts: Record<string, string>; reads: Record<string, unknown> };

  it('plan on fresh hosts → apply: exactly the plan, HA-safe rollout; the plan has no secret; a second plan is empty', async () => {
    const before = await snapshots();
    // signed, as a CI job hands a plan over to another (docs/plans.md "Threat model")
    const p = plan(f('fresh.json'), 'playbooks/site.ts', '--plan-key', KEY);
    expect(p.signature).toMatch(/^hmac-sha256:/);
    expect(p.summary.changes).toBeGreaterThan(20);
    expect(p.plays.find((x) => x.name === 'keepalived rollout')?.batches).toEqual([['lvs2'], ['lvs1']]);
    expect(await snapshots()).toEqual(before); // planning changes nothing
    const text = readFileSync(f('fresh.json'), 'utf8');
    expect(text).not.toMatch(/lvs-lab/); // the lab's VRRP auth_pass
    expect(text).toMatch(/auth_pass \*{8}/);
    // tampered copies are refused before any host is contacted: an action edited to skip (digest made
    // again, the signature kept), and a file the plan names swapped for another
    const tampered = readPlan(f('fresh.json')) as SavedPlan & Record<string, unknown>;
    const victim = tampered.plays.flatMap((pl) => pl.hosts.flatMap((h) => h.resources)).find((r) => r.action === 'change')!;
    victim.action = 'skip';
    const body = Object.fromEntries(Object.entries(tampered).filter(([k]) => !['digest', 'fields', 'signature'].includes(k)));
    writeFileSync(f('tampered.json'), JSON.stringify({ ...body, ...seal(body), signature: tampered.signature }));
    const t1 = cli(['apply', f('tampered.json'), '--plan-key', KEY]);
    expect(t1.code, t1.stderr).toBe(4);
    expect(t1.stderr).toMatch(/E_PLAN.*signature: the plan's signature does not match the plan key/);
    const t2 = cli(['apply', f('tampered.json')]);
    expect(t2.code, t2.stderr).toBe(4);
    expect(t2.stderr).toMatch(/E_PLAN.*resources\.\d+\.action: .*must be planned change or ok, the plan says skip/);
    expect(await snapshots()).toEqual(before);
    const shown = cli(['show', f('fresh.json'), '--plan-key', KEY]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/\+\s+virtual_router_id 51/);
    expect(shown.stdout).not.toMatch(/lvs-lab/);

    const a = cli(['apply', f('fresh.json'), '--plan-key', KEY, '--json', f('apply-report.json')]);
    expect(a.code, a.stdout.slice(-3000) + a.stderr).toBe(0);
    expect(a.stdout).toMatch(/drift check: \d+ planned resource\(s\) on 5 host\(s\) as planned/);
    const report = JSON.parse(readFileSync(f('apply-report.json'), 'utf8')) as { results: { host: string; play: string; resource: string; status: string; handler?: boolean }[] };
    const changedRows = report.results.filter((r) => r.status === 'changed' && !r.handler).map((r) => `${r.host} ${r.play} ${r.resource}`).sort();
    const planned = p.plays.flatMap((pl) => pl.hosts.flatMap((h) => h.resources.filter((r) => r.action === 'change').map((r) => `${h.host} ${pl.name} ${r.resource}`))).sort();
    expect(changedRows).toEqual(planned);
    // the rollout went BACKUP first: lvs2's config changed before lvs1's
    const order = report.results.filter((r) => r.resource.startsWith('keepalived config')).map((r) => r.host);
    expect(order).toEqual(['lvs2', 'lvs1']);
    expect(JSON.stringify(report)).not.toMatch(/lvs-lab/);

    const again = plan(f('again.json'));
    expect(again.summary.changes).toBe(0);
    applied = { hosts: await snapshots(), reads: planReads(again) };
  });

  it('drift on some hosts (sysctl by hand, file edited, firewall rule removed) refuses the apply: exit 4, nothing changes on ANY host', async () => {
    // two planned changes: rs2 (a real server) and lvs2 (the first serial batch of the rollout)
    await onHost('rs2', 'sysctl -qw net.ipv4.conf.all.arp_announce=0');
    await onHost('lvs2', 'rm /etc/default/keepalived');
    const p = plan(f('drift.json'));
    expect(p.summary.hosts.rs2!.change).toBe(1);
    expect(p.summary.hosts.lvs2!.change).toBe(1);
    // then the hosts drift: a sysctl on rs1, lvs1's keepalived.conf edited and its tcp/80 rule removed
    await onHost('rs1', 'sysctl -qw net.ipv4.conf.all.arp_ignore=0');
    await onHost('lvs1', "echo '# edited by hand' >> /etc/keepalived/keepalived.conf");
    await onHost('lvs1', 'iptables -S INPUT | grep "lvs-play: tcp/80" | sed "s/^-A/-D/" | xargs -L1 iptables');
    const before = await snapshots();

    const r = cli(['apply', f('drift.json')]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/E_DRIFT.*drifted since the plan was made.*nothing was changed on any host/);
    expect(r.stdout).toMatch(/DRIFT \[rs1\] sysctl net\.ipv4\.conf\.all\.arp_ignore .*\n\s+live: "1" → "0"/);
    expect(r.stdout).toMatch(/DRIFT \[lvs1\] keepalived config \/etc\/keepalived\/keepalived\.conf .*\n\s+(file\.)?sha256: "[0-9a-f]+" → "[0-9a-f]+"/);
    expect(r.stdout).toMatch(/DRIFT \[lvs1\] iptables INPUT lvs-play: tcp\/80 to 10\.77\.0\.10 .*\n\s+present: true → false/);
    expect(r.stdout).not.toMatch(/DRIFT \[(rs2|lvs2)\]/);
    // every host as it was: the planned changes on rs2 and lvs2 were not made, the drift is untouched
    expect(await snapshots()).toEqual(before);
    expect(await onHost('rs2', 'cat /proc/sys/net/ipv4/conf/all/arp_announce')).toBe('0\n');
    expect(await onHost('lvs2', 'test -e /etc/default/keepalived && echo present || echo absent')).toBe('absent\n');
  });

  it('a playbook edited after planning is refused (exit 4) before any host is contacted', async () => {
    // the playbook with the files beside it it imports (site-settings.ts …)
    cpSync(join(ROOT, 'playbooks'), f('playbooks'), { recursive: true });
    const pb = f('playbooks/site.ts');
    plan(f('edited.json'), pb);
    writeFileSync(pb, `${readFileSync(pb, 'utf8')}\n// changed after the review\n`);
    const before = await snapshots();
    // named again on the command line: the playbook lives outside the directory apply runs in
    const r = cli(['apply', f('edited.json'), '--playbook', pb]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/E_PLAN.*changed since the plan was made: the playbook file — nothing was contacted/);
    expect(await snapshots()).toEqual(before);
  });

  it('the applied state equals a direct run\'s from fresh hosts (every host, Windows too: the reads of a new plan)', async () => {
    await labUp({ fresh: true, progress: silent });
    const r = cli(['playbooks/site.ts', '-i', 'lab']);
    expect(r.code, r.stdout.slice(-3000)).toBe(0);
    const direct = plan(f('direct.json'));
    expect(direct.summary.changes).toBe(0);
    expect(await snapshots()).toEqual(applied.hosts);
    expect(planReads(direct)).toEqual(applied.reads);
  });
});

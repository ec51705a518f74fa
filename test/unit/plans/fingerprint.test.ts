/**
 * Saved plans: the fingerprint (what a plan depends on) of every core resource and every role
 * resource, on data fixtures. For each resource and state, every one-place change of the state
 * (a leaf changed, a key deleted, a list shortened) that changes what `plan` does MUST be drift;
 * changes the plan never looked at are not. Role states: captured from the lab by
 * scripts/capture-plan-fixtures.ts (fixtures/lab-states.json); core states: written below.
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveInventory } from '../../../src/inventory/resolve.js';
import { selectHosts } from '../../../src/inventory/pattern.js';
import { selectPlaybook } from '../../../src/run/select.js';
import { dependencyOf, driftOf } from '../../../src/plan/saved/reads.js';
import { command, directory, file, lineInFile, pkg, service, serviceAction, symlink, sysctl, template, unarchive, upload } from '../../../src/resources/index.js';
import { sh } from '../../../src/shell/quote.js';
import { firewallResources } from '../../../roles/firewall/index.js';
import { firewallSchema } from '../../../roles/firewall/options.js';
import { ipvsPersist, ipvsTable } from '../../../roles/ipvsadm/resources.js';
import { parseIpvsadmSave } from '../../../roles/ipvsadm/parse.js';
import { SITE, siteDesired } from '../ipvsadm/fixtures.js';
import type { AnyResource, InventorySpec, Playbook } from '../../../src/types.js';
import { mutations, O, outcome, revive } from './support.js';

/** The lab as an inventory, written out (the fixtures were captured on it with playbooks/site.ts). */
const LAB: InventorySpec = {
  vars: { keepalived_args: ['-D', '--vrrp'], vrrp_auth_pass: 'lvs-lab', ipvs_tuning: false, lvs_sync: false, vip: '10.77.0.10', keepalived_tarball: '/var/cache/lvs-play/sources/keepalived_2.2.7.orig.tar.gz' },
  connection: { type: 'ssh', user: 'root' },
  groups: {
    directors: {
      hosts: {
        lvs1: { address: '10.77.0.14', vars: { vrrp: { state: 'MASTER', priority: 150 } } },
        lvs2: { address: '10.77.0.15', vars: { vrrp: { state: 'BACKUP', priority: 100 } } },
      },
    },
    linux_realservers: { hosts: { rs1: { address: '10.77.0.16', vars: { weight: 3 } }, rs2: { address: '10.77.0.17', vars: { weight: 1 } } } },
    windows: { connection: { type: 'psrp-ssh', user: 'root' }, hosts: { win1: { address: '10.77.0.18', vars: { weight: 1 } } } },
  },
};

interface Case {
  name: string;
  res: AnyResource;
  state: unknown;
}

/** The generic property, for one resource and state; returns how many one-place changes were unrelated. */
function checkCase(c: Case): { related: number; unrelated: number } {
  const reads = dependencyOf(c.res, c.state, O);
  if (!c.res.fingerprint) expect(reads.map((r) => r.op), `${c.name}: tracking followed the plan`).not.toContain('all');
  expect(driftOf(reads, c.res, c.state, O), `${c.name}: no drift against itself`).toEqual([]);
  const before = outcome(c.res, c.state);
  let related = 0;
  let unrelated = 0;
  for (const m of mutations(c.state)) {
    const drift = driftOf(reads, c.res, m.state, O);
    if (outcome(c.res, m.state) !== before) expect(drift.length, `${c.name}: ${m.what} changes the plan, so it must be drift`).toBeGreaterThan(0);
    if (drift.length) related++;
    else unrelated++;
  }
  return { related, unrelated };
}

const labStates = revive(JSON.parse(readFileSync(join(__dirname, 'fixtures', 'lab-states.json'), 'utf8'))) as Record<string, unknown>;

async function siteCases(): Promise<Case[]> {
  const pb = (await import('../../../playbooks/site.js')).default as Playbook;
  const inv = resolveInventory(LAB, { source: 'lab (test)' });
  const plays = selectPlaybook(pb, { file: 'playbooks/site.ts', select: (p) => selectHosts(inv, p) });
  const cases: Case[] = [];
  for (const p of plays) {
    for (const hp of p.perHost.values()) {
      for (const t of hp.tasks) {
        if (t.resource.probe) continue;
        const name = `${hp.host.name} ${t.resource.id}`;
        if (!(name in labStates)) throw new Error(`no fixture for ${name}: run scripts/capture-plan-fixtures.ts`);
        cases.push({ name, res: t.resource, state: labStates[name] });
      }
    }
  }
  return cases;
}

describe('saved plans: fingerprints of the role resources (playbooks/site.ts, states from the lab)', async () => {
  const cases = await siteCases();
  const kinds = [...new Set(cases.map((c) => c.res.kind))].sort();

  it('covers every resource kind of the site', () => {
    expect(kinds).toEqual(expect.arrayContaining(['ip-address', 'persist-addresses', 'listener-check', 'sysctl', 'iptables-rule', 'iptables-save', 'pkg', 'keepalived-build', 'file', 'symlink', 'service', 'command']));
    expect(cases.length).toBe(Object.keys(labStates).length);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: a change the plan depends on is drift', (_n, c) => {
    checkCase(c);
  });

  const byName = (n: string) => cases.find((c) => c.name === n)!;
  const drift = (c: Case, edit: (s: never) => void) => {
    const s = revive(JSON.parse(JSON.stringify(c.state, (_k, v: unknown) => (Buffer.isBuffer(v) ? { $buffer: v.toString('base64') } : v))));
    // Buffer.toJSON runs before the replacer: re-revive the {type:'Buffer'} form too
    const fixed = JSON.parse(JSON.stringify(s), (_k, v: { type?: string; data?: number[] }) => (v && v.type === 'Buffer' && Array.isArray(v.data) ? Buffer.from(v.data) : v)) as never;
    edit(fixed);
    return driftOf(dependencyOf(c.res, c.state, O), c.res, fixed, O);
  };

  it('a sysctl changed by hand is drift; its file\'s mode (not managed by sysctl) is not', () => {
    const c = byName('rs1 sysctl net.ipv4.conf.all.arp_ignore');
    expect(drift(c, (s: { live: string }) => (s.live = '0'))).toEqual([{ what: 'live', before: '1', after: '0' }]);
    expect(drift(c, (s: { file: { mode: number } }) => (s.file.mode = 0o600))).toEqual([]);
  });

  it('an edited file is drift (keepalived.conf content and mode)', () => {
    const c = byName('lvs1 keepalived config /etc/keepalived/keepalived.conf');
    // its state: the file and the real servers recorded as drained on the director (lvs-play drain)
    expect(drift(c, (s: { file: { sha256: string } }) => (s.file.sha256 = '0'.repeat(64))).map((d) => d.what)).toEqual(['file.sha256']);
    expect(drift(c, (s: { file: { mode: number } }) => (s.file.mode = 0o644)).map((d) => d.what)).toEqual(['file.mode']);
    expect(drift(c, (s: { drained: string[] }) => s.drained.push('10.77.0.16')).length).toBeGreaterThan(0);
  });

  it('a removed firewall rule is drift; its position and the packet counters are not', () => {
    const rule = byName('lvs1 iptables INPUT lvs-play: tcp/80 to 10.77.0.10');
    expect(drift(rule, (s: { present: boolean }) => (s.present = false))).toEqual([{ what: 'present', before: true, after: false }]);
    expect(drift(rule, (s: { before: number }) => (s.before = 7))).toEqual([]);
    const save = byName('lvs1 iptables rules saved for boot');
    expect(drift(save, (s: { save: string }) => (s.save = s.save.replace(':INPUT ACCEPT [0:0]', ':INPUT ACCEPT [1234:99999]')))).toEqual([]);
    expect(drift(save, (s: { save: string }) => (s.save = s.save.replace(/^-A INPUT .*tcp\/80.*$/m, '')))).toHaveLength(1);
  });

  it('keepalived build: another OS field is not drift, a missing install is', () => {
    const c = byName('lvs1 keepalived build 2.2.7 /usr/local/keepalived');
    expect(drift(c, (s: { os: { versionId: string } }) => (s.os.versionId = '13'))).toEqual([]);
    expect(drift(c, (s: { installed: unknown }) => (s.installed = null)).length).toBe(1);
  });

  it('a windows loopback address removed is drift; the adapter index alone is not', () => {
    const c = byName('win1 windows loopback addresses "LVS Loopback"');
    expect(drift(c, (s: { addresses: unknown[] }) => s.addresses.pop()).length).toBeGreaterThan(0);
    expect(drift(c, (s: { index: number }) => (s.index = 99))).toEqual([]);
  });

  it('across the site, most one-place changes are drift and some are unrelated', () => {
    let related = 0;
    let unrelated = 0;
    for (const c of cases) {
      const r = checkCase(c);
      related += r.related;
      unrelated += r.unrelated;
    }
    expect(related).toBeGreaterThan(100);
    expect(unrelated).toBeGreaterThan(50);
  });
});

// ───────────────────────────── core resources and role resources outside the site ─────────────────────────────

const fileState = (content: string, extra: Record<string, unknown> = {}) => ({
  type: 'file',
  mode: 0o644,
  uid: 0,
  gid: 0,
  user: 'root',
  group: 'root',
  size: content.length,
  sha256: '1'.repeat(64),
  content: Buffer.from(content),
  ...extra,
});
const os = { family: 'debian', id: 'debian', idLike: [], versionId: '12', pkgManager: 'apt', systemd: true, tools: ['apt-get', 'dpkg-query'] };
const dir = mkdtempSync(join(tmpdir(), 'lvs-fp-'));
writeFileSync(join(dir, 'blob'), 'payload\n');

function coreCases(): (Case & { unrelated?: (s: never) => void })[] {
  return [
    { name: 'file (content, no mode)', res: file({ path: '/etc/a.conf', content: 'a=1\n' }), state: fileState('a=0\n'), unrelated: (s: { mode: number }) => void (s.mode = 0o600) },
    { name: 'file (content and mode)', res: file({ path: '/etc/a.conf', content: 'a=1\n', mode: 0o640 }), state: fileState('a=1\n') },
    { name: 'file absent', res: file({ path: '/etc/a.conf', state: 'absent' }), state: fileState('x\n'), unrelated: (s: { uid: number }) => void (s.uid = 5) },
    { name: 'template', res: template({ path: '/etc/t.conf', render: () => 'port=80\n' }), state: fileState('port=81\n'), unrelated: (s: { group: string }) => void (s.group = 'adm') },
    { name: 'lineInFile', res: lineInFile({ path: '/etc/hosts', line: '10.0.0.1 a', regexp: /\sa$/ }), state: fileState('127.0.0.1 localhost\n'), unrelated: (s: { user: string }) => void (s.user = 'daemon') },
    { name: 'directory', res: directory({ path: '/srv/x', mode: 0o755 }), state: { type: 'dir', mode: 0o700, uid: 0, gid: 0, user: 'root', group: 'root', size: 4096 }, unrelated: (s: { size: number }) => void (s.size = 8192) },
    { name: 'symlink', res: symlink({ path: '/usr/sbin/x', target: '/opt/x/bin/x' }), state: { type: 'link', linkTarget: '/opt/y/bin/x' } },
    { name: 'sysctl (live only)', res: sysctl({ name: 'net.ipv4.ip_forward', value: 1, persist: false }), state: { live: '0', file: { type: 'absent' } }, unrelated: (s: { file: { type: string } }) => void (s.file.type = 'file') },
    { name: 'pkg', res: pkg({ names: ['ipvsadm', 'curl'] }), state: { os, installed: { ipvsadm: false, curl: true } }, unrelated: (s: { os: { versionId: string } }) => void (s.os.versionId = '13') },
    { name: 'pkg absent', res: pkg({ names: ['telnet'], state: 'absent' }), state: { os, installed: { telnet: true } } },
    { name: 'service', res: service({ name: 'keepalived', state: 'started', enabled: true }), state: { init: 'systemd', exists: true, active: false, enabled: true, enableTool: null } },
    { name: 'service action', res: serviceAction({ name: 'keepalived', action: 'reload' }), state: { init: 'systemd' } },
    { name: 'command (creates)', res: command({ cmd: sh`make install`, creates: '/usr/local/bin/x' }), state: { creates: false } },
    { name: 'upload', res: upload({ src: join(dir, 'blob'), dest: '/opt/blob', mode: 0o600 }), state: fileState('old\n', { sha256: '2'.repeat(64) }), unrelated: (s: { user: string }) => void (s.user = 'daemon') },
    { name: 'unarchive', res: unarchive({ src: '/tmp/x.tar.gz', dest: '/opt/x' }), state: { archiveSha: 'a'.repeat(64), marker: 'b'.repeat(64), createsExists: false }, unrelated: (s: { createsExists: boolean }) => void (s.createsExists = true) },
    { name: 'ipvs table', res: ipvsTable(siteDesired(), false), state: { ipvs: 'loaded', tool: true, services: parseIpvsadmSave(SITE.replace('-w 3', '-w 2')) } },
    {
      name: 'ipvs persist',
      res: ipvsPersist(siteDesired(), false),
      state: { family: 'debian', systemd: true, ipvs: { ipvs: 'loaded', tool: true, services: parseIpvsadmSave(SITE) }, files: {}, enabled: null },
      unrelated: (s: { enabled: boolean | null }) => void (s.enabled = true),
    },
    ...firewallResources(firewallSchema.parse({ backend: 'nftables', vip: '10.77.0.10', tcpPorts: [80], vrrpPeers: ['10.77.0.15'] }))
      .filter((r) => r.kind !== 'pkg')
      .map((r) => ({
        name: `nftables: ${r.id}`,
        res: r,
        state: r.id.includes('boot')
          ? { family: 'debian', files: { '/etc/nftables.conf': '#!/usr/sbin/nft -f\nflush ruleset\n' } }
          : { file: 'table inet lvs_play {}\n', live: null, stamp: null },
      })),
  ];
}

describe('saved plans: fingerprints of the core resources and the role resources outside the site', () => {
  const cases = coreCases();

  it.each(cases.map((c) => [c.name, c] as const))('%s: a change the plan depends on is drift; an unrelated one is not', (_n, c) => {
    const { related } = checkCase(c);
    expect(related).toBeGreaterThan(0);
    if (c.unrelated) {
      const s = JSON.parse(JSON.stringify(c.state), (_k, v: { type?: string; data?: number[] }) => (v && v.type === 'Buffer' && Array.isArray(v.data) ? Buffer.from(v.data) : v)) as never;
      c.unrelated(s);
      expect(driftOf(dependencyOf(c.res, c.state, O), c.res, s, O)).toEqual([]);
    }
  });
});

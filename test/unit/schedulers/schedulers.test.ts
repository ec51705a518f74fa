// One list of IPVS schedulers: the kit's, used by keepalived's model, ipvsadm, the reference site,
// init and docs/site.md; the director's check of a scheduler's kernel module (fact, parser, probe).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IPVS_SCHEDULERS, SCHEDULER_NAMES, scheduler, parseSchedulerState, schedulerCheck } from '../../../src/kit/index.js';
import { LB_ALGOS, keepalivedConfigSchema } from '../../../roles/keepalived/model.js';
import { SCHEDULERS } from '../../../roles/ipvsadm/model.js';
import { programsIpvs, schedulerChecks } from '../../../roles/keepalived/schedulers.js';
import { renderKeepalivedConf } from '../../../roles/keepalived/render.js';
import { directorConfigs } from '../../../roles/keepalived/site.js';

const WALKTHROUGH = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq'];
const CURRENT_IPVS = ['fo', 'ovf', 'mh', 'twos'];
const out = (...lines: string[]) => ({ code: 0, stdout: `${lines.join('\n')}\n`, stderr: '' });

describe('the one list of schedulers', () => {
  it('holds the ten the walkthrough explains and the four current IPVS adds, each with a one-line description', () => {
    expect([...SCHEDULER_NAMES].sort()).toEqual([...WALKTHROUGH, ...CURRENT_IPVS].sort());
    for (const s of IPVS_SCHEDULERS) expect(s.description).toMatch(/^[^\n]{10,140}$/);
  });

  it('keepalived lb_algo and ipvsadm -s are that list', () => {
    expect(LB_ALGOS).toBe(SCHEDULER_NAMES);
    expect(SCHEDULERS).toBe(SCHEDULER_NAMES);
  });

  it('the schema (lb_algo in the site, init) takes every one and nothing else', () => {
    for (const s of SCHEDULER_NAMES) expect(scheduler.parse(s)).toBe(s);
    expect(scheduler.safeParse('wrrr').success).toBe(false);
  });

  it('docs/site.md lists exactly the list, with the same descriptions', () => {
    const doc = readFileSync('docs/site.md', 'utf8');
    const at = doc.indexOf('## IPVS schedulers');
    expect(at).toBeGreaterThan(0);
    const section = doc.slice(at, doc.indexOf('\n## ', at + 1));
    const listed = [...section.matchAll(/^\| `([a-z]+)` \| (.+?) \|$/gm)].map((m) => ({ name: m[1], description: m[2]!.trim() }));
    expect(listed).toEqual(IPVS_SCHEDULERS.map((s) => ({ name: s.name, description: s.description })));
  });

  it('a keepalived config takes lblcr, dh, lblc, mh and renders them as lb_algo', () => {
    const site = { vips: ['10.77.0.10'], interface: 'eth0', virtualRouterId: 51, services: ['lblcr', 'dh', 'lblc', 'mh'].map((a, i) => ({ port: 80 + i, lbAlgo: a as 'lblcr', realServers: [{ address: '10.77.0.16' }] })) };
    const cfgs = directorConfigs(site, { lvs1: { state: 'MASTER', priority: 150 }, lvs2: { state: 'BACKUP', priority: 100 } });
    expect(renderKeepalivedConf(cfgs.lvs1!)).toMatch(/lb_algo lblcr[\s\S]*lb_algo dh[\s\S]*lb_algo lblc\n[\s\S]*lb_algo mh/);
    expect(keepalivedConfigSchema.shape.virtualServers.element.shape.lbAlgo.safeParse('wrrr').success).toBe(false);
  });
});

describe('a director has the scheduler (kernel module ip_vs_NAME)', () => {
  it('the parser reads loaded, built in, loadable and missing', () => {
    for (const s of ['loaded', 'builtin', 'loadable', 'missing'] as const) expect(parseSchedulerState('lblcr', `state=${s}\n`)).toBe(s);
    expect(() => parseSchedulerState('lblcr', 'nonsense\n')).toThrow(/ip_vs_lblcr: unexpected output/);
    expect(() => parseSchedulerState('lblcr', '', { code: 2, stdout: '', stderr: 'boom' })).toThrow(/ip_vs_lblcr/);
  });

  it('the probe: nothing to do when present; a failure naming the module when missing', () => {
    const r = schedulerCheck('lblcr');
    expect(r.probe).toBe(true);
    for (const s of ['loaded', 'builtin', 'loadable'] as const) expect(r.plan(s)).toBeNull();
    expect(r.plan('missing')).toBe('missing');
    expect(r.describe!('missing')).toContain('module ip_vs_lblcr');
    expect(String(r.read && 'command' in r.read ? r.read.command : '')).toContain('modprobe -n -q');
  });

  it('the fact command quotes the module name and reads /proc/modules, modules.builtin and modprobe -n', () => {
    const r = schedulerCheck('mh');
    const cmd = 'command' in r.read ? r.read.command : '';
    expect(cmd).toContain('m=ip_vs_mh;');
    expect(cmd).toContain('/proc/modules');
    expect(cmd).toContain('modules.builtin');
    expect(r.read && 'parse' in r.read ? r.read.parse(out('state=loadable')) : null).toBe('loadable');
  });

  it('keepalived with its checker checks every scheduler its config uses, once; VRRP only (--vrrp, -P) checks none', () => {
    expect(programsIpvs(['-D'])).toBe(true);
    expect(programsIpvs(['-D', '--vrrp'])).toBe(false);
    expect(programsIpvs(['-DP'])).toBe(false);
    const site = { vips: ['10.77.0.10'], interface: 'eth0', virtualRouterId: 51, services: [{ port: 80, lbAlgo: 'lblcr' as const, realServers: [{ address: '10.77.0.16' }] }, { port: 443, lbAlgo: 'mh' as const, realServers: [{ address: '10.77.0.16' }] }, { port: 8080, lbAlgo: 'lblcr' as const, realServers: [{ address: '10.77.0.16' }] }] };
    const cfg = directorConfigs(site, { lvs1: { state: 'MASTER', priority: 150 } }).lvs1!;
    expect(schedulerChecks(cfg, ['-D'])?.resources.map((r) => r.id)).toEqual(['ipvs scheduler lblcr (ip_vs_lblcr)', 'ipvs scheduler mh (ip_vs_mh)']);
    expect(schedulerChecks(cfg, ['-D', '--vrrp'])).toBeNull();
  });
});

describe('lvs-play init --lb-algo', () => {
  it('takes a scheduler of the list (default wrr) and refuses others, listing them', async () => {
    const { parseInitArgs } = await import('../../../src/cli/init.js');
    expect(parseInitArgs([], false).lbAlgo).toBe('wrr');
    expect(parseInitArgs(['--lb-algo', 'lblcr'], false).lbAlgo).toBe('lblcr');
    expect(() => parseInitArgs(['--lb-algo', 'wrrr'], false)).toThrow(/not an IPVS scheduler/);
  });

  it('the generated site reads lb_algo through the kit\'s schema, defaulting to the chosen one', async () => {
    const { mkdtemp, readFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { initCommand } = await import('../../../src/cli/init.js');
    const dir = await mkdtemp(join(tmpdir(), 'lvs-init-'));
    try {
      const write = process.stdout.write;
      process.stdout.write = (() => true) as typeof process.stdout.write;
      try {
        expect(await initCommand([dir, '--lb-algo', 'mh'], false)).toBe(0);
      } finally {
        process.stdout.write = write;
      }
      const site = await readFile(join(dir, 'playbooks', 'site.ts'), 'utf8');
      expect(site).toContain("lbAlgo: host.var('lb_algo', scheduler, 'mh')");
      expect(site).toMatch(/import \{[^}]*\bscheduler\b[^}]*\} from 'lvs-play\/kit'/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

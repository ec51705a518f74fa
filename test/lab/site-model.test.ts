/**
 * One site model for every command (src/site): the lab's inventory with its groups renamed as an
 * Ansible team names them (lb, web, winweb; directors_group etc. set in the `all` vars). The site
 * converges on it, and `lvs-play status`, `drain rs1` and `undrain rs1` find the directors, the
 * real servers and rs1's typed weight through the same settings (they used to look for a group
 * literally named `directors`).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../src/status/model.js';
import { holders } from './keepalived-support.js';
import { cli, ensureLab, onHost } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'lvs-site-model-'));
const INV = join(dir, 'renamed.ts');
const E = ['-e', '{"realserver_groups":["web"]}'];
const DIRECTORS = ['lvs1', 'lvs2'];
const CONF = '/etc/keepalived/keepalived.conf';
const RENAME: Record<string, string> = { directors: 'lb', linux_realservers: 'web', windows: 'winweb' };

/**
 * The lab inventory with lb / web / winweb for directors / linux_realservers / windows, built when
 * the CLI loads it (its secret references stay references: they never pass through JSON).
 */
function renamedInventory(): string {
  writeFileSync(
    INV,
    `import { inventory } from 'lvs-play';
import { labInventory } from 'lvs-play/lab';

const lab = labInventory();
const rename: Record<string, string> = ${JSON.stringify(RENAME)};
export default inventory({
  ...lab,
  vars: { ...lab.vars, directors_group: 'lb', linux_realservers_group: 'web', windows_realservers_group: 'winweb' },
  groups: Object.fromEntries(Object.entries(lab.groups ?? {}).map(([g, gs]) => [rename[g] ?? g, gs])),
});
`,
  );
  return INV;
}

const json = (name: string) => join(dir, `${name}.json`);
const weightIn = (conf: string, address: string) => new RegExp(`real_server ${address.replace(/\./g, '\\.')} 80 \\{\\n\\s+weight (\\d+)`).exec(conf)?.[1];
const confWeights = async (address: string) => Promise.all(DIRECTORS.map(async (h) => weightIn(await onHost(h, `cat ${CONF}`), address)));

async function vipOn(who: string, ms = 15_000): Promise<void> {
  const t0 = Date.now();
  while ((await holders()).join() !== who) {
    if (Date.now() - t0 > ms) throw new Error(`VIP not on ${who} alone within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('status, drain and undrain on an inventory with its own group names (lb, web, winweb)', () => {
  beforeAll(async () => {
    await ensureLab();
    renamedInventory();
    const r = cli(['playbooks/site.ts', '-i', INV, ...E, '-l', 'lb:web']);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    expect(r.stdout).toContain('PLAY [keepalived rollout]');
    await vipOn('lvs1');
  }, 600_000);

  afterAll(async () => {
    cli(['undrain', 'rs1', '-i', INV, ...E]);
    // the lab as the other tests expect it: keepalived stopped, no VIP held
    for (const h of DIRECTORS) await onHost(h, '/etc/init.d/keepalived stop >/dev/null 2>&1; :');
  });

  it('status: the directors of lb (MASTER/BACKUP), the real servers of web with their weights, exit 0', () => {
    const r = cli(['status', '-i', INV, ...E, '--json', json('status')]);
    expect(r.stderr).toBe('');
    expect(r.code, r.stdout).toBe(0);
    const report = JSON.parse(readFileSync(json('status'), 'utf8')) as StatusReport;
    expect(Object.fromEntries(report.directors.map((d) => [d.name, d.instances[0]?.state]))).toEqual({ lvs1: 'MASTER', lvs2: 'BACKUP' });
    expect(report.vips).toEqual([{ address: '10.77.0.10', holders: ['lvs1'] }]);
    expect(report.realServers.map((x) => [x.name, x.configuredWeight])).toEqual([
      ['rs1', { lvs1: 3, lvs2: 3 }],
      ['rs2', { lvs1: 1, lvs2: 1 }],
    ]);
    expect(report.problems).toEqual([]);
  });

  it('drain rs1: weight 0 on both directors of lb, recorded; undrain rs1: its typed weight 3 back', async () => {
    const d = cli(['drain', 'rs1', '-i', INV, ...E, '--wait', '1s']);
    expect(d.code, d.stdout + d.stderr).toBe(0);
    expect(d.stdout).toContain('PLAY [drain rs1]');
    expect(await confWeights('10.77.0.16')).toEqual(['0', '0']);
    for (const h of DIRECTORS) expect(await onHost(h, 'cat /var/lib/lvs-play/drained/10.77.0.16')).toBe('host=rs1\n');
    const s = cli(['status', '-i', INV, ...E, '--json', json('drained')]);
    const report = JSON.parse(readFileSync(json('drained'), 'utf8')) as StatusReport;
    expect(report.realServers.find((x) => x.name === 'rs1')?.drained, s.stdout).toBe(true);

    const u = cli(['undrain', 'rs1', '-i', INV, ...E]);
    expect(u.code, u.stdout + u.stderr).toBe(0);
    expect(await confWeights('10.77.0.16')).toEqual(['3', '3']);
    for (const h of DIRECTORS) expect(await onHost(h, 'ls /var/lib/lvs-play/drained/ 2>/dev/null; :')).toBe('');
  });
});

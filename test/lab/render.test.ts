/**
 * lvs-play render against the lab: what render says a director gets is what a converge writes.
 * For each director, the rendered keepalived.conf is byte-identical to the file the site's run
 * leaves in /etc/keepalived (auth_pass aside: masked in the render), and the director's own
 * keepalived 2.2.7 (`keepalived -t`) accepts the rendered file.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactKeepalivedConf } from '../../roles/keepalived/render.js';
import { hostExec } from '../../src/lab/index.js';
import { cli, ensureLab, onHost } from './support.js';

const DIRECTORS = ['lvs1', 'lvs2'] as const;

describe('lvs-play render, then the site run on the lab', { timeout: 900_000 }, () => {
  let dir = '';
  beforeAll(async () => {
    await ensureLab();
    dir = await mkdtemp(join(tmpdir(), 'lvs-render-lab-'));
  });
  afterAll(async () => {
    // stopped (installed and configured): a VIP-holding keepalived would disturb other lab tests
    for (const h of DIRECTORS) await onHost(h, '[ ! -x /etc/init.d/keepalived ] || /etc/init.d/keepalived stop');
    await rm(dir, { recursive: true, force: true });
  });

  it('each director\'s rendered keepalived.conf is the file the run writes (secrets aside), and keepalived -t accepts it there', async () => {
    const out = join(dir, 'render');
    const r = cli(['render', 'playbooks/site.ts', '-i', 'lab', '--limit', 'directors', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const run = cli(['playbooks/site.ts', '-i', 'lab', '--limit', 'directors']);
    expect(run.code, run.stdout.slice(-3000)).toBe(0);
    for (const h of DIRECTORS) {
      const rendered = await readFile(join(out, h, 'files/etc/keepalived/keepalived.conf'), 'utf8');
      const live = await onHost(h, 'cat /etc/keepalived/keepalived.conf');
      expect(rendered).toMatch(/auth_pass \*{8}\n/);
      expect(live).not.toMatch(/auth_pass \*{8}\n/);
      expect(redactKeepalivedConf(live)).toBe(rendered);
      const test = await hostExec(h, ['sh', '-c', 'cat > /tmp/lvs-rendered.conf && /usr/local/keepalived/sbin/keepalived -t -l -f /tmp/lvs-rendered.conf; rc=$?; rm -f /tmp/lvs-rendered.conf; exit $rc'], { stdin: rendered });
      expect(test.code, `${h}: ${test.stdout}${test.stderr}`).toBe(0);
    }
  });
});

import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { play, playbook } from '../../../src/dsl/play.js';
import { role } from '../../../src/dsl/role.js';
import { execute, pickRenderer } from '../../../src/run/executor.js';
import { selectPlaybook } from '../../../src/run/select.js';
import { LocalTransport } from '../../../src/transport/local.js';
import { localHost, marker, tempDir } from './helpers.js';

describe('plain renderer (CI logs)', () => {
  it('prints play headers and one line per result, no tree lines', async () => {
    const dir = tempDir();
    const hosts = [localHost('lvs1', ['directors']), localHost('lvs2', ['directors'])];
    const pb = playbook('t', [
      play('directors', { hosts: 'directors', serial: 1 }, (h) => [role('firewall', [marker(join(dir, `${h.name}-rules`), 'x\n')])]),
      play('nobody', { hosts: 'windows' }, () => []),
    ]);
    const select = (p: string) => hosts.filter((h) => h.groups.includes(p));
    const plays = selectPlaybook(pb, { file: 't.ts', select });
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    await execute(plays, { check: false, diff: false, forks: 5, renderer: 'plain', out, playbook: 't.ts', inventory: 't', connect: async (h) => new LocalTransport(h.name) });
    const lines = text.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^PLAY \[directors\] \*{10,}$/);
    expect(lines.slice(1)).toEqual([
      'batch 1/2: lvs1',
      `changed: [lvs1] firewall | marker ${join(dir, 'lvs1-rules')} — write 2 bytes`,
      'batch 2/2: lvs2',
      `changed: [lvs2] firewall | marker ${join(dir, 'lvs2-rules')} — write 2 bytes`,
      expect.stringMatching(/^PLAY \[nobody\] \*+$/),
      'skipping: no hosts matched',
    ]);
  });

  it('is the choice when not a TTY or under CI', () => {
    const saved = { ci: process.env.CI, forced: process.env.LVS_PLAY_RENDERER };
    delete process.env.LVS_PLAY_RENDERER;
    process.env.CI = 'true';
    try {
      expect(pickRenderer()).toBe('plain');
    } finally {
      if (saved.ci === undefined) delete process.env.CI;
      else process.env.CI = saved.ci;
      if (saved.forced !== undefined) process.env.LVS_PLAY_RENDERER = saved.forced;
    }
  });
});

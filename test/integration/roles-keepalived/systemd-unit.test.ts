/** init-service's systemd unit passes systemd-analyze verify (systemd's own checker, when installed). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemdUnit } from '../../../roles/init-service/scripts.js';

const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe.skipIf(!analyze)('systemd unit', () => {
  it('passes systemd-analyze verify', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvs-unit-'));
    try {
      const unit = join(dir, 'lvs-play-fake.service');
      writeFileSync(unit, systemdUnit({ name: 'lvs-play-fake', description: 'fake', binary: '/bin/true', configPath: '/etc/hostname', configFlag: '-f', pidFile: '/run/lvs-play-fake.pid', args: ['-D'], testArgs: null }));
      const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
      expect(r.stderr.split('\n').filter((l) => l.includes('lvs-play-fake.service'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

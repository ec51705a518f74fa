// The scheduler check on this machine for real: its fact runs here (/proc/modules, the kernel's
// modules.builtin, modprobe -n), and the probe's verdict matches what modprobe itself says.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { converge } from '../../../src/run/converge.js';
import { schedulerCheck } from '../../../src/kit/scheduler-check.js';
import { LocalTransport } from '../../../src/transport/local.js';

const t = new LocalTransport('here');

describe('ipvs scheduler check (this machine)', () => {
  for (const name of ['lblcr', 'mh'] as const) {
    it(`${name}: ok when the kernel has ip_vs_${name}, else a failure naming the module`, async () => {
      const mod = `ip_vs_${name}`;
      const modprobe = spawnSync('modprobe', ['-n', '-q', mod]);
      const loaded = spawnSync('grep', ['-q', `^${mod} `, '/proc/modules']).status === 0;
      const out = await converge(schedulerCheck(name), t, { check: false });
      if (loaded || modprobe.status === 0) {
        expect(out.status).toBe('ok');
      } else {
        expect(out.status).toBe('failed');
        expect(out.error).toContain(`module ${mod}`);
        expect(out.error).toContain(`modprobe -n ${mod}`);
      }
    });
  }
});

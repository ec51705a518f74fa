// The public surface is a visible diff: api/*.api.md (API Extractor's report of each built entry:
// lvs-play, lvs-play/kit, lvs-play/roles, lvs-play/lab) must match the package as built.
// A change that is meant: `npm run api`, then commit the reports with it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;

it('api/*.api.md match the built entries (npm run api regenerates them)', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts/api-report.mjs'), '--check'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain('api: 4 entries, 0 drifted');
  expect(r.status).toBe(0);
}, 120_000);

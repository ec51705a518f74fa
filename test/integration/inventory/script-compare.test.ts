// Inventory scripts (and the JSON `ansible-inventory --list` prints) read as Ansible reads them:
// the same groups, hosts and vars as `ansible-inventory -i SCRIPT --list` on the same scripts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInventorySpec } from '../../../src/inventory/load.js';
import { resolveInventory } from '../../../src/inventory/resolve.js';
import { ansibleList, ansibleMissing, normaliseAnsible, normaliseOurs, type Normalised } from './ansible-ref.js';

const scripts = join(import.meta.dirname, '../../unit/inventory/fixtures/scripts');

async function ours(path: string): Promise<Normalised> {
  const { spec, source } = await readInventorySpec(path, scripts);
  return normaliseOurs(spec, resolveInventory(spec, { source }));
}

function same(mine: Normalised, theirs: Normalised): void {
  expect(mine.groups).toEqual(theirs.groups);
  expect(Object.keys(mine.hosts).sort()).toEqual(Object.keys(theirs.hosts).sort());
  for (const h of Object.keys(theirs.hosts)) expect({ host: h, ...mine.hosts[h] }).toEqual({ host: h, ...theirs.hosts[h] });
}

describe.skipIf(ansibleMissing)('inventory scripts: same view as ansible-inventory --list', () => {
  for (const s of ['meta.sh', 'nometa.sh']) {
    it(s, async () => {
      same(await ours(join(scripts, s)), normaliseAnsible(ansibleList(join(scripts, s))));
    });
  }

  it('the JSON ansible-inventory --list prints, read back with -i FILE.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvs-script-json-'));
    const r = spawnSync('ansible-inventory', ['-i', join(scripts, 'meta.sh'), '--list'], { encoding: 'utf8' });
    writeFileSync(join(dir, 'listed.json'), r.stdout);
    same(await ours(join(dir, 'listed.json')), normaliseAnsible(ansibleList(join(scripts, 'meta.sh'))));
  });
});

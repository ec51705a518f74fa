// lvs-play reads Ansible inventories as Ansible does: compared with ansible-inventory itself.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInventorySpec } from '../../../src/inventory/load.js';
import { resolveInventory } from '../../../src/inventory/resolve.js';
import { selectHosts } from '../../../src/inventory/pattern.js';
import { ansibleList, ansibleListHosts, ansibleMissing, normaliseAnsible, normaliseOurs } from './ansible-ref.js';

const fixtures = join(import.meta.dirname, '../../unit/inventory/fixtures');

async function ours(rel: string) {
  const { spec, source } = await readInventorySpec(rel, fixtures);
  return { spec, inv: resolveInventory(spec, { source }) };
}

describe.skipIf(ansibleMissing)('same groups, hosts and vars as ansible-inventory --list', () => {
  for (const rel of ['site.ini', 'site.yml', 'misc.ini', 'dir']) {
    it(rel, async () => {
      const { spec, inv } = await ours(rel);
      const mine = normaliseOurs(spec, inv);
      const theirs = normaliseAnsible(ansibleList(join(fixtures, rel)));
      expect(mine.groups).toEqual(theirs.groups);
      expect(Object.keys(mine.hosts).sort()).toEqual(Object.keys(theirs.hosts).sort());
      for (const h of Object.keys(theirs.hosts)) expect({ host: h, ...mine.hosts[h] }).toEqual({ host: h, ...theirs.hosts[h] });
    });
  }
});

describe.skipIf(ansibleMissing)('same hosts as `ansible PATTERN --list-hosts`', () => {
  const patterns = [
    'all',
    '*',
    'directors',
    'realservers',
    'web*',
    'web*:!web2',
    'realservers:&windows',
    'all:!windows',
    'directors,windows',
    '!directors',
    'lvs1:web3',
    '~web[12]',
    'windows[0]',
    'windows[1:2]',
    'windows[-1]',
    'l*:&d*',
    'nomatch*',
  ];
  for (const p of patterns) {
    it(`site.ini: ${p}`, async () => {
      const { inv } = await ours('site.ini');
      const mine = selectHosts(inv, p).map((h) => h.name);
      expect(mine.sort()).toEqual(ansibleListHosts(join(fixtures, 'site.ini'), p).sort());
    });
  }
  it('keeps Ansible order for group patterns and unions', async () => {
    const { inv } = await ours('site.yml');
    for (const p of ['directors', 'windows', 'directors:windows', 'alpha']) {
      expect(selectHosts(inv, p).map((h) => h.name)).toEqual(ansibleListHosts(join(fixtures, 'site.yml'), p));
    }
  });
});

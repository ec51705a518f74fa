/** A play's `hosts` as a function of the inventory's `all` vars (+ -e): group names as site settings. */
import { describe, expect, it } from 'vitest';
import { play, playbook } from '../../../src/dsl/play.js';
import { listHosts } from '../../../src/cli/list.js';
import { resolveInventory } from '../../../src/inventory/resolve.js';
import { selectHosts } from '../../../src/inventory/pattern.js';
import { selectPlaybook } from '../../../src/run/select.js';
import { LvsError } from '../../../src/errors.js';

const spec = {
  vars: { directors_group: 'lb' },
  groups: { lb: { hosts: { lb1: { address: '192.0.2.14' } } }, web_win: { hosts: { w1: { address: '192.0.2.16' } } } },
};

describe('play hosts as a function of the inventory vars', () => {
  const pb = playbook('t', [
    play('directors', { hosts: (v) => String(v.directors_group ?? 'directors') }, () => []),
    play('windows', { hosts: (v) => String(v.windows_group ?? 'windows') }, () => []),
  ]);

  it('reads the all vars, -e over them; a group that does not exist is skipped with a warning', () => {
    const inv = resolveInventory(spec, { source: 'hosts.ini', extraVars: { windows_group: 'web_win' } });
    const warnings: string[] = [];
    const plays = selectPlaybook(pb, { file: 'site.ts', vars: inv.vars ?? {}, select: (p, field) => selectHosts(inv, p, field ? { source: 'site.ts', onUnknown: (w) => warnings.push(w) } : {}) });
    expect(listHosts(plays)).toBe('play "directors" (lb): 1 host(s)\n    lb1  192.0.2.14\nplay "windows" (web_win): 1 host(s)\n    w1  192.0.2.16');
    const plain = resolveInventory({ groups: spec.groups }, { source: 'hosts.ini' });
    const skipped = selectPlaybook(pb, { file: 'site.ts', vars: plain.vars ?? {}, select: (p, field) => selectHosts(plain, p, field ? { source: 'site.ts', onUnknown: (w) => warnings.push(w) } : {}) });
    expect(skipped.map((p) => [p.pattern, p.hosts.length])).toEqual([['directors', 0], ['windows', 0]]);
    expect(warnings).toEqual([
      'site.ts: could not match host pattern "directors" in hosts.ini, ignoring it',
      'site.ts: could not match host pattern "windows" in hosts.ini, ignoring it (did you mean "web_win"?)',
    ]);
  });

  it('a hosts function that throws is reported with the play', () => {
    const bad = playbook('t', [play('p', { hosts: () => { throw new Error('no group setting'); } }, () => [])]);
    expect(() => selectPlaybook(bad, { file: 'site.ts', select: () => [] })).toThrowError(LvsError);
    expect(() => selectPlaybook(bad, { file: 'site.ts', select: () => [] })).toThrowError(/site\.ts: play "p"\.hosts: no group setting/);
  });
});

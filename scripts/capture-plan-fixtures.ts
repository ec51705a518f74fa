#!/usr/bin/env node
// Captures the parsed current state of every resource of playbooks/site.ts on the lab (check mode,
// nothing changes) into test/unit/plans/fixtures/lab-states.json: the data fixtures of the saved-plan
// fingerprint tests. Run as root, under the lab lock (from the sources, through jiti):
//   flock /tmp/lvs-lab.lock node --import jiti/register scripts/capture-plan-fixtures.ts
import { writeFileSync } from 'node:fs';
import { loadPlaybook } from '../src/cli/run.js';
import { makeConnector } from '../src/cli/connect.js';
import { loadInventory } from '../src/inventory/load.js';
import { builtinInventory } from '../src/cli/builtin-inventory.js';
import { selectHosts } from '../src/inventory/pattern.js';
import { SecretResolver } from '../src/inventory/secret.js';
import { execute } from '../src/run/executor.js';
import { Redactor } from '../src/run/redact.js';
import { selectPlaybook } from '../src/run/select.js';
import { mapTasks, withPlanHook } from '../src/plan/saved/record.js';

const out = process.argv[2] ?? 'test/unit/plans/fixtures/lab-states.json';
const pb = await loadPlaybook('playbooks/site.ts');
const inv = await loadInventory('lab', { cwd: process.cwd(), fallback: builtinInventory });
const plays = selectPlaybook(pb, { file: 'playbooks/site.ts', select: (p) => selectHosts(inv, p) });
const states = {};
const toJson = (v) =>
  JSON.parse(JSON.stringify(v, function (k, x) {
    const raw = this[k];
    return Buffer.isBuffer(raw) ? { $buffer: raw.toString('base64') } : x;
  }));
const wrapped = mapTasks(plays, (t, _pi, host) =>
  withPlanHook(t.resource, (current, change) => {
    if (!t.resource.probe) states[`${host} ${t.resource.id}`] = toJson(current);
    return change;
  }),
);
const redactor = new Redactor();
const report = await execute(wrapped, {
  check: true, diff: false, forks: 10, renderer: 'silent', playbook: 'site', inventory: inv.source, redactor,
  connect: makeConnector({ secrets: new SecretResolver(), redactor, acceptNewHostKeys: false }),
});
const bad = report.results.filter((r) => r.status === 'failed' || r.status === 'unreachable');
if (bad.length) throw new Error(`check run failed: ${bad.map((r) => `${r.host} ${r.resource}: ${r.error}`).join('; ')}`);
writeFileSync(out, `${JSON.stringify(states, null, 1)}\n`);
console.log(`${Object.keys(states).length} states → ${out}`);

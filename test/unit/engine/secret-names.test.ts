/**
 * A secret a resource declares is masked everywhere a string is shown (issue 24, point 6): the
 * resource's name and the diff's label too — terminal lines, --json, --list-tasks and saved plans.
 * A real run on the control node (local transport, a temp dir).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { textSink as sink } from './helpers.js';
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../../src/cli/run.js';
import type { CliOptions } from '../../../src/cli/args.js';

const SECRET = 'Zq9-hidden-Name';
const dir = mkdtempSync(join(tmpdir(), 'lvs-secret-names-'));
mkdirSync(join(dir, 'h'));
const pb = join(dir, 'pb.ts');
const inv = join(dir, 'inv.ts');
writeFileSync(pb, `import { playbook, play, file } from 'lvs-play';
export default playbook('names', [
  play('files', { hosts: 'all' }, (host) => [
    file({ path: host.get('dir', '') + '/${SECRET}.conf', content: 'token=${SECRET}\\n', secrets: ['${SECRET}'] }),
  ]),
]);
`);
writeFileSync(inv, `export default { hosts: { a: { vars: { dir: ${JSON.stringify(join(dir, 'h'))} }, connection: { type: 'local' } } } };\n`);

const opts = (o: Partial<CliOptions>): CliOptions => ({ playbook: pb, inventory: inv, check: true, diff: true, extraVars: [], forks: 1, listHosts: false, listTasks: false, verbose: 0, acceptNewHostKeys: false, ...o });

describe('secrets in resource names and diff labels', { timeout: 60_000 }, () => {
  it('masked in result lines, diffs and their labels, --json, saved plans and --list-tasks', async () => {
    process.env.LVS_PLAY_RENDERER = 'plain';
    const out = sink();
    const json = join(dir, 'r.json');
    const plan = join(dir, 'p.json');
    // the plain renderer writes its result lines to stdout: captured
    const write = process.stdout.write.bind(process.stdout);
    let lines = '';
    process.stdout.write = ((c: string | Uint8Array) => ((lines += String(c)), true)) as typeof process.stdout.write;
    try {
      expect(await runPlaybook(opts({ json, planOut: plan }), out)).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const report = readFileSync(json, 'utf8');
    const planText = readFileSync(plan, 'utf8');
    for (const [where, text] of [['output', lines + out.text()], ['--json', report], ['plan', planText]] as const) {
      expect(text, where).not.toContain(SECRET);
      expect(text, where).toContain('********.conf');
    }
    const list = sink();
    expect(await runPlaybook(opts({ listTasks: true }), list)).toBe(0);
    expect(list.text()).not.toContain(SECRET);
    expect(list.text()).toMatch(/file .*\*{8}\.conf/);
  });
});

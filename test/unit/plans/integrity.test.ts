/**
 * A saved plan verified before anything it names is read or run (issue 24, docs/plans.md "Threat
 * model"): every edit of the file is refused naming the field; an edit with its digest made again
 * is still caught (actions against the task lists, files pinned by digest and confined to the
 * current directory, createdAt not in the future); signed plans need the key; `show` escapes
 * every control character. The plans are real ones, made by --check --plan-out on the control node.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { textSink as sink } from '../engine/helpers.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyCommand } from '../../../src/cli/apply.js';
import { runPlaybook } from '../../../src/cli/run.js';
import { showCommand } from '../../../src/cli/show.js';
import type { CliOptions } from '../../../src/cli/args.js';
import { LvsError } from '../../../src/errors.js';
import { readPlanFile } from '../../../src/plan/saved/format.js';
import { seal } from '../../../src/plan/saved/integrity.js';
import { escapeControls } from '../../../src/plan/saved/escape.js';

const dir = mkdtempSync(join(tmpdir(), 'lvs-plan-integrity-'));
const pbFile = join(dir, 'site.ts');
const invFile = join(dir, 'inv.ts');
const keyFile = join(dir, 'plan.key');
const CANARY = join(dir, 'canary-ran');
const hostDir = join(dir, 'h');

const PLAYBOOK = `import { playbook, play, file } from 'lvs-play';
export default playbook('integrity', [
  play('files', { hosts: 'all' }, (host) => [
    file({ path: host.get('dir', '') + '/a.conf', content: 'a=1\\n' }),
    file({ path: host.get('dir', '') + '/b.conf', content: 'b=1\\n' }),
  ]),
]);
`;

const opts = (o: Partial<CliOptions> = {}): CliOptions => ({
  playbook: pbFile, inventory: invFile, check: true, diff: false, extraVars: [], forks: 2, listHosts: false, listTasks: false, verbose: 0, acceptNewHostKeys: false, ...o,
});


type Plan = Record<string, unknown> & { plays: { hosts: { resources: Record<string, unknown>[] }[] }[]; sources: { playbook: { path: string; sha256: string }; vars: unknown[] }; options: { extraVars: string[] } };
const load = (f: string): Plan => JSON.parse(readFileSync(f, 'utf8')) as Plan;
/** Writes a plan; `reseal` makes its digest again, as an attacker without the key can. */
function write(name: string, p: Plan, reseal = false): string {
  const f = join(dir, name);
  const body = Object.fromEntries(Object.entries(p).filter(([k]) => !['digest', 'fields', 'signature'].includes(k)));
  // a re-sealed plan keeps the signature it had (the attacker cannot make a new one)
  writeFileSync(f, JSON.stringify(reseal ? { ...body, ...seal(body), ...(p.signature ? { signature: p.signature } : {}) } : p));
  return f;
}
async function refusal(args: string[]): Promise<LvsError> {
  const err = await applyCommand(args, sink()).catch((e: unknown) => e);
  expect(err, String(err)).toBeInstanceOf(LvsError);
  return err as LvsError;
}
const named = (f: string, ...extra: string[]) => [f, '--playbook', pbFile, '-i', invFile, ...extra];
const sha = (f: string) => `sha256:${createHash('sha256').update(readFileSync(f)).digest('hex')}`;

let planFile: string;
beforeAll(async () => {
  process.env.LVS_PLAY_RENDERER = 'silent';
  mkdirSync(hostDir, { recursive: true });
  writeFileSync(pbFile, PLAYBOOK);
  writeFileSync(invFile, `export default { hosts: { a: { vars: { dir: ${JSON.stringify(hostDir)} }, connection: { type: 'local' } } } };\n`);
  writeFileSync(keyFile, 'k'.repeat(32));
  // a module that proves it ran, if anything ever imports it
  writeFileSync(join(dir, 'evil.ts'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(CANARY)}, 'ran');\nexport default {};\n`);
  planFile = join(dir, 'plan.json');
  expect(await runPlaybook(opts({ planOut: planFile }), sink())).toBe(0);
}, 60_000);

describe('saved plan integrity', { timeout: 60_000 }, () => {
  it('any edited field is refused, exit 4, naming it: action, reads, createdAt, hosts, diff', async () => {
    const edits: [string, (p: Plan) => void, RegExp][] = [
      ['action', (p) => void (p.plays[0]!.hosts[0]!.resources[0]!.action = 'skip'), /resources\[\]\.action/],
      ['reads', (p) => void ((p.plays[0]!.hosts[0]!.resources[0]!.reads as { value: unknown }[])[0]!.value = 'file'), /resources\[\]\.reads/],
      ['createdAt', (p) => void (p.createdAt = new Date(Date.now() + 864e5).toISOString()), /createdAt/],
      ['host', (p) => void ((p.plays[0]!.hosts[0]! as unknown as { host: string }).host = 'b'), /hosts\[\]\.host/],
      ['diff', (p) => void ((p.plays[0]!.hosts[0]!.resources[0]!.diff as { after: string }).after = 'harmless\n'), /resources\[\]\.diff/],
      ['summary', (p) => void ((p.summary as { changes: number }).changes = 0), /summary/],
    ];
    for (const [name, edit, field] of edits) {
      const p = load(planFile);
      edit(p);
      const err = await refusal(named(write(`edit-${name}.json`, p)));
      expect(err.code).toBe('E_PLAN');
      expect(err.message, name).toMatch(/edited after it was made/);
      expect(err.message, name).toMatch(field);
    }
  });

  it('an action edited to skip/probe with the digest made again is refused (the task lists say change/ok)', async () => {
    for (const action of ['skip', 'probe']) {
      const p = load(planFile);
      p.plays[0]!.hosts[0]!.resources[1]!.action = action;
      const err = await refusal(named(write(`action-${action}.json`, p, true)));
      expect(err.message).toMatch(/plays\.0\.hosts\.0\.resources\.1\.action: .*must be planned change or ok, the plan says/);
    }
    expect(existsSync(join(hostDir, 'a.conf'))).toBe(false);
  });

  it('a createdAt in the future is refused (it would defeat --max-age)', async () => {
    const p = load(planFile);
    p.createdAt = new Date(Date.now() + 3600e3).toISOString();
    const err = await refusal(named(write('future.json', p, true)));
    expect(err.message).toMatch(/createdAt: the plan claims to be made in the future/);
  });

  it('a plan naming another .ts file does not import it: outside the directory, or not the recorded digest', async () => {
    const evil = join(dir, 'evil.ts');
    const p = load(planFile);
    p.playbook = evil;
    p.sources.playbook = { path: evil, sha256: sha(evil) };
    const err = await refusal([write('evil.json', p, true), '-i', invFile]);
    expect(err.message).toMatch(/sources\.playbook: the playbook file .*evil\.ts is outside the directory apply runs in/);
    // named again, but the digest recorded is the reviewed playbook's: still refused before import
    const q = load(planFile);
    q.playbook = evil;
    q.sources.playbook = { path: evil, sha256: load(planFile).sources.playbook.sha256 };
    const err2 = await refusal(['--playbook', evil, write('evil2.json', q, true), '-i', invFile]);
    expect(err2.message).toMatch(/changed since the plan was made: the playbook file/);
    expect(existsSync(CANARY)).toBe(false);
  });

  it('a playbook or -e file named in the options but not pinned by the sources is refused before anything is read', async () => {
    const p = load(planFile);
    p.playbook = join(dir, 'evil.ts'); // sources.playbook still pins the reviewed playbook
    const err = await refusal(named(write('unpinned.json', p, true)).map((a) => (a === pbFile ? join(dir, 'evil.ts') : a)));
    expect(err.message).toMatch(/playbook: the plan names files its sources do not pin/);
    const q = load(planFile);
    q.options.extraVars = ['@vars.yml'];
    expect((await refusal(named(write('unpinned-vars.json', q, true)))).message).toMatch(/options\.extraVars: the plan names files its sources do not pin/);
    expect(existsSync(CANARY)).toBe(false);
  });

  it('an -e @/etc/passwd in a plan is refused before the file is read; nothing of it is printed', async () => {
    const p = load(planFile);
    p.options.extraVars = ['@/etc/passwd'];
    p.sources.vars = [{ path: '/etc/passwd', sha256: sha('/etc/passwd') }];
    const err = await refusal(named(write('passwd.json', p, true)));
    expect(err.message).toMatch(/sources\.vars\.0: an -e vars file \/etc\/passwd is outside the directory/);
    expect(err.message).not.toMatch(/root:/);
  });

  it('signed plans: apply with the key accepts its own plan, refuses an unsigned, a re-sealed or a wrongly signed one', async () => {
    const signed = join(dir, 'signed.json');
    expect(await runPlaybook(opts({ planOut: signed, planKey: keyFile }), sink())).toBe(0);
    expect(load(signed).signature).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    await expect(readPlanFile(signed, { key: readFileSync(keyFile) })).resolves.toBeTruthy();
    const unsigned = await refusal(named(planFile, '--plan-key', keyFile));
    expect(unsigned.message).toMatch(/signature: the plan is not signed, and a plan key was given/);
    const p = load(signed);
    p.plays[0]!.hosts[0]!.resources[0]!.action = 'ok';
    const resealed = await refusal(named(write('resealed.json', p, true), '--plan-key', keyFile));
    expect(resealed.message).toMatch(/signature: the plan's signature does not match the plan key/);
    writeFileSync(join(dir, 'other.key'), 'o'.repeat(32));
    const wrong = await refusal(named(signed, '--plan-key', join(dir, 'other.key')));
    expect(wrong.message).toMatch(/signature does not match/);
    process.env.LVS_PLAN_KEY = 'o'.repeat(32);
    try {
      expect((await refusal(named(signed))).message).toMatch(/signature does not match/);
    } finally {
      delete process.env.LVS_PLAN_KEY;
    }
    expect(existsSync(join(hostDir, 'a.conf'))).toBe(false);
    const short = await refusal(named(signed, '--plan-key', pbFile.replace('site.ts', 'short.key')));
    expect(short.code).toBe('E_USAGE');
  });

  it('show verifies the plan as apply does and escapes every control character', async () => {
    const p = load(planFile);
    const r = p.plays[0]!.hosts[0]!.resources[0]!;
    r.message = 'create\u001b[2K\u001b[1Ahidden';
    (r.diff as { after: string }).after = 'a=1\u001b[2K\r\u202eevil\n';
    const f = write('ctrl.json', p, true);
    const out = sink();
    await showCommand([f], out);
    expect(out.text()).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(out.text()).toContain('create\\x1b[2K\\x1b[1Ahidden');
    expect(out.text()).toContain('a=1\\x1b[2K\\x0d\\u202eevil');
    expect(out.text()).toMatch(/integrity: digest sha256:[0-9a-f]{64} verified; not signed; files pinned by digest: /);
    const edited = load(planFile);
    edited.plays[0]!.hosts[0]!.resources[0]!.action = 'ok';
    const err = await showCommand([write('show-edit.json', edited)], sink()).catch((e: unknown) => e);
    expect((err as LvsError).message).toMatch(/edited after it was made/);
    expect(escapeControls('a\tb\nc')).toBe('a\\tb\\nc');
    expect(escapeControls('a\tb\nc', true)).toBe('a\tb\nc');
  });

  it('a deeply nested or huge plan file is refused without a stack overflow', async () => {
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, `{"format":"lvs-play-plan/2","x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    const err = await refusal([deep]);
    expect(err.message).toMatch(/nested deeper than 64 levels/);
    const err2 = await refusal(['/dev/zero']);
    expect(err2.message).toMatch(/not a regular file/);
  });

});

/**
 * Saved plans through the CLI code paths, on the control node (local transport, files in a temp
 * dir standing in for two hosts): --check --plan-out, show, apply, drift refusal on any host,
 * playbook edits, staleness, secrets. The same on real lab hosts: test/lab/plans.test.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { textSink as sink } from '../engine/helpers.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyCommand, checkAge } from '../../../src/cli/apply.js';
import { runPlaybook } from '../../../src/cli/run.js';
import { showCommand } from '../../../src/cli/show.js';
import type { CliOptions } from '../../../src/cli/args.js';
import type { SavedPlan } from '../../../src/plan/saved/format.js';
import { LvsError } from '../../../src/errors.js';

const SECRET = 'Plan-S3cret!';
const dir = mkdtempSync(join(tmpdir(), 'lvs-plans-'));
const pbFile = join(dir, 'site.ts');
const invFile = join(dir, 'inv.ts');
const planFile = join(dir, 'plan.json');

const PLAYBOOK = `import { playbook, play, file, lineInFile } from 'lvs-play';
export default playbook('plans', [
  play('files', { hosts: 'all', serial: 1 }, (host) => {
    const d = host.get('dir', '');
    return [
      file({ path: d + '/app.conf', content: 'port=80\\npass=${SECRET}\\n', mode: 0o600, secrets: ['${SECRET}'] }),
      lineInFile({ path: d + '/hosts', line: '10.0.0.1 vip', regexp: /\\svip$/, create: true }),
    ];
  }),
]);
`;

const opts = (o: Partial<CliOptions> = {}): CliOptions => ({
  playbook: pbFile,
  inventory: invFile,
  check: false,
  diff: false,
  extraVars: [],
  forks: 2,
  listHosts: false,
  listTasks: false,
  verbose: 0,
  acceptNewHostKeys: false,
  ...o,
});


const hostDir = (h: string) => join(dir, h);
const snapshot = () => ['a', 'b'].map((h) => ['app.conf', 'hosts'].map((f) => (existsSync(join(hostDir(h), f)) ? readFileSync(join(hostDir(h), f), 'utf8') : null)));

beforeAll(() => {
  process.env.LVS_PLAY_RENDERER = 'silent';
  writeFileSync(pbFile, PLAYBOOK);
  writeFileSync(invFile, `export default { hosts: { a: { vars: { dir: ${JSON.stringify(hostDir('a'))} }, connection: { type: 'local' } }, b: { vars: { dir: ${JSON.stringify(hostDir('b'))} }, connection: { type: 'local' } } } };\n`);
  for (const h of ['a', 'b']) {
    mkdirSync(hostDir(h), { recursive: true });
    writeFileSync(join(hostDir(h), 'hosts'), '127.0.0.1 localhost\n');
  }
});

/** apply's arguments: the plan, its playbook and inventory named again (they live outside the current directory). */
const applyArgs = (...extra: string[]): string[] => [planFile, '--playbook', pbFile, '-i', invFile, ...extra];
const plan = (): SavedPlan => JSON.parse(readFileSync(planFile, 'utf8')) as SavedPlan;
const makePlan = async () => expect(await runPlaybook(opts({ check: true, planOut: planFile }), sink())).toBe(0);

describe('saved plans on the control node', { timeout: 60_000 }, () => {
  it('--check --plan-out writes a plan with the changes, their fingerprints, the inputs and no secret', async () => {
    const before = snapshot();
    await makePlan();
    expect(snapshot()).toEqual(before);
    const p = plan();
    expect(p.format).toBe('lvs-play-plan/2');
    expect(p.summary.changes).toBe(4);
    expect(p.plays[0]!.batches).toEqual([['a'], ['b']]);
    const r = p.plays[0]!.hosts[0]!.resources[0]!;
    expect(r).toMatchObject({ action: 'change', kind: 'file' });
    expect(r.fingerprint).toMatch(/^sha256:/);
    expect(r.reads!.map((x) => x.path.join('.'))).toContain('type');
    const text = readFileSync(planFile, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).toContain('pass=********');
  });

  it('show prints it as --diff would, and --json for tools', async () => {
    const out = sink();
    await showCommand([planFile], out);
    expect(out.text()).toMatch(/changed: \[a\] file .*app\.conf/);
    expect(out.text()).toMatch(/\+pass=\*{8}/);
    expect(out.text()).not.toContain(SECRET);
    const js = sink();
    await showCommand([planFile, '--json'], js);
    expect((JSON.parse(js.text()) as SavedPlan).summary.changes).toBe(4);
  });

  it('drift on ONE host refuses the apply before anything changes on ANY host', async () => {
    writeFileSync(join(hostDir('b'), 'hosts'), '127.0.0.1 localhost\n10.9.9.9 other\n');
    const before = snapshot();
    const out = sink();
    const err = await applyCommand(applyArgs(), out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LvsError);
    expect((err as LvsError).code).toBe('E_DRIFT');
    expect(out.text()).toMatch(/DRIFT \[b\] lineInFile .*hosts/);
    expect(out.text()).toMatch(/content/);
    expect(snapshot()).toEqual(before); // host a too: the first serial batch was not run
    writeFileSync(join(hostDir('b'), 'hosts'), '127.0.0.1 localhost\n');
  });

  it('apply makes exactly the planned changes; the state equals a direct run; a new plan is empty', async () => {
    const out = sink();
    expect(await applyCommand(applyArgs(), out)).toBe(0);
    expect(out.text()).toMatch(/drift check: 4 planned resource\(s\) on 2 host\(s\) as planned/);
    const applied = snapshot();
    expect(applied[0]![0]).toBe(`port=80\npass=${SECRET}\n`);
    await makePlan();
    expect(plan().summary.changes).toBe(0);
    // a direct run from the same start gives the same state
    for (const h of ['a', 'b']) writeFileSync(join(hostDir(h), 'hosts'), '127.0.0.1 localhost\n');
    for (const h of ['a', 'b']) rmSync(join(hostDir(h), 'app.conf'));
    expect(await runPlaybook(opts(), sink())).toBe(0);
    expect(snapshot()).toEqual(applied);
  });

  it('a playbook edited after planning is refused (exit 4), nothing contacted', async () => {
    rmSync(join(hostDir('a'), 'app.conf'));
    await makePlan();
    writeFileSync(pbFile, `${PLAYBOOK}// reviewed? no\n`);
    const err = await applyCommand(applyArgs(), sink()).catch((e: unknown) => e);
    expect((err as LvsError).code).toBe('E_PLAN');
    expect((err as LvsError).message).toMatch(/changed since the plan was made: the playbook file/);
    expect(existsSync(join(hostDir('a'), 'app.conf'))).toBe(false);
    writeFileSync(pbFile, PLAYBOOK);
  });

  it('a stale plan is refused unless --allow-stale; the age is configurable', () => {
    const p = { ...plan(), createdAt: new Date(Date.now() - 2 * 3600e3).toISOString() };
    expect(() => checkAge(p, 'plan.json', '1h', false)).toThrow(/stale.*max 1h/);
    expect(() => checkAge(p, 'plan.json', '1h', true)).not.toThrow();
    expect(() => checkAge(p, 'plan.json', '3h', false)).not.toThrow();
  });
});

describe('saved plans: command lines', () => {
  it('--plan-out needs --check; apply and show are routed with their arguments', async () => {
    const { parseCli } = await import('../../../src/cli/args.js');
    expect(() => parseCli(['site.ts', '-i', 'lab', '--plan-out', 'p.json'])).toThrow(/--plan-out needs --check/);
    expect(parseCli(['site.ts', '-i', 'lab', '-C', '--plan-out', 'p.json'])).toMatchObject({ kind: 'run', options: { check: true, planOut: 'p.json' } });
    expect(parseCli(['apply', 'p.json', '--allow-stale'])).toEqual({ kind: 'apply', argv: ['p.json', '--allow-stale'] });
    expect(parseCli(['show', 'p.json', '--json'])).toEqual({ kind: 'show', argv: ['p.json', '--json'] });
  });

  it('a file that is not a plan, or of another format, is refused naming the file (exit 4)', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'lvs-play-plan/99' }));
    const err = await applyCommand([bad], sink()).catch((e: unknown) => e);
    expect((err as LvsError).code).toBe('E_PLAN');
    expect((err as LvsError).message).toMatch(/bad\.json: format: unknown plan format "lvs-play-plan\/99"/);
  });
});

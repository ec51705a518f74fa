/**
 * Hostile inputs (issue 24), property-based (fast-check): CLI argument vectors, inventories (INI,
 * YAML, JSON, TypeScript modules), vars files and plan files — random and mutated from real ones. Every
 * case must end in the documented behaviour:
 *   - the CLI (a child process in a network namespace of its own, `unshare -n`: nothing can be
 *     contacted) exits with a documented code (0, 2, 3, 4, 5, 6), prints no stack frame, writes no
 *     file outside its work dir, runs no canary, within 30 s and 400 MB of heap;
 *   - the parsers, in process, return or throw an LvsError (exit 4/5 in the CLI), never another
 *     error, each case within 2 s.
 * A case outside that is "unexplained"; the suite records `hostile inputs: H cases, U unexplained`
 * in the faults summary line and fails unless U is 0. A fixed seed by default (LVS_FUZZ_SEED=random
 * explores), so CI replays the same cases.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LvsError } from '../../src/errors.js';
import { loadInventory } from '../../src/inventory/load.js';
import { parseExtraVars } from '../../src/inventory/extra-vars.js';
import { readPlanFile } from '../../src/plan/saved/format.js';
import { seal } from '../../src/plan/saved/integrity.js';
import { runPlaybook } from '../../src/cli/run.js';
import { ROOT } from '../lab/support.js';
import { recordHostile } from './record.js';

const SEED_ENV = process.env.LVS_FUZZ_SEED;
const SEED = SEED_ENV === 'random' ? Date.now() % 2 ** 31 : Number(SEED_ENV ?? 240524);
const RUN = `lvs-hostile-${process.pid}`;
const work = mkdtempSync(join(tmpdir(), `${RUN}-`));
/** A file a canary command would create (outside the work dir, named so it cannot be anything else). */
const CANARY = join(tmpdir(), `${RUN}-canary`);
const OUTSIDE = join(tmpdir(), `${RUN}-outside`);
const unshare = spawnSync('unshare', ['-n', 'true']).status === 0;
const STACK = /\n\s+at (?:async )?\S.*[:(]\S+:\d+:\d+\)?/;
const DOCUMENTED = new Set([0, 2, 3, 4, 5, 6]);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const CANARIES = [`$(touch ${CANARY})`, `\`touch ${CANARY}\``, `; touch ${CANARY};`, `'; touch ${CANARY}; '`, `"; touch ${CANARY}; "`, `\ntouch ${CANARY}\n`];
const NASTY = ['', ' ', '-', '--', '=', '@', '[', ']', '[0:99999999]', '~(a+)+$', 'all:!all', '\u0000', '\u001b[2K', '\u202e', 'é', '🙂', '%s%n', '${PATH}', '..', '../nonexistent-dir/x', '/dev/zero', '/nonexistent/x', 'x'.repeat(5000), '{}', '[]', '{"a":', '!!python/object', '*a', '&a', '0', '-1', '1e309', 'NaN', '99999999999999999999'];
const word = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...NASTY) }, { weight: 2, arbitrary: fc.constantFrom(...CANARIES) }, { weight: 2, arbitrary: fc.string({ maxLength: 12 }) });
const text = fc.array(word, { maxLength: 6 }).map((a) => a.join(''));

/** Every case that ended outside the promise, for the ledger and the failure message. */
const unexplained: string[] = [];
let cases = 0;
function note(ok: boolean, what: string): void {
  cases++;
  if (!ok) unexplained.push(what.slice(0, 300));
}

/** How the CLI cases ended, by exit code (shown in the summary). */
const exits = new Map<number, number>();

/** The CLI on args, without network, bounded: the promise checked, the outcome returned. */
function runCli(given: string[], cwd: string): void {
  // an argument cannot hold a NUL byte (execve ends it there): the part before it is what a shell passes
  const args = given.map((a) => a.split('\0')[0]!);
  const r = spawnSync('unshare', ['-n', process.execPath, '--max-old-space-size=400', join(ROOT, 'dist/src/cli/main.js'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, CI: 'true', HOME: cwd, TMPDIR: cwd, LVS_PLAY_LOAD_TIMEOUT: '5', LVS_PLAY_DEBUG: '' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  exits.set(r.status ?? -1, (exits.get(r.status ?? -1) ?? 0) + 1);
  const why = r.error ? `did not end (${r.error.message})` : !DOCUMENTED.has(r.status ?? -1) ? `exit ${r.status ?? r.signal}` : STACK.test(out) ? 'a stack trace' : r.status !== 0 && !(r.stderr ?? '').trim() ? 'a silent failure' : null;
  note(why === null, `${why}: lvs-play ${JSON.stringify(args).slice(0, 200)} → ${out.slice(-300)}`);
}

/** Nothing outside the work dir: no canary, no file named after this run but the work dir itself. */
function outsideClean(): void {
  const stray = readdirSync(tmpdir()).filter((f) => f.startsWith(RUN) && join(tmpdir(), f) !== work);
  note(stray.length === 0 && !existsSync(CANARY) && !existsSync(OUTSIDE), `written outside the work dir: ${stray.join(', ')}`);
}

/** In process: returns, or throws an LvsError; within 2 s. */
async function settles(what: string, f: () => Promise<unknown>): Promise<void> {
  const t = Date.now();
  try {
    await f();
    note(Date.now() - t < 2000, `${what}: took ${Date.now() - t} ms`);
  } catch (e) {
    note(e instanceof LvsError && Date.now() - t < 2000, `${what}: ${e instanceof LvsError ? `took ${Date.now() - t} ms` : `${(e as Error).name}: ${(e as Error).message}`}`);
  }
}

const GOOD_INI = '[directors]\nlvs1 ansible_host=10.77.0.14 vrrp="{\'state\': \'MASTER\', \'priority\': 150}"\n\n[linux_realservers]\nrs1 ansible_host=10.77.0.16\n\n[all:vars]\nvip=10.77.0.10\nvrrp_auth_pass=x\nkeepalived_install=package\n';
const GOOD_YAML = 'all:\n  vars: { vip: 10.77.0.10, vrrp_auth_pass: x }\n  children:\n    directors:\n      hosts:\n        lvs1: { ansible_host: 10.77.0.14, vrrp: { state: MASTER, priority: 150 } }\n    linux_realservers:\n      hosts:\n        rs1: { ansible_host: 10.77.0.16 }\n';

/** A text mutated: a slice replaced by a hostile word, repeated, or cut. */
const mutate = (base: string) => fc.tuple(fc.nat({ max: base.length }), fc.nat({ max: 40 }), word, fc.constantFrom('replace', 'insert', 'cut', 'repeat')).map(([at, len, w, how]) =>
  how === 'cut' ? base.slice(0, at) : how === 'insert' ? `${base.slice(0, at)}${w}${base.slice(at)}` : how === 'repeat' ? `${base.slice(0, at)}${base.slice(at, at + len).repeat(200)}${base.slice(at + len)}` : `${base.slice(0, at)}${w}${base.slice(at + len)}`);

let realPlan = '';
beforeAll(async () => {
  mkdirSync(join(work, 'h'), { recursive: true });
  writeFileSync(join(work, 'pb.ts'), "import { playbook, play, file } from 'lvs-play';\nexport default playbook('p', [play('files', { hosts: 'all' }, (host) => [file({ path: host.get('dir', '') + '/a.conf', content: 'a=1\\n' })])]);\n");
  writeFileSync(join(work, 'inv.ts'), `export default { hosts: { a: { vars: { dir: ${JSON.stringify(join(work, 'h'))} }, connection: { type: 'local' } } } };\n`);
  process.env.LVS_PLAY_RENDERER = 'silent';
  const sink = new PassThrough().resume();
  const code = await runPlaybook({ playbook: join(work, 'pb.ts'), inventory: join(work, 'inv.ts'), check: true, diff: false, extraVars: [], forks: 1, listHosts: false, listTasks: false, verbose: 0, acceptNewHostKeys: false, planOut: join(work, 'real-plan.json') }, sink);
  expect(code).toBe(0);
  realPlan = readFileSync(join(work, 'real-plan.json'), 'utf8');
}, 120_000);

describe('hostile inputs', () => {
  it('inventories (INI, YAML, JSON, random and mutated) load or fail with an LvsError, each within 2 s', async () => {
    const before = cases;
    let n = 0;
    const inv = fc.oneof(
      mutate(GOOD_INI).map((t) => ['ini', t] as const),
      mutate(GOOD_YAML).map((t) => ['yml', t] as const),
      fc.jsonValue({ maxDepth: 6 }).map((v) => ['json', JSON.stringify(v)] as const),
      text.map((t) => ['ini', `[g]\nh${t} ansible_host=${t}\n[g:vars]\nv=${t}\n`] as const),
      text.map((t) => ['yml', `all:\n  hosts:\n    ${JSON.stringify(t)}: { ansible_port: ${JSON.stringify(t)} }\n`] as const),
    );
    await fc.assert(fc.asyncProperty(inv, async ([ext, body]) => {
      const f = join(work, `inv-${n++}.${ext}`);
      writeFileSync(f, body);
      await settles(`inventory ${JSON.stringify(body).slice(0, 120)}`, () => loadInventory(f, { cwd: work }));
      rmSync(f, { force: true });
    }), { numRuns: 600, seed: SEED });
    recordHostile('inventories (INI/YAML/JSON, in process)', cases - before, 0);
  }, 300_000);

  it('TypeScript inventories holding hostile values (as data) load or fail with an LvsError; no value runs', async () => {
    const before = cases;
    let n = 0;
    const value = fc.oneof(text, fc.jsonValue({ maxDepth: 4 }));
    const ts = fc.tuple(text, value, value).map(([name, addr, vars]) =>
      `export default { hosts: { ${JSON.stringify(name || 'h')}: { address: ${JSON.stringify(addr)}, vars: { v: ${JSON.stringify(vars)} } } }, groups: { ${JSON.stringify(name)}: { hosts: {} } } };\n`);
    await fc.assert(fc.asyncProperty(ts, async (body) => {
      const f = join(work, `inv-ts-${n++}.ts`);
      writeFileSync(f, body);
      await settles(`TS inventory ${body.slice(0, 120)}`, () => loadInventory(f, { cwd: work }));
    }), { numRuns: 60, seed: SEED });
    note(!existsSync(CANARY), 'a canary ran while loading TS inventories');
    recordHostile('TypeScript inventories (in process)', cases - before, 0);
  }, 300_000);

  it('-e vars (key=value, JSON, YAML files) parse or fail with an LvsError', async () => {
    const before = cases;
    let n = 0;
    const arg = fc.oneof(
      text.map((t) => `k=${t}`),
      text,
      fc.jsonValue({ maxDepth: 8 }).map((v) => JSON.stringify(v)),
      mutate('a: 1\nb: [1, 2]\nc: { d: e }\n').map((t) => {
        const f = join(work, `vars-${n++}.yml`);
        writeFileSync(f, t);
        return `@${f}`;
      }),
    );
    await fc.assert(fc.asyncProperty(fc.array(arg, { minLength: 1, maxLength: 3 }), async (args) => settles(`-e ${JSON.stringify(args).slice(0, 120)}`, () => parseExtraVars(args, { cwd: work }))), { numRuns: 500, seed: SEED });
    recordHostile('-e vars (in process)', cases - before, 0);
  }, 300_000);

  it('plan files, random and mutated from a real one (digest made again or not), are read or refused with an LvsError', async () => {
    const before = cases;
    let n = 0;
    const reseal = (t: string): string => {
      try {
        const p = JSON.parse(t) as Record<string, unknown>;
        if (typeof p !== 'object' || p === null || Array.isArray(p)) return t;
        const body = Object.fromEntries(Object.entries(p).filter(([k]) => !['digest', 'fields', 'signature'].includes(k)));
        return JSON.stringify({ ...body, ...seal(body) });
      } catch {
        return t;
      }
    };
    const plan = fc.oneof(mutate(realPlan), mutate(realPlan).map(reseal), fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)));
    await fc.assert(fc.asyncProperty(plan, async (body) => {
      const f = join(work, `plan-${n++}.json`);
      writeFileSync(f, body);
      await settles(`plan ${body.slice(0, 100)}`, () => readPlanFile(f));
      rmSync(f, { force: true });
    }), { numRuns: 500, seed: SEED });
    recordHostile('plan files (in process)', cases - before, 0);
  }, 300_000);

  it.skipIf(!unshare)('CLI argument vectors and files, through the real CLI without network: documented exit, no stack, nothing outside, no canary', () => {
    const before = cases;
    // the site playbook, copied: a fuzzed --json/--plan-out may overwrite any file it names
    for (const f of ['site.ts', 'site-settings.ts']) writeFileSync(join(work, f), readFileSync(join(ROOT, 'playbooks', f)));
    writeFileSync(join(work, 'bad.ini'), GOOD_INI.replace('rs1', `rs1 ansible_host=${CANARIES[0]}`));
    writeFileSync(join(work, 'big.ini'), '[web]\nweb[00000000:99999999]\n');
    writeFileSync(join(work, 'never.ts'), 'await new Promise(() => {});\nexport default 1;\n');
    writeFileSync(join(work, 'plan.json'), realPlan);
    writeFileSync(join(work, 'mutated-plan.json'), realPlan.replace('"action": "change"', '"action": "skip"'));
    const SUBS = [[], [], [], ['apply'], ['show'], ['init'], ['drain'], ['undrain'], ['status'], ['report', 'merge']];
    const FLAGS = ['-i', '--inventory', '-C', '--check', '-D', '--limit', '-l', '-t', '--tags', '--skip-tags', '-e', '-f', '--forks', '--shard', '--max-fail-percentage', '--list-hosts', '--list-tasks', '--json', '--plan-out', '--plan-key', '-v', '--bogus', '--max-age', '--allow-stale', '--directors-group', '--vip', '--linux', '--from-ansible', '--playbook', '-h'];
    // only files in the work dir (a --json or --plan-out may name any of them: they may be overwritten),
    // devices, and paths in directories that do not exist
    const FILES = ['site.ts', 'pb.ts', 'never.ts', 'bad.ini', 'big.ini', 'plan.json', 'mutated-plan.json', 'inv.ts', '@/dev/zero', '/dev/zero', `${OUTSIDE}/r.json`, 'out.json', '@/etc/passwd'];
    const argv = fc.tuple(fc.constantFrom(...SUBS), fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...FLAGS) }, { weight: 3, arbitrary: fc.constantFrom(...FILES) }, { weight: 2, arbitrary: word }), { maxLength: 8 }))
      .map(([sub, rest]) => [...sub, ...rest]);
    // every vector ends with a --check run's safety: no lab command, no watch (they are not inputs to fuzz)
    // drain/undrain/status on the local-connection inventory would act on this machine: not an input to fuzz
    const safe = (a: string[]) => a[0] !== 'lab' && !a.includes('--watch') && !a.includes('--wait') && !(['drain', 'undrain', 'status'].includes(a[0]!) && a.includes('inv.ts'));
    fc.assert(fc.property(argv.filter(safe), (args) => void runCli(args, work)), { numRuns: 90, seed: SEED });
    // well-formed runs with hostile parts: a playbook, an inventory (some mutated from a good one), hostile option values
    let k = 0;
    const inventory = fc.oneof(fc.constantFrom('bad.ini', 'big.ini', 'inv.ts', 'lab', 'missing.ini'), mutate(GOOD_INI).map((t) => {
      const f = `cli-inv-${k++}.ini`;
      writeFileSync(join(work, f), t);
      return f;
    }));
    const option = fc.tuple(fc.constantFrom('--limit', '-e', '--tags', '--skip-tags', '--forks', '--shard', '--max-fail-percentage', '--json'), word).map(([f, v]) => [f, v]);
    const run = fc.tuple(fc.constantFrom('site.ts', 'pb.ts', 'never.ts', '/dev/zero', 'missing.ts'), inventory, fc.array(option, { maxLength: 3 }), fc.constantFrom(['--check'], ['--list-hosts'], ['--list-tasks'], ['--check', '--diff']))
      .map(([pb, inv, opts, mode]) => [pb, '-i', inv, ...opts.flat(), ...mode]);
    fc.assert(fc.property(run, (args) => void runCli(args, work)), { numRuns: 60, seed: SEED });
    // and the issue's probes, always
    for (const args of [
      ['site.ts', '-i', 'bad.ini', '--list-hosts'], ['site.ts', '-i', 'big.ini', '--list-hosts'], ['never.ts', '-i', 'inv.ts'], ['/dev/zero', '-i', 'inv.ts'],
      ['apply', 'mutated-plan.json'], ['show', 'mutated-plan.json'], ['site.ts', '-i', 'bad.ini', '--limit', '~(a+)+$'], ['init', '--bogus'], ['drain', '--bogus'],
      ['site.ts', '-i', 'bad.ini', '--check', '--json', `${OUTSIDE}/r.json`], ['pb.ts', '-i', 'inv.ts', '-e', 'ansible_host=10.0.0.1', '--check'],
    ]) runCli(args, work);
    outsideClean();
    const tally = [...exits].sort((a, b) => a[0] - b[0]).map(([c, n]) => `exit ${c}: ${n}`).join(', ');
    recordHostile(`CLI vectors (unshare -n; ${tally})`, cases - before, 0);
  }, 600_000);

  afterAll(() => {
    // the suite's figure: unexplained cases are listed, and fail the last test below
    if (unexplained.length) recordHostile('unexplained', 0, unexplained.length, unexplained);
  });

  it('no unexplained case', () => {
    expect(unexplained, `seed ${SEED}`).toEqual([]);
  });
});

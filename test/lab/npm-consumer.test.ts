/**
 * lvs-play from npm, used by a repository outside this one that writes ITS OWN role with the public
 * kit: the authoring guide's example files (examples/authoring/: site.ts, roles/site-health.ts,
 * roles/log-forward.ts), copied as they are FROM THE INSTALLED PACKAGE (they ship in it). That repository's
 * package.json names only lvs-play and typescript; its tsconfig is strict without skipLibCheck. The
 * playbook type-checks, a wrong option does not compile, and on the lab `--check` predicts exactly
 * what the first run changes (the file is then on the hosts), and a second run changes nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureLab, onHost } from './support.js';

const repo = mkdtempSync(join(tmpdir(), 'lvs-consumer-'));
/** The guide's examples as the package ships them (package.json `files`). */
const EXAMPLES = ['site.ts', 'roles/site-health.ts', 'roles/log-forward.ts'];
const SCRIPT = '/usr/local/sbin/site-health';
const HOSTS = ['rs1', 'rs2'];

function run(cmd: string, args: string[]) {
  return spawnSync(cmd, args, { cwd: repo, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 600_000 });
}

interface Row {
  host: string;
  resource: string;
  status: string;
  handler?: boolean;
}
interface Report {
  check: boolean;
  summary: Record<string, { changed: number; failed: number }>;
  results: Row[];
}

/** Runs the consumer's playbook on the lab with the installed CLI; returns its JSON report. */
function play(name: string, extra: string[] = []): Report {
  const r = run('npx', ['lvs-play', 'site.ts', '-i', 'lab', '--json', `${name}.json`, ...extra]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(readFileSync(join(repo, `${name}.json`), 'utf8')) as Report;
}

const changed = (r: Report): string[] =>
  r.results
    .filter((x) => x.status === 'changed')
    .map((x) => `${x.host} ${x.handler ? 'handler ' : ''}${x.resource}`)
    .sort();

const removeScript = () => Promise.all(HOSTS.map((h) => onHost(h, `rm -f ${SCRIPT} ${SCRIPT}.*~`)));

describe('lvs-play installed from npm pack in another repository, with a role of its own', () => {
  beforeAll(async () => {
    await ensureLab();
    const out = execFileSync('npm', ['pack', '--pack-destination', repo], { cwd: ROOT, encoding: 'utf8' });
    const tgz = readdirSync(repo).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack produced no tarball: ${out}`);
    writeFileSync(
      join(repo, 'package.json'),
      JSON.stringify({ name: 'my-lvs-site', private: true, type: 'module', dependencies: { 'lvs-play': `file:./${tgz}` }, devDependencies: { typescript: '^5.9.0' } }, null, 2),
    );
    writeFileSync(
      join(repo, 'tsconfig.json'),
      // allowImportingTsExtensions: the examples import their own files as .ts (docs/authoring.md, as `lvs-play init` writes it)
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, allowImportingTsExtensions: true }, include: ['*.ts', 'roles/*.ts'] }, null, 2),
    );
    const inst = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']);
    if (inst.status !== 0) throw new Error(`npm install failed: ${inst.stderr}`);
    mkdirSync(join(repo, 'roles'));
    for (const f of EXAMPLES) copyFileSync(join(repo, 'node_modules/lvs-play/examples/authoring', f), join(repo, f));
    await removeScript();
  });

  afterAll(async () => {
    await removeScript(); // the lab as it was
    rmSync(repo, { recursive: true, force: true });
  });

  it('the guide\'s examples ship in the package, byte for byte as in the repository', () => {
    for (const f of EXAMPLES) expect(readFileSync(join(repo, f), 'utf8')).toBe(readFileSync(join(ROOT, 'examples/authoring', f), 'utf8'));
  });

  it('names only lvs-play and typescript, and type-checks strictly (no skipLibCheck)', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies: object; devDependencies: object };
    expect(Object.keys(pkg.dependencies)).toEqual(['lvs-play']);
    expect(Object.keys(pkg.devDependencies)).toEqual(['typescript']);
    const cfg = readFileSync(join(repo, 'tsconfig.json'), 'utf8');
    expect(cfg).toContain('"strict": true');
    expect(cfg).not.toContain('skipLibCheck');
    const r = run('npx', ['tsc', '-p', '.']);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('refuses, at compile time, a wrong option of its own role and of a lvs-play role', () => {
    const site = readFileSync(join(repo, 'site.ts'), 'utf8');
    const wrong = site.replace('siteHealth({ port: 80,', "siteHealth({ port: 'eighty',").replace('tcpPorts: [80]', "tcpPorts: ['eighty']");
    expect(wrong).not.toBe(site);
    writeFileSync(join(repo, 'wrong.ts'), wrong);
    try {
      const r = run('npx', ['tsc', '-p', '.']);
      expect(r.status).not.toBe(0);
      const errors = r.stdout.split('\n').filter((l) => l.includes('error TS'));
      expect(errors).toHaveLength(2);
      for (const e of errors) expect(e).toMatch(/^wrong\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
    } finally {
      rmSync(join(repo, 'wrong.ts'), { force: true });
    }
  });

  it('on the lab: --check predicts exactly the first run; the file is on the hosts; a second run changes nothing', async () => {
    const check = play('check', ['--check']);
    expect(check.check).toBe(true);
    const predicted = changed(check);
    for (const h of HOSTS) {
      expect(predicted).toContain(`${h} site-health ${SCRIPT} (Debian)`);
      expect(predicted).toContain(`${h} handler command site-health first check`);
      expect(await onHost(h, `test -e ${SCRIPT} && echo present || echo absent`)).toBe('absent\n');
    }

    const first = play('first');
    expect(changed(first)).toEqual(predicted);
    for (const h of HOSTS) {
      const text = await onHost(h, `cat ${SCRIPT}`);
      expect(text).toBe('#!/bin/sh\n# site-health: does the web service answer on this host? (written by lvs-play, role site-health)\nexec curl -fsS -o /dev/null --max-time 2 http://127.0.0.1:80/\n');
      expect(await onHost(h, `stat -c '%a %U %G' ${SCRIPT}`)).toBe('755 root root\n');
    }

    const second = play('second');
    expect(changed(second)).toEqual([]);
    for (const h of HOSTS) expect(second.summary[h]).toMatchObject({ changed: 0, failed: 0 });
  });
});

/**
 * Roles are reusable from npm: a repository outside this one installs lvs-play from `npm pack`,
 * writes its own playbook against `lvs-play/roles`, type-checks it (a wrong option does NOT
 * compile) and runs it with --check against the lab.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureLab } from './support.js';

const repo = mkdtempSync(join(tmpdir(), 'lvs-consumer-'));

function sh(cmd: string, args: string[], cwd = repo) {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 600_000 });
}

const PLAYBOOK = `import { playbook, play } from 'lvs-play';
import { linuxRealServer, directorBase } from 'lvs-play/roles';

export default playbook('my site', [
  play('my real servers', { hosts: 'linux_realservers' }, (host) => [
    linuxRealServer({ vip: host.get('vip', '10.77.0.10'), tcpPorts: [80], checkListeners: false }),
  ]),
  play('my directors', { hosts: 'directors' }, () => [directorBase()]),
]);
`;

describe('lvs-play installed from npm pack in another repository', () => {
  beforeAll(async () => {
    await ensureLab();
    const out = execFileSync('npm', ['pack', '--pack-destination', repo], { cwd: ROOT, encoding: 'utf8' });
    const tgz = readdirSync(repo).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack produced no tarball: ${out}`);
    writeFileSync(
      join(repo, 'package.json'),
      JSON.stringify({ name: 'my-lvs-site', private: true, type: 'module', dependencies: { 'lvs-play': `file:./${tgz}` }, devDependencies: { typescript: '^5.9.0', '@types/node': '^20.19.0' } }, null, 2),
    );
    writeFileSync(
      join(repo, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }, include: ['*.ts'] }, null, 2),
    );
    writeFileSync(join(repo, 'site.ts'), PLAYBOOK);
    const inst = sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']);
    if (inst.status !== 0) throw new Error(`npm install failed: ${inst.stderr}`);
  });

  it('type-checks a playbook written against lvs-play/roles', () => {
    const r = sh('npx', ['tsc', '-p', '.']);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('refuses, at compile time, a role option of the wrong type', () => {
    writeFileSync(join(repo, 'wrong.ts'), PLAYBOOK.replace('tcpPorts: [80]', "tcpPorts: ['eighty']"));
    try {
      const r = sh('npx', ['tsc', '-p', '.']);
      expect(r.status).not.toBe(0);
      expect(r.stdout).toMatch(/wrong\.ts.*error TS2322/);
    } finally {
      spawnSync('rm', ['-f', join(repo, 'wrong.ts')]);
    }
  });

  it('runs it with --check against the lab', () => {
    const r = sh('npx', ['lvs-play', 'site.ts', '-i', join(ROOT, 'inventory', 'lab.ts'), '--check']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/PLAY RECAP/);
    expect(r.stdout).toMatch(/rs1\s+: ok=\d+\s+changed=\d+\s+failed=0/);
    expect(r.stdout).toMatch(/lvs1\s+: ok=\d+\s+changed=\d+\s+failed=0/);
    expect(r.status).toBe(0);
  });
});

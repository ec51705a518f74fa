/**
 * The CLI as users run it (the built dist/): listing without connecting, validation before any
 * host is touched, the JSON report, Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cli, ensureLab } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'lvs-cli-'));
const slow = join(dir, 'slow.ts');
writeFileSync(
  slow,
  `import { playbook, play, command, sh } from 'lvs-play';
export default playbook('slow', [
  play('sleepers', { hosts: 'linux_realservers:directors' }, () => [
    command({ name: 'sleep', cmd: sh\`sleep 20\` }),
  ]),
]);
`,
);

describe('lvs-play CLI', () => {
  beforeAll(ensureLab);

  it('lists hosts and tasks of the prod site with no network at all (nothing is contacted)', () => {
    // `unshare -n`: a new, empty network namespace — any connection attempt would fail
    const run = (args: string[]) => {
      const p = spawn('unshare', ['-n', process.execPath, join(ROOT, 'dist/src/cli/main.js'), ...args], { cwd: ROOT });
      return new Promise<{ code: number | null; out: string }>((res) => {
        let out = '';
        p.stdout.on('data', (b: Buffer) => (out += b));
        p.stderr.on('data', (b: Buffer) => (out += b));
        p.on('close', (code) => res({ code, out }));
      });
    };
    return Promise.all([
      run(['playbooks/site.ts', '-i', 'prod', '--list-hosts']).then(({ code, out }) => {
        expect(out).toMatch(/lvs1\s+192\.168\.1\.14/);
        expect(out).toMatch(/web2\s+192\.168\.1\.17/);
        expect(code).toBe(0);
      }),
      run(['playbooks/site.ts', '-i', 'prod', '--list-tasks']).then(({ code, out }) => {
        expect(out).toMatch(/keepalived/);
        expect(out).toMatch(/windows-realserver/);
        expect(code).toBe(0);
      }),
    ]);
  });

  it('rejects a bad -e and a bad inventory before any host is touched (exit 4, file and field named)', () => {
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'all:\n  hosts:\n    x1:\n      ansible_host: 10.77.0.300\n      ansible_port: 70000\n');
    const r = cli([slow, '-i', bad]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/bad\.yml/);
    expect(r.stderr).toMatch(/x1/);
    expect(r.stderr).toMatch(/70000/);
  });

  it('Ctrl-C closes every connection, prints the recap and writes the report', async () => {
    const json = join(dir, 'report.json');
    const p = spawn(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), slow, '-i', 'lab', '--json', json], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true' },
    });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b));
    p.stderr.on('data', (b: Buffer) => (out += b));
    await new Promise((r) => setTimeout(r, 3000));
    const t0 = Date.now();
    p.kill('SIGINT');
    const code = await new Promise<number | null>((res) => p.on('close', res));
    const took = Date.now() - t0;
    expect(code).toBe(99);
    expect(took).toBeLessThan(5000);
    expect(out).toMatch(/interrupted: closing connections/);
    expect(out).toMatch(/PLAY RECAP/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { aborted: boolean; summary: Record<string, unknown> };
    expect(report.aborted).toBe(true);
    expect(Object.keys(report.summary).sort()).toEqual(['lvs1', 'lvs2', 'rs1', 'rs2']);
  });
});

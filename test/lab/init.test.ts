/**
 * `lvs-play init` makes a repository that works as it is: run from flags and from an Ansible INI
 * inventory in temp dirs, the packed lvs-play (npm pack) installed, the generated repo type-checks,
 * its tests pass and `npx lvs-play playbooks/site.ts -i prod --list-hosts` lists its hosts.
 * Passwords of the INI become secret.env references; their values are never written.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './support.js';

const base = mkdtempSync(join(tmpdir(), 'lvs-init-'));
const fromFlags = join(base, 'my-site');
const fromIni = join(base, 'from-ansible');
const asIs = join(base, 'as-generated');

function sh(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: 600_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}
const lvsPlay = (args: string[], cwd = base) => sh(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), ...args], cwd);

const INI = `[lb]
lb1 ansible_host=192.0.2.14
lb2 ansible_host=192.0.2.15

[web_linux]
rs1 ansible_host=192.0.2.16

[web_win]
win1 ansible_host=192.0.2.18

[web_win:vars]
ansible_connection=psrp
ansible_user=Administrator
ansible_password=Sup3r-Secret-Value

[backends:children]
web_linux
web_win

[cluster:children]
lb
backends

[cluster:vars]
ansible_user=root
vrrp_auth_pass=NotInTheFile
`;

describe('lvs-play init', () => {
  beforeAll(() => {
    const made = lvsPlay(['init', fromFlags, '--vip', '192.0.2.10', '--directors', 'lvs1=192.0.2.14,lvs2=192.0.2.15', '--linux', '192.0.2.16,192.0.2.17', '--windows', '192.0.2.18', '--port', '80']);
    expect(made.code, made.out).toBe(0);
    const pack = sh('npm', ['pack', '--pack-destination', base], ROOT);
    const tgz = readdirSync(base).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack produced no tarball: ${pack.out}`);
    const inst = sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(base, tgz)], fromFlags);
    if (inst.code !== 0) throw new Error(`npm install failed: ${inst.out}`);
  });

  it('from flags: the repository type-checks, its tests pass, --list-hosts lists its hosts', () => {
    expect(readdirSync(fromFlags).sort()).toEqual(['.gitignore', 'README.md', 'inventory', 'node_modules', 'package-lock.json', 'package.json', 'playbooks', 'roles', 'test', 'tsconfig.json']);
    const pkg = JSON.parse(readFileSync(join(fromFlags, 'package.json'), 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string> };
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['check', 'apply', 'test']));
    expect(pkg.dependencies['lvs-play']).toMatch(/lvs-play-.*\.tgz$/);
    const tsc = sh('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'], fromFlags);
    expect(tsc.out).toBe('');
    const tests = sh('npx', ['vitest', 'run'], fromFlags);
    expect(tests.code, tests.out).toBe(0);
    expect(tests.out).toMatch(/Tests\s+4 passed/);
    const hosts = sh('npx', ['lvs-play', 'playbooks/site.ts', '-i', 'prod', '--list-hosts'], fromFlags);
    expect(hosts.code, hosts.out).toBe(0);
    expect(hosts.stdout).toContain('play "linux real servers" (linux_realservers): 2 host(s)\n    rs1  192.0.2.16\n    rs2  192.0.2.17');
    expect(hosts.stdout).toContain('play "windows real servers" (windows): 1 host(s)\n    web1  192.0.2.18');
    expect(hosts.stdout).toContain('play "keepalived rollout" (directors): 2 host(s)\n    lvs2  192.0.2.15\n    lvs1  192.0.2.14');
  });

  it('the generated package.json installs as it is: lvs-play unpublished, so the package init ran from (file:)', () => {
    const made = lvsPlay(['init', asIs, '--vip', '192.0.2.10']);
    expect(made.code, made.out).toBe(0);
    expect(made.stdout).toContain('is not on the npm registry');
    const pkg = JSON.parse(readFileSync(join(asIs, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['lvs-play']).toBe(`file:${ROOT}`);
    const inst = sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], asIs);
    expect(inst.code, inst.out).toBe(0);
    const hosts = sh('npx', ['lvs-play', 'playbooks/site.ts', '-i', 'prod', '--list-hosts'], asIs);
    expect(hosts.code, hosts.out).toBe(0);
    expect(hosts.stdout).toContain('play "keepalived rollout" (directors): 2 host(s)');
    expect(sh('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'], asIs).out).toBe('');
  });

  it('--from-ansible with groups lb, web, winweb (no settings): all three picked', () => {
    const dir = join(base, 'lb-web-winweb');
    writeFileSync(join(base, 'lb.ini'), '[lb]\nlb1 ansible_host=192.0.2.14\nlb2 ansible_host=192.0.2.15\n[web]\nrs1 ansible_host=192.0.2.16\n[winweb]\nwin1 ansible_host=192.0.2.18\n[winweb:vars]\nansible_connection=psrp\n');
    const made = lvsPlay(['init', dir, '--from-ansible', join(base, 'lb.ini'), '--vip', '192.0.2.10']);
    expect(made.code, made.out).toBe(0);
    const inv = readFileSync(join(dir, 'inventory', 'prod.ts'), 'utf8');
    expect(inv).toContain('// Group settings: directors=lb, Linux real servers=web, Windows real servers=winweb.');
    expect(inv).toMatch(/directors_group: 'lb'/);
    expect(inv).toMatch(/linux_realservers_group: 'web'/);
    expect(inv).toMatch(/windows_realservers_group: 'winweb'/);
  });

  it('--from-ansible: groups, children, vars and connections converted; secrets only as secret.env references', () => {
    writeFileSync(join(base, 'hosts.ini'), INI);
    const made = lvsPlay(['init', fromIni, '--from-ansible', join(base, 'hosts.ini'), '--vip', '192.0.2.10']);
    expect(made.code, made.out).toBe(0);
    const inv = readFileSync(join(fromIni, 'inventory', 'prod.ts'), 'utf8');
    expect(inv).not.toContain('Sup3r-Secret-Value');
    expect(inv).not.toContain('NotInTheFile');
    expect(inv).toContain("password: secret.env('WEB_WIN_PASSWORD')");
    expect(inv).toContain('// vrrp_auth_pass: not copied (a secret)');
    expect(inv).toMatch(/directors_group: 'lb'/);
    expect(inv).toMatch(/children: \['web_linux', 'web_win'\]/);
    symlinkSync(join(fromFlags, 'node_modules'), join(fromIni, 'node_modules'));
    expect(sh('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'], fromIni).out).toBe('');
    const hosts = sh('npx', ['lvs-play', 'playbooks/site.ts', '-i', 'prod', '--list-hosts'], fromIni);
    expect(hosts.code, hosts.out).toBe(0);
    expect(hosts.stdout).toContain('play "windows real servers" (web_win): 1 host(s)\n    win1  192.0.2.18');
    expect(hosts.stdout).toContain('play "directors: base" (lb): 2 host(s)\n    lb1  192.0.2.14\n    lb2  192.0.2.15');
    const tests = sh('npx', ['vitest', 'run'], fromIni);
    expect(tests.code, tests.out).toBe(0);
  });
});

/**
 * Secrets never leak. Real runs of the CLI against the lab with an auth_pass, a become password,
 * a key passphrase and a WinRM password — two of them shorter than 3 characters — then every place
 * a secret could surface is searched for each of them:
 *   stdout and stderr (the terminal, with -v and --diff), the --json report, a saved plan
 *   (--plan-out), error messages (a wrong become password, a wrong passphrase, a WinRM host that
 *   does not answer), `ps -eo args` sampled during the run on the control node (which sees every
 *   lab host's processes too) and inside the lab host itself, and every file the run left on the
 *   control node (/tmp, /var/tmp, $HOME, the checkout).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_SUDO_PASSWORD } from '../../src/lab/index.js';
import { paths } from '../../src/lab/paths.js';
import { ensureLab, onHost, ROOT } from '../lab/support.js';
import { recordSecrets } from './record.js';

const RUN = randomBytes(4).toString('hex');
const SECRETS = {
  auth_pass: '~^', // 2 characters: still a secret
  'WinRM password': '¤§', // 2 characters
  'key passphrase': `pp-${RUN}-µ¶`,
  'become password': LAB_SUDO_PASSWORD,
  'wrong become password': `wb-${RUN}`,
  'wrong passphrase': `wp-${RUN}`,
} as const;
type SecretName = keyof typeof SECRETS;

const dir = mkdtempSync(join(tmpdir(), 'lvs-secrets-'));
const samplesDir = mkdtempSync(join(tmpdir(), 'lvs-secrets-ps-'));
const marker = join(dir, '.start');
const target = `/tmp/lvs-secrets-${RUN}`;

/** Places searched, and what was found where. */
let checked = 0;
const leaks: string[] = [];
function search(place: string, text: string, names: readonly SecretName[] = Object.keys(SECRETS) as SecretName[]): void {
  checked++;
  for (const n of names) if (text.includes(SECRETS[n])) leaks.push(`${n} in ${place}`);
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  /** `ps -eo args` samples taken while it ran: the control node's, then rs1's own. */
  psControl: string;
  psHost: string;
}

/** Runs the built CLI like a user (async, so `ps` can be sampled on the control node and on rs1 meanwhile). */
async function cli(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  const psLog = join(samplesDir, `${name}.ps`);
  const sampler = spawn('sh', ['-c', `while :; do ps -eo args; sleep 0.02; done > '${psLog}'`], { stdio: 'ignore' });
  let stopHost = false;
  const hostSamples: string[] = [];
  const hostSampler = (async () => {
    while (!stopHost) hostSamples.push(await onHost('rs1', 'for i in 1 2 3 4 5 6 7 8 9 10; do ps -eo args; sleep 0.03; done').catch(() => ''));
  })();
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  // a run that hangs (e.g. a prompt waiting for input) is a failure, not a stuck suite
  const killer = setTimeout(() => child.kill('SIGKILL'), 180_000);
  const code = await new Promise<number | null>((res) => child.on('close', res));
  clearTimeout(killer);
  stopHost = true;
  await hostSampler;
  sampler.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 100));
  return { code, stdout, stderr, psControl: readFileSync(psLog, 'utf8'), psHost: hostSamples.join('') };
}

function searchRun(what: string, r: Ran, json?: string): void {
  search(`${what}: stdout`, r.stdout);
  search(`${what}: stderr`, r.stderr);
  search(`${what}: ps on the control node (${r.psControl.split('\n').length} lines)`, r.psControl);
  search(`${what}: ps on rs1 (${r.psHost.split('\n').length} lines)`, r.psHost);
  if (json && existsSync(json)) search(`${what}: --json`, readFileSync(json, 'utf8'));
}

const sshBase = `type: 'ssh', knownHosts: ${JSON.stringify(paths.knownHosts())}`;
const inv = (name: string, conn: string) =>
  writeFileSync(join(dir, `${name}.ts`), `import { inventory, secret } from 'lvs-play';\nexport default inventory({ hosts: { rs1: { address: '10.77.0.16', connection: { ${conn} } } } });\n`);

beforeAll(async () => {
  await ensureLab();
  writeFileSync(marker, '');
  // an encrypted copy of the lab key (the passphrase only ever reaches ssh-keygen through this test)
  const enc = join(dir, 'key-enc');
  copyFileSync(paths.key(), enc);
  chmodSync(enc, 0o600);
  const kg = spawn('ssh-keygen', ['-p', '-q', '-P', '', '-N', SECRETS['key passphrase'], '-f', enc], { stdio: 'ignore' });
  expect(await new Promise((r) => kg.on('close', r))).toBe(0);
  inv('become', `${sshBase}, user: 'deploy-pw', keyFile: ${JSON.stringify(paths.key())}, becomePassword: secret.env('K12B_BECOME')`);
  inv('passphrase', `${sshBase}, user: 'root', keyFile: ${JSON.stringify(enc)}, passphrase: secret.env('K12B_PASSPHRASE')`);
  writeFileSync(join(dir, 'winrm.ts'), "import { inventory, secret } from 'lvs-play';\nexport default inventory({ hosts: { win1: { address: '10.77.0.18', connection: { type: 'winrm', user: 'Administrator', password: secret.env('K12B_WINRM') } } } });\n");
  writeFileSync(join(dir, 'pb.ts'), `import { playbook, play, file, command, sh } from 'lvs-play';
export default playbook('secrets', [
  play('write as root', { hosts: 'all' }, () => [
    file({ path: ${JSON.stringify(target)}, content: 'secret-free content\\n', mode: 0o600 }),
    command({ cmd: sh\`id -u > ${target}.uid\`, creates: ${JSON.stringify(`${target}.uid`)} }),
  ]),
]);
`);
  writeFileSync(join(dir, 'pb-win.ts'), "import { playbook, play } from 'lvs-play';\nimport { windowsRealServer } from 'lvs-play/roles';\nexport default playbook('w', [play('w', { hosts: 'all' }, () => [windowsRealServer({ vip: '10.77.0.10', tcpPorts: [80] })])]);\n");
});

afterAll(async () => {
  await onHost('rs1', `rm -f ${target} ${target}.uid`).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  rmSync(samplesDir, { recursive: true, force: true });
});

describe('secrets never appear in output, reports, plans, errors, ps, or files left behind', () => {
  it('auth_pass (2 characters): the site in --check --diff -v with --json and --plan-out', async () => {
    const json = join(dir, 'site.json');
    const plan = join(dir, 'site.plan.json');
    const r = await cli('site', ['playbooks/site.ts', '-i', 'lab', '--limit', 'directors', '--check', '--diff', '-v', '--json', json, '--plan-out', plan], { LVS_VRRP_PASS: SECRETS.auth_pass });
    expect(r.code, r.stderr).toBe(0);
    // the change that carries the secret was rendered (its diff masks both auth_pass values)
    expect(r.stdout).toMatch(/changed: \[lvs1\] keepalived-config/);
    searchRun('site --check --diff -v', r, json);
    search('site: --plan-out file', readFileSync(plan, 'utf8'));
  });

  it('become password: a real run as deploy-pw (sudo -S), --diff -v --json; and a wrong one', async () => {
    const json = join(dir, 'become.json');
    const r = await cli('become', [join(dir, 'pb.ts'), '-i', join(dir, 'become.ts'), '--diff', '-v', '--json', json], { K12B_BECOME: SECRETS['become password'] });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(await onHost('rs1', `cat ${target}.uid`)).toBe('0\n'); // it did escalate
    searchRun('become', r, json);
    const json2 = join(dir, 'become-wrong.json');
    const w = await cli('become-wrong', [join(dir, 'pb.ts'), '-i', join(dir, 'become.ts'), '--diff', '-v', '--json', json2], { K12B_BECOME: SECRETS['wrong become password'] });
    expect(w.code).not.toBe(0);
    expect(`${w.stdout}${w.stderr}`).toMatch(/sudo did not accept the become password of deploy-pw/);
    searchRun('wrong become password', w, json2);
  });

  it('key passphrase: a run with an encrypted key, --check --diff -v --json; and a wrong passphrase', async () => {
    const json = join(dir, 'pp.json');
    await onHost('rs1', `rm -f ${target} ${target}.uid`);
    const r = await cli('passphrase', [join(dir, 'pb.ts'), '-i', join(dir, 'passphrase.ts'), '--check', '--diff', '-v', '--json', json], { K12B_PASSPHRASE: SECRETS['key passphrase'] });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    searchRun('passphrase', r, json);
    const json2 = join(dir, 'pp-wrong.json');
    const w = await cli('passphrase-wrong', [join(dir, 'pb.ts'), '-i', join(dir, 'passphrase.ts'), '--check', '-v', '--json', json2], { K12B_PASSPHRASE: SECRETS['wrong passphrase'] });
    expect(w.code).toBe(3);
    searchRun('wrong passphrase', w, json2);
  });

  it('WinRM password (2 characters): the connection error, -v --json, and the local pwsh command line', async () => {
    const json = join(dir, 'winrm.json');
    const r = await cli('winrm', [join(dir, 'pb-win.ts'), '-i', join(dir, 'winrm.ts'), '--check', '-v', '--json', json], { K12B_WINRM: SECRETS['WinRM password'], PATH: `${homedir()}/.dotnet/tools:${process.env.PATH ?? ''}` });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(3);
    searchRun('winrm', r, json);
  });

  it('no file left on the control node holds a secret', async () => {
    const roots = ['/tmp', '/var/tmp', homedir(), ROOT].filter(existsSync);
    // every regular file changed since the runs began (not this test's ps samples), searched as bytes
    const find = spawn('sh', ['-c', `find ${roots.map((r) => `'${r}'`).join(' ')} -xdev \\( -path '*/node_modules' -o -path '*/.git' -o -path '${samplesDir}' -o -path /proc \\) -prune -o -type f -newer '${marker}' -size -50M -print0 2>/dev/null`]);
    let list = '';
    find.stdout.on('data', (b: Buffer) => (list += b.toString()));
    await new Promise((r) => find.on('close', r));
    const files = list.split('\0').filter(Boolean);
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(f, 'latin1');
      } catch {
        continue;
      }
      // compare as UTF-8 bytes
      checked++;
      // a binary file (pwsh's caches …) holds any 2-4 byte sequence by chance: there only the longer secrets count
      const binary = text.includes('\0');
      for (const [n, v] of Object.entries(SECRETS)) {
        const bytes = Buffer.from(v);
        if (binary && bytes.length < 6) continue;
        if (text.includes(bytes.toString('latin1'))) leaks.push(`${n} in file ${f}`);
      }
    }
    expect(files.length).toBeGreaterThan(0);
  });

  afterAll(() => {
    recordSecrets('auth_pass, become, passphrase, WinRM (runs, errors, ps, files)', checked, leaks.length, leaks);
  });

  it('found no leak', () => {
    expect(leaks).toEqual([]);
  });
});

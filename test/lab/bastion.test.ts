/**
 * The lab behind a bastion (`lab up --bastion`): every host accepts SSH only from 10.77.0.30, and
 * `-i lab` reaches them through it (ProxyJump). The reference site converges through it, --check
 * predicts the real run exactly, the second run changes nothing, `status` works, and the bastion
 * sees ONE TCP connection from the control node for a whole run. An ssh_config naming the hosts
 * by alias only (no address in the inventory) works; failures name the hop that failed. The lab
 * is returned to plain `lab up` (direct access) at the end.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostExec, labUp } from '../../src/lab/index.js';
import { bastionConnections } from '../../src/lab/bastion.js';
import { silent } from '../../src/lab/exec.js';
import { paths } from '../../src/lab/paths.js';
import { connectSsh } from '../../src/transport/ssh.js';
import { closeJumpHosts, openJumpHosts } from '../../src/transport/ssh-route.js';
import { makeConnector } from '../../src/cli/connect.js';
import { loadInventory } from '../../src/inventory/load.js';
import { SecretResolver } from '../../src/inventory/secret.js';
import { Redactor } from '../../src/run/redact.js';
import { sh } from '../../src/shell/quote.js';
import type { RunReport } from '../../src/types.js';
import { cli, onHost, ROOT } from './support.js';

const CONTROL = '10.77.0.1';
const tmp = mkdtempSync(join(tmpdir(), 'lvs-bastion-'));
const json = (name: string) => join(tmp, `${name}.json`);
const read = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as RunReport;
const changed = (r: RunReport) => r.results.filter((x) => x.status === 'changed').map((x) => `${x.host} ${x.play} ${x.resource}${x.handler ? ' (handler)' : ''}`).sort();

/** Runs the CLI while counting the bastion's established connections from the control node (max seen). */
async function cliCounting(args: string[]): Promise<{ code: number | null; stdout: string; maxConnections: number }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), ...args], { cwd: ROOT, env: { ...process.env, CI: 'true' } });
  let stdout = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stdout += b.toString()));
  let max = 0;
  let done = false;
  const exited = new Promise<number | null>((res) => child.on('close', (c) => res(c)));
  void exited.then(() => (done = true));
  while (!done) {
    max = Math.max(max, await bastionConnections(CONTROL));
    await new Promise((r) => setTimeout(r, 50));
  }
  return { code: await exited, stdout, maxConnections: max };
}

describe('the lab behind a bastion', () => {
  beforeAll(async () => {
    await labUp({ bastion: true, progress: silent });
  });
  afterAll(async () => {
    await closeJumpHosts();
    await labUp({ progress: silent }); // direct access again, as the other tests expect
    // keepalived stopped, no VIP held (what the other lab tests start from)
    for (const h of ['lvs1', 'lvs2']) await onHost(h, '/etc/init.d/keepalived stop >/dev/null 2>&1; :');
  });

  it('a host does not answer SSH from the control node directly', async () => {
    const t = connectSsh({ host: 'rs1', address: '10.77.0.16', conn: { type: 'ssh', user: 'root', keyFile: paths.key(), knownHosts: paths.knownHosts(), connectTimeoutMs: 1500, sshOptions: { ProxyJump: 'none' } } });
    await expect(t).rejects.toThrow(/cannot connect to rs1 at 10\.77\.0\.16:22/);
  });

  let check: RunReport;
  it('--check through the bastion predicts the changes (one bastion connection for the run)', async () => {
    // something to change on a director and a real server
    await onHost('lvs1', 'rm -f /etc/keepalived/keepalived.conf');
    await onHost('rs1', 'ip addr del 10.77.0.10/32 dev lo 2>/dev/null; true');
    const r = await cliCounting(['playbooks/site.ts', '-i', 'lab', '--check', '--json', json('check')]);
    expect(r.code, r.stdout.slice(-3000)).toBe(0);
    check = read(json('check'));
    expect(changed(check)).toEqual(expect.arrayContaining([expect.stringMatching(/^lvs1 .*keepalived\.conf/), expect.stringMatching(/^rs1 /)]));
    expect(r.maxConnections).toBe(1);
  });

  it('the real run makes exactly those changes, through ONE connection to the bastion', async () => {
    const r = await cliCounting(['playbooks/site.ts', '-i', 'lab', '--json', json('real')]);
    expect(r.code, r.stdout.slice(-3000)).toBe(0);
    expect(changed(read(json('real')))).toEqual(changed(check));
    expect(r.maxConnections).toBe(1);
    expect(await bastionConnections(CONTROL)).toBe(0); // closed at the end of the run
    expect(await onHost('rs1', 'ip -o -4 addr show dev lo')).toMatch(/10\.77\.0\.10\/32/);
  });

  it('the second run changes nothing; status, drain and undrain work through the bastion', () => {
    const r = cli(['playbooks/site.ts', '-i', 'lab', '--json', json('again')]);
    expect(r.code, r.stdout.slice(-3000)).toBe(0);
    for (const [host, s] of Object.entries(read(json('again')).summary)) expect({ host, ...s }).toMatchObject({ host, changed: 0, failed: 0, unreachable: 0 });
    const st = cli(['status', '-i', 'lab']);
    expect(st.code, st.stdout + st.stderr).toBe(0);
    expect(st.stdout).toMatch(/MASTER/);
    const drain = cli(['drain', 'rs2', '-i', 'lab', '--wait', '1s']);
    expect(drain.code, drain.stdout.slice(-2000) + drain.stderr).toBe(0);
    const undrain = cli(['undrain', 'rs2', '-i', 'lab']);
    expect(undrain.code, undrain.stdout.slice(-2000) + undrain.stderr).toBe(0);
  });

  it('-vv tells where each ssh setting came from', () => {
    const r = cli(['playbooks/site.ts', '-i', 'lab', '--check', '--limit', 'rs1', '-vv']);
    expect(r.stdout).toMatch(/ssh settings of rs1[\s\S]*HostName\s+10\.77\.0\.16\s+\[inventory address\]\s+Port\s+22\s+\[default\][\s\S]*ProxyJump\s+root@10\.77\.0\.30\s+\[inventory ssh option -o\]/);
  });

  it('an ssh_config with aliases only: the inventory names no address', async () => {
    const cfg = join(tmp, 'ssh_config');
    writeFileSync(cfg, `Host web-a\n  HostName 10.77.0.16\nHost web-b\n  HostName 10.77.0.17\nHost jump\n  HostName 10.77.0.30\nHost web-*\n  ProxyJump jump\nHost *\n  User root\n  IdentityFile ${paths.key()}\n  UserKnownHostsFile ${paths.knownHosts()}\n  StrictHostKeyChecking yes\n`);
    const ini = join(tmp, 'hosts.ini');
    writeFileSync(ini, `[web]\nweb-a\nweb-b\n[web:vars]\nansible_ssh_common_args='-F ${cfg}'\n`);
    const inv = await loadInventory(ini, { cwd: tmp });
    const connect = makeConnector({ secrets: new SecretResolver(), redactor: new Redactor(), acceptNewHostKeys: false });
    const names: string[] = [];
    for (const h of inv.hosts) {
      const t = await connect(h);
      const r = await (t as import('../../src/types.js').PosixTransport).run(sh`cat /etc/hostname`);
      names.push(`${h.name}=${r.stdout.trim()}`);
      await t.close();
    }
    expect(names).toEqual(['web-a=rs1', 'web-b=rs2']);
    expect(openJumpHosts()).toBe(0); // released with its last host
  });

  it('a chain of two hops and a ProxyCommand (OpenSSH -W through the bastion) reach a host too', async () => {
    const conn = { type: 'ssh' as const, user: 'root', keyFile: paths.key(), knownHosts: paths.knownHosts(), connectTimeoutMs: 5000 };
    // the bastion reached through itself, then rs1: two hops, each host key checked
    const chained = await connectSsh({ host: 'rs1', address: '10.77.0.16', conn: { ...conn, sshOptions: { ProxyJump: 'root@10.77.0.30,root@10.77.0.30' } } });
    expect((await chained.run(sh`cat /etc/hostname`)).stdout.trim()).toBe('rs1');
    expect(openJumpHosts()).toBe(2);
    await chained.close();
    const proxy = `ssh -i ${paths.key()} -o UserKnownHostsFile=${paths.knownHosts()} -o StrictHostKeyChecking=yes -o BatchMode=yes -W %h:%p root@10.77.0.30`;
    const viaCommand = await connectSsh({ host: 'rs2', address: '10.77.0.17', conn: { ...conn, sshOptions: { ProxyCommand: proxy } } });
    expect((await viaCommand.run(sh`cat /etc/hostname`)).stdout.trim()).toBe('rs2');
    await viaCommand.close();
    expect(openJumpHosts()).toBe(0);
  });

  it('failures name the hop: an unreachable target behind the bastion, an unreachable bastion', async () => {
    const conn = { type: 'ssh' as const, user: 'root', keyFile: paths.key(), knownHosts: paths.knownHosts(), connectTimeoutMs: 2000 };
    await expect(connectSsh({ host: 'ghost', address: '10.77.0.99', conn: { ...conn, sshOptions: { ProxyJump: 'root@10.77.0.30' } } }))
      .rejects.toThrow(/cannot connect to ghost at 10\.77\.0\.99:22 via bastion 10\.77\.0\.30/);
    await expect(connectSsh({ host: 'rs1', address: '10.77.0.16', conn: { ...conn, sshOptions: { ProxyJump: 'root@10.77.0.31' } } }))
      .rejects.toThrow(/unreachable via bastion 10\.77\.0\.31: cannot connect/);
    await closeJumpHosts();
  });

  it('a dropped bastion: each host behind it reports the bastion that failed, then reconnects once it is back', async () => {
    const conn = { type: 'ssh' as const, user: 'root', keyFile: paths.key(), knownHosts: paths.knownHosts(), connectTimeoutMs: 2000, sshOptions: { ProxyJump: 'root@10.77.0.30' } };
    const rs1 = await connectSsh({ host: 'rs1', address: '10.77.0.16', conn });
    const rs2 = await connectSsh({ host: 'rs2', address: '10.77.0.17', conn });
    expect(await bastionConnections(CONTROL)).toBe(1);
    // the bastion stops answering and its connection from here is cut
    await hostExec('bastion', ['sh', '-c', 'iptables -w -I INPUT -p tcp --dport 22 -j DROP && pkill -f "sshd: root"; true']);
    try {
      const rs = await Promise.all([rs1.run(sh`true`), rs2.run(sh`true`)]);
      for (const [i, r] of rs.entries()) {
        expect(r.code, `rs${i + 1}`).toBeNull();
        // cut while asked, or refused when reconnecting: either way the bastion is named
        expect(r.stderr).toMatch(/the connection to bastion 10\.77\.0\.30 was lost|unreachable via bastion 10\.77\.0\.30: cannot connect to bastion 10\.77\.0\.30 at 10\.77\.0\.30:22/);
      }
    } finally {
      await hostExec('bastion', ['iptables', '-w', '-D', 'INPUT', '-p', 'tcp', '--dport', '22', '-j', 'DROP']);
    }
    expect((await rs1.run(sh`cat /etc/hostname`)).stdout.trim()).toBe('rs1');
    await Promise.all([rs1.close(), rs2.close()]);
    expect(openJumpHosts()).toBe(0);
  });
});

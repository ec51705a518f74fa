// Integration: the ssh transport against the netns lab (needs root; brings the lab up itself).
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LvsError } from '../../src/errors.js';
import {
  LAB_BECOME_PW_USER,
  LAB_BECOME_USER,
  LAB_SUDO_PASSWORD,
  hostExec,
  labHosts,
  labPaths,
  labUp,
  startSshd,
  stopSshd,
} from '../../src/lab/index.js';
import { sh } from '../../src/shell/quote.js';
import { bufferStream, CHUNK_BYTES } from '../../src/resources/content.js';
import { connectSsh, type SshTransport } from '../../src/transport/ssh.js';
import { openClient } from '../../src/transport/ssh-client.js';
import { fingerprintSha256 } from '../../src/transport/known-hosts.js';
import type { SshConnection } from '../../src/types.js';
import { secret } from '../../src/inventory/secret.js';

const addr = (name: string): string => {
  const h = labHosts().find((x) => x.name === name);
  if (!h) throw new Error(`no lab host ${name}`);
  return h.address;
};
const rootConn = (extra: Partial<SshConnection> = {}): SshConnection => ({
  type: 'ssh',
  user: 'root',
  keyFile: labPaths.key(),
  knownHosts: labPaths.knownHosts(),
  ...extra,
});
const connect = (host: string, extra: Partial<SshConnection> = {}) => connectSsh({ host, address: addr(host), conn: rootConn(extra) });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'connected';
  } catch (e) {
    expect(e).toBeInstanceOf(LvsError);
    return `${(e as LvsError).code}: ${(e as Error).message}`;
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'lvs-ssh-lab-'));
let lvs1: SshTransport;

beforeAll(async () => {
  await labUp({ progress: () => undefined });
  lvs1 = await connect('lvs1');
});
afterAll(async () => {
  await lvs1?.close();
});

describe('ssh transport on the lab', () => {
  it('runs commands with stdin and reports exit codes and stderr', async () => {
    expect(await lvs1.run(sh`hostname`)).toEqual({ code: 0, stdout: 'lvs1\n', stderr: '' });
    const r = await lvs1.run(sh`tr a-z A-Z; echo oops >&2; exit 3`, { stdin: 'hello ssh\n' });
    expect(r).toEqual({ code: 3, stdout: 'HELLO SSH\n', stderr: 'oops\n' });
    const odd = "it's $HOME `x` \"q\"";
    expect((await lvs1.run(sh`printf %s ${odd}`)).stdout).toBe(odd);
    const big = randomBytes(300_000);
    const sum = await lvs1.run(sh`sha256sum | cut -d' ' -f1`, { stdin: big });
    expect(sum.stdout.trim()).toBe(createHash('sha256').update(big).digest('hex'));
    // a ByteStream goes chunk by chunk (several chunks here), byte-exact
    const huge = randomBytes(5 * CHUNK_BYTES + 7);
    const streamed = await lvs1.run(sh`sha256sum | cut -d' ' -f1`, { stdin: bufferStream(huge) });
    expect(streamed.stdout.trim()).toBe(createHash('sha256').update(huge).digest('hex'));
  });

  it('reuses one connection for many concurrent commands', async () => {
    const rs = await Promise.all(Array.from({ length: 24 }, (_, i) => lvs1.run(sh`echo ${i} "$SSH_CONNECTION"`)));
    expect(rs.map((r) => r.stdout.split(' ')[0])).toEqual(Array.from({ length: 24 }, (_, i) => String(i)));
    // Same client address and port every time: one TCP connection.
    const origins = new Set(rs.map((r) => r.stdout.split(' ').slice(1, 3).join(' ')));
    expect(origins.size).toBe(1);
  });

  it('times out a command (code null) without losing the connection', async () => {
    const t0 = Date.now();
    const r = await lvs1.run(sh`sleep 20`, { timeoutMs: 500 });
    expect(r.code).toBeNull();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await lvs1.run(sh`true`)).code).toBe(0);
  });

  it('puts atomically (rename, not in-place) and gets the same bytes back', async () => {
    const dir = '/tmp/lvs-ssh-test';
    await lvs1.run(sh`rm -rf ${dir} && mkdir -p ${dir} && echo old > ${dir}/f && ln ${dir}/f ${dir}/link`);
    const data = randomBytes(200_000);
    await lvs1.put(`${dir}/f`, data, { mode: 0o600 });
    expect((await lvs1.get(`${dir}/f`)).equals(data)).toBe(true);
    // The hard link still holds the old content: the file was replaced, not written in place.
    expect((await hostExec('lvs1', ['cat', `${dir}/link`])).stdout).toBe('old\n');
    expect((await hostExec('lvs1', ['stat', '-c', '%a %U', `${dir}/f`])).stdout.trim()).toBe('600 root');
    expect((await hostExec('lvs1', ['ls', '-A', dir])).stdout.split('\n').filter(Boolean).sort()).toEqual(['f', 'link']);
    await lvs1.put(`${dir}/text`, 'héllo\n');
    expect((await lvs1.get(`${dir}/text`)).toString('utf8')).toBe('héllo\n');
    expect((await hostExec('lvs1', ['stat', '-c', '%a', `${dir}/text`])).stdout.trim()).toBe('644');
    await expect(lvs1.get(`${dir}/missing`)).rejects.toThrow(/missing/);
  });

  it(`becomes root with sudo as ${LAB_BECOME_USER}, and as ${LAB_BECOME_PW_USER} with a password`, async () => {
    const t = await connect('rs1', { user: LAB_BECOME_USER });
    try {
      expect((await t.run(sh`id -un`)).stdout).toBe('root\n');
      expect((await t.run(sh`id -un`, { become: false })).stdout).toBe(`${LAB_BECOME_USER}\n`);
      expect((await t.run(sh`cat`, { stdin: 'through sudo' })).stdout).toBe('through sudo');
      await t.put('/etc/lvs-ssh-test.conf', 'root owned\n', { mode: 0o640 });
      expect((await hostExec('rs1', ['stat', '-c', '%a %U', '/etc/lvs-ssh-test.conf'])).stdout.trim()).toBe('640 root');
      expect((await t.get('/etc/lvs-ssh-test.conf')).toString()).toBe('root owned\n');
      expect((await t.get('/root/.ssh/authorized_keys')).toString()).toContain('lvs-play-lab');
      expect((await hostExec('rs1', ['sh', '-c', 'ls -A /tmp | grep -c lvs-put || true'])).stdout.trim()).toBe('0');
    } finally {
      await t.close();
      await hostExec('rs1', ['rm', '-f', '/etc/lvs-ssh-test.conf']);
    }
    const noPw = await connect('rs1', { user: LAB_BECOME_PW_USER });
    expect((await noPw.run(sh`id -un`)).code).not.toBe(0);
    await noPw.close();
    const pw = await connect('rs1', { user: LAB_BECOME_PW_USER, becomePassword: secret.value(LAB_SUDO_PASSWORD) });
    const r = await pw.run(sh`id -un; cat`, { stdin: 'data after the password' });
    expect(r).toMatchObject({ code: 0, stdout: 'root\ndata after the password' });
    expect(r.stdout + r.stderr).not.toContain(LAB_SUDO_PASSWORD);
    // the password line first, then a streamed input: sudo reads one, the command the other
    const blob = randomBytes(2 * CHUNK_BYTES + 3);
    const viaSudo = await pw.run(sh`sha256sum | cut -d' ' -f1`, { stdin: bufferStream(blob) });
    expect(viaSudo.stdout.trim()).toBe(createHash('sha256').update(blob).digest('hex'));
    await pw.close();
  });

  it('refuses an unknown host key (naming its fingerprint) unless accepted, then records it', async () => {
    const kh = join(tmp, 'known_hosts_unknown');
    const others = readFileSync(labPaths.knownHosts(), 'utf8').split('\n').filter((l) => !l.startsWith(`${addr('lvs2')} `));
    writeFileSync(kh, others.join('\n'));
    const msg = await codeOf(connect('lvs2', { knownHosts: kh }));
    expect(msg).toMatch(/^E_HOSTKEY: .*unknown/);
    const pubs = ['ed25519', 'ecdsa'].map((t) => readFileSync(join(labPaths.hostKeys('lvs2'), `ssh_host_${t}_key.pub`), 'utf8'));
    const fps = pubs.map((p) => fingerprintSha256(Buffer.from(p.split(' ')[1] ?? '', 'base64')));
    expect(fps.some((fp) => msg.includes(fp))).toBe(true);
    expect(msg).toContain('acceptNewHostKeys');

    const t = await connect('lvs2', { knownHosts: kh, acceptNewHostKeys: true });
    expect((await t.run(sh`hostname`)).stdout).toBe('lvs2\n');
    await t.close();
    expect(readFileSync(kh, 'utf8')).toContain(`${addr('lvs2')} `);
    const again = await connect('lvs2', { knownHosts: kh });
    await again.close();
  });

  it('refuses a changed host key, even with acceptNewHostKeys', async () => {
    const kh = join(tmp, 'known_hosts_changed');
    const lines = readFileSync(labPaths.knownHosts(), 'utf8').split('\n');
    const lvs2Lines = lines.filter((l) => l.startsWith(`${addr('lvs2')} `));
    const forged = lines.filter((l) => !l.startsWith(`${addr('lvs1')} `)).concat(lvs2Lines.map((l) => l.replace(addr('lvs2'), addr('lvs1'))));
    writeFileSync(kh, `${forged.join('\n')}\n`);
    const msg = await codeOf(connect('lvs1', { knownHosts: kh, acceptNewHostKeys: true }));
    expect(msg).toMatch(/^E_HOSTKEY: HOST KEY CHANGED for lvs1/);
    expect(msg).toContain('ssh-keygen -R');
    expect(readFileSync(kh, 'utf8')).toBe(`${forged.join('\n')}\n`);
  });

  it('reports an unreachable host as E_CONNECT while other hosts keep working', async () => {
    await stopSshd('rs2');
    try {
      const t0 = Date.now();
      const msg = await codeOf(connect('rs2'));
      expect(msg).toMatch(/^E_CONNECT: /);
      expect(msg).toContain(`${addr('rs2')}:22`);
      expect(msg).toMatch(/ECONNREFUSED/);
      expect(Date.now() - t0).toBeLessThan(5000);
      const rs1 = await connect('rs1');
      expect((await rs1.run(sh`hostname`)).stdout).toBe('rs1\n');
      await rs1.close();
      // Nothing listens at an unused lab address: the connect timeout applies.
      const gone = await codeOf(connectSsh({ host: 'ghost', address: '10.77.0.99', conn: rootConn({ connectTimeoutMs: 1500 }) }));
      expect(gone).toMatch(/^E_CONNECT: cannot connect to ghost at 10\.77\.0\.99:22/);
    } finally {
      await startSshd('rs2');
    }
    const back = await connect('rs2');
    expect((await back.run(sh`hostname`)).stdout).toBe('rs2\n');
    await back.close();
  });

  it('logs in with a passphrase-protected key and through ssh-agent', async () => {
    const key = join(tmp, 'key_pp');
    copyFileSync(labPaths.key(), key);
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'pp-secret', '-f', key]);
    process.env.LVS_TEST_PASSPHRASE = 'pp-secret';
    const t = await connectSsh({
      host: 'client',
      address: addr('client'),
      conn: rootConn({ keyFile: key, passphrase: secret.env('LVS_TEST_PASSPHRASE'), agent: false }),
    });
    expect((await t.run(sh`hostname`)).stdout).toBe('client\n');
    await t.close();

    const sock = join(tmp, 'agent.sock');
    const agentOut = execFileSync('ssh-agent', ['-a', sock], { encoding: 'utf8' });
    const agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(agentOut)?.[1]);
    const oldSock = process.env.SSH_AUTH_SOCK;
    try {
      execFileSync('ssh-add', ['-q', labPaths.key()], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      process.env.SSH_AUTH_SOCK = sock;
      const viaAgent = await connectSsh({ host: 'client', address: addr('client'), conn: rootConn({ keyFile: undefined }) });
      expect((await viaAgent.run(sh`whoami`)).stdout).toBe('root\n');
      await viaAgent.close();
      process.env.SSH_AUTH_SOCK = join(tmp, 'no-agent');
      const none = await codeOf(connectSsh({ host: 'client', address: addr('client'), conn: rootConn({ keyFile: undefined }) }));
      expect(none).toMatch(/^E_CONNECT: /);
    } finally {
      if (oldSock === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = oldSock;
      if (agentPid) process.kill(agentPid);
    }
  });

  it("answers sshd's host-key announcement without asking it to prove every key (as OpenSSH with UpdateHostKeys=no)", async () => {
    const log: string[] = [];
    const client = await openClient({
      host: addr('rs1'), username: 'root', privateKey: readFileSync(labPaths.key(), 'utf8'), debug: (m: string) => log.push(m),
    });
    // the announcement comes right after login; a command's round trip later it has been handled
    await new Promise<void>((resolve, reject) => client.exec('true', (err, ch) => (err ? reject(err) : ch.on('close', () => resolve()).resume())));
    client.end();
    expect(log.some((l) => l.includes('GLOBAL_REQUEST (hostkeys-00@openssh.com)'))).toBe(true);
    expect(log.filter((l) => l.includes('hostkeys-prove'))).toEqual([]);
  });

  it('reaches every lab host as root', async () => {
    for (const h of labHosts()) {
      const t = await connect(h.name);
      expect((await t.run(sh`hostname; ip -4 -o addr show dev eth0`)).stdout).toContain(`${h.name}\n`);
      await t.close();
    }
  });
});

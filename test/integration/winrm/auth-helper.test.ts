/**
 * The WinRM NTLM helper (.NET NegotiateAuthentication, managed NTLM, in the local pwsh) against an
 * NTLM implementation that is not .NET's: Debian's gss-ntlmssp through python3-gssapi
 * (fixtures/ntlm-acceptor.py). Handshake, sealing both ways, a wrong password, a tampered message,
 * and the password never in the helper's command line.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthHelper, prestartHelpers, splitUser } from '../../../src/transport/winrm/auth-helper.js';
import { pwshPath } from '../windows/helpers.js';

const PASSWORD = `S3c'r"et $(x) pw`;
const dir = mkdtempSync(join(tmpdir(), 'lvs-ntlm-test-'));
writeFileSync(join(dir, 'users'), `WORKGROUP:tester:${PASSWORD}\n`, { mode: 0o600 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** This process's child pwsh processes (their pids). */
function pwshChildren(): string[] {
  return readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').split(' ').filter(Boolean)
    .filter((pid) => { try { return /pwsh|dotnet/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8')); } catch { return false; } });
}

type Msg = { ok: boolean; token?: string; done?: boolean; data?: string; error?: string; user?: string };

/** The gss-ntlmssp acceptor, one per test (one security context each). */
function acceptor(): { ask: (m: object) => Promise<Msg>; kill: () => void } {
  const child: ChildProcessWithoutNullStreams = spawn('/usr/bin/python3', [join(import.meta.dirname, 'fixtures', 'ntlm-acceptor.py')], {
    env: { ...process.env, NTLM_USER_FILE: join(dir, 'users') },
  });
  let buf = '';
  const waiting: ((m: Msg) => void)[] = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (s: string) => {
    buf += s;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      waiting.shift()?.(JSON.parse(buf.slice(0, i)) as Msg);
      buf = buf.slice(i + 1);
    }
  });
  return {
    ask: (m) => new Promise((r) => { waiting.push(r); child.stdin.write(`${JSON.stringify(m)}\n`); }),
    kill: () => child.kill(),
  };
}

async function handshake(h: AuthHelper, acc: ReturnType<typeof acceptor>): Promise<Msg> {
  const negotiate = await h.step('');
  const challenge = await acc.ask({ op: 'step', token: negotiate.token });
  expect(challenge.ok).toBe(true);
  const authenticate = await h.step(challenge.token ?? '');
  expect(authenticate.done).toBe(true);
  return acc.ask({ op: 'step', token: authenticate.token });
}

describe.skipIf(!pwshPath)('WinRM NTLM helper (managed NTLM) against gss-ntlmssp', () => {
  it('authenticates and seals both ways', async () => {
    const acc = acceptor();
    const h = await AuthHelper.start(pwshPath!, { user: 'WORKGROUP\\tester', password: PASSWORD, target: 'HTTP/localhost' });
    try {
      const done = await handshake(h, acc);
      expect(done).toMatchObject({ ok: true, done: true });
      const sealed = await h.wrap(Buffer.from('<s:Envelope/>'));
      expect(sealed.length).toBe(16 + 13); // NTLMv2 signature + sealed body, as WinRM frames it
      expect(sealed.subarray(16).toString()).not.toBe('<s:Envelope/>');
      const opened = await acc.ask({ op: 'unwrap', data: sealed.toString('base64') });
      expect(Buffer.from(opened.data ?? '', 'base64').toString()).toBe('<s:Envelope/>');
      const back = await acc.ask({ op: 'wrap', data: Buffer.from('reply ü').toString('base64') });
      expect((await h.unwrap(Buffer.from(back.data ?? '', 'base64'))).toString()).toBe('reply ü');
    } finally {
      h.dispose();
      acc.kill();
    }
  });

  it('a tampered message is refused; the password is on no command line', async () => {
    const acc = acceptor();
    const h = await AuthHelper.start(pwshPath!, { user: 'tester', password: PASSWORD, target: 'HTTP/localhost' });
    try {
      await handshake(h, acc);
      const cmdlines = (await import('node:fs')).readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((p) => {
        try { return readFileSync(`/proc/${p}/cmdline`, 'utf8'); } catch { return ''; }
      });
      expect(cmdlines.some((c) => c.includes(PASSWORD))).toBe(false);
      const back = await acc.ask({ op: 'wrap', data: Buffer.from('reply').toString('base64') });
      const bytes = Buffer.from(back.data ?? '', 'base64');
      bytes[bytes.length - 1]! ^= 1;
      await expect(h.unwrap(bytes)).rejects.toThrow(/unwrap/i);
    } finally {
      h.dispose();
      acc.kill();
    }
  });

  it('a wrong password fails the handshake at the acceptor', async () => {
    const acc = acceptor();
    const h = await AuthHelper.start(pwshPath!, { user: 'tester', password: 'wrong', target: 'HTTP/localhost' });
    try {
      const done = await handshake(h, acc);
      expect(done.ok).toBe(false);
    } finally {
      h.dispose();
      acc.kill();
    }
  });

  it('a helper started early (prestartHelpers) is the one a host takes and authenticates; the disposer ends the one no host took', async () => {
    const settle = () => new Promise((r) => setTimeout(r, 500)); // a child's /proc entry names pwsh once it has exec'd
    await settle();
    const before = pwshChildren();
    const dispose = prestartHelpers(pwshPath!, 2);
    await settle();
    expect(pwshChildren().length).toBe(before.length + 2);
    const acc = acceptor();
    const h = await AuthHelper.start(pwshPath!, { user: 'WORKGROUP\\tester', password: PASSWORD, target: 'HTTP/localhost' });
    try {
      expect(pwshChildren().length).toBe(before.length + 2); // it took one of them, started none
      expect(await handshake(h, acc)).toMatchObject({ ok: true, done: true });
      dispose();
      await settle();
      expect(pwshChildren().length).toBe(before.length + 1); // the untaken one ended; the host's is still its own
    } finally {
      h.dispose();
      acc.kill();
    }
  });

  it('splits DOMAIN\\user and user@domain', () => {
    expect(splitUser('DOM\\bob')).toEqual({ user: 'bob', domain: 'DOM' });
    expect(splitUser('bob@dom.example')).toEqual({ user: 'bob', domain: 'dom.example' });
    expect(splitUser('bob')).toEqual({ user: 'bob', domain: '' });
  });
});

/**
 * lvs-play's WinRM client against the lab's WinRM endpoint on loopback (lab/winrm/server.py:
 * NTLM by gss-ntlmssp, WinRS, pwsh running what it receives; held honest by pywinrm in its own
 * tests). Real HTTP, real NTLM on both sides, real sealing, real processes.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LvsError } from '../../../src/errors.js';
import { ps } from '../../../src/shell/powershell.js';
import { RemoteScriptError } from '../../../src/transport/powershell.js';
import { connectWinRm, type ConnectWinRmOptions } from '../../../src/transport/winrm/transport.js';
import type { SecretRef, WinRmConnection } from '../../../src/types.js';
import { pwshPath } from '../windows/helpers.js';
import { startLoopbackWinRm, winrmSkipReason, type LoopbackWinRm } from './server.js';


let srv: LoopbackWinRm;
beforeAll(async () => {
  if (!winrmSkipReason && pwshPath) srv = await startLoopbackWinRm();
}, 60_000);
afterAll(async () => srv?.stop());

const resolveSecret = async (s: SecretRef): Promise<string> => ('value' in s.source ? s.source.value : '');
const open = (conn: Partial<WinRmConnection>, o: Partial<ConnectWinRmOptions> = {}) =>
  connectWinRm({ host: 'win1', address: '127.0.0.1', conn: srv.conn(conn), resolveSecret, ...o });

async function failure(p: Promise<unknown>): Promise<LvsError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(LvsError);
  expect((e as LvsError).message).not.toContain(srv.password);
  return e as LvsError;
}

const alive = (pid: number): boolean => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

describe.skipIf(!!winrmSkipReason || !pwshPath)('WinRM client ↔ the lab endpoint on loopback', () => {
  it('HTTP 5985, NTLM with message encryption: one shell, data as data, big payloads chunked, remote errors', async () => {
    const t = await open({});
    try {
      expect(await t.invoke(ps`"$($data.who) " + ($data.n + 1)`, { who: "ü'\"$(x)", n: 41 })).toBe(`ü'"$(x) 42`);
      const big = 'é'.repeat(200_000); // 400 KB of UTF-8: three Sends under 150 KB
      expect(await t.invoke(ps`$data.s.Length`, { s: big })).toBe(200_000);
      await expect(t.invoke(ps`throw 'boom'`, null)).rejects.toBeInstanceOf(RemoteScriptError);
      // the password went down the NTLM helper's stdin only: on no command line of this machine
      const { readdirSync } = await import('node:fs');
      const lines = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((p) => { try { return readFileSync(`/proc/${p}/cmdline`, 'utf8'); } catch { return ''; } });
      expect(lines.some((l) => l.includes(srv.password))).toBe(false);
    } finally {
      await t.close();
    }
  });

  it('HTTPS 5986 with the CA file: Basic and NTLM', async () => {
    for (const authentication of ['Basic', 'Negotiate'] as const) {
      const t = await open({ useSsl: true, port: srv.https, caFile: srv.ca, authentication });
      try {
        expect(await t.invoke(ps`$data * 2`, 21)).toBe(42);
      } finally {
        await t.close();
      }
    }
  });

  it('a wrong password, a closed port, Basic over HTTP: clear errors naming the fix', async () => {
    const wrong = await failure(open({ password: { type: 'secret', source: { value: 'not-it' } } }));
    expect(wrong.code).toBe('E_CONNECT');
    expect(wrong.message).toMatch(/password was refused \(HTTP 401 after the NTLM handshake\)[\s\S]*fix: check connection.user/);
    const closed = await failure(open({ port: 1 }));
    expect(closed.message).toMatch(/nothing listens on 127.0.0.1:1 \(connection refused\)[\s\S]*winrm quickconfig/);
    const basic = await failure(open({ authentication: 'Basic' }));
    expect(basic.code).toBe('E_INVENTORY');
    expect(basic.message).toMatch(/Basic authentication over HTTP is refused[\s\S]*useSsl: true/);
  });

  it('a certificate for another name is refused (unless skipCertCheck), one from an unknown CA too', async () => {
    const mismatch = await failure(open({ useSsl: true, port: srv.wrongName, caFile: srv.ca }));
    expect(mismatch.message).toMatch(/certificate of 127.0.0.1:\d+ does not verify[\s\S]*ERR_TLS_CERT_ALTNAME_INVALID[\s\S]*caFile/);
    const unknownCa = await failure(open({ useSsl: true, port: srv.https }));
    expect(unknownCa.message).toMatch(/does not verify.*UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    const t = await open({ useSsl: true, port: srv.wrongName, skipCertCheck: true, authentication: 'Basic' });
    await t.close();
  });

  it('the host lock: a second run is refused naming the holder; the lock goes with the first run\'s shell', async () => {
    // the loopback endpoint runs pwsh on this machine: CommonApplicationData is /usr/share here
    const first = await open({}, { lockHolder: 'run A' });
    try {
      const second = await failure(open({}, { lockHolder: 'run B' }));
      expect(second.code).toBe('E_LOCKED');
      expect(second.message).toMatch(/win1 is locked by another lvs-play run \(.*lvs-play.lock: run A\); nothing was changed/);
      expect(await first.invoke(ps`'still mine'`, null)).toBe('still mine');
    } finally {
      await first.close();
    }
    const third = await open({}, { lockHolder: 'run C' });
    await third.close();
    for (const f of ['/usr/share/lvs-play.lock', '/usr/share/lvs-play.lock.holder']) rmSync(f, { force: true });
  });

  it('a Receive that never ends is a timeout: the command is stopped; Ctrl-C (close) stops a command too', async () => {
    const t = await open({}, { commandTimeoutMs: 4_000, operationTimeoutSec: 1 });
    const pidFile = join(srv.dir, 'pid');
    const sleeper = ps`[IO.File]::WriteAllText($data.f, [string]$PID); Start-Sleep -Seconds 120`;
    try {
      const e = await failure(t.invoke(sleeper, { f: pidFile }));
      expect(e.message).toMatch(/did not finish in time/);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
      // Ctrl-C: the run closes every transport while the command runs
      const running = t.invoke(sleeper, { f: pidFile }).catch((x: unknown) => x);
      await expect.poll(() => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')) !== pid, { timeout: 30_000 }).toBe(true);
      const pid2 = Number(readFileSync(pidFile, 'utf8'));
      await t.close();
      expect(await running).toBeInstanceOf(Error);
      await expect.poll(() => alive(pid2), { timeout: 10_000 }).toBe(false);
    } finally {
      await t.close();
    }
  });
});

/**
 * WinRM faults, against the lab's WinRM endpoint on loopback (lab/winrm/server.py: real NTLM by
 * gss-ntlmssp, real TLS, real processes): a wrong password, a closed port and a certificate for
 * another name through the CLI (UNREACHABLE at connect with the fix, exit 3, the password nowhere);
 * a SOAP fault and a Receive that never ends through the transport (their bounds are not CLI
 * options). Skipped, saying why, when lab/winrm/server.py is absent.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LvsError } from '../../src/errors.js';
import { ps } from '../../src/shell/powershell.js';
import { connectWinRm } from '../../src/transport/winrm/transport.js';
import type { SecretRef } from '../../src/types.js';
import { startLoopbackWinRm, winrmSkipReason, type LoopbackWinRm } from '../integration/winrm/server.js';
import { recordFault } from './record.js';
import { badRow, readReport, reportPath, runCli } from './support.js';


let srv: LoopbackWinRm;
beforeAll(async () => {
  if (!winrmSkipReason) srv = await startLoopbackWinRm();
}, 60_000);
afterAll(async () => srv?.stop());

/** The CLI on the one loopback Windows host; its report row for it. */
async function cliRun(name: string, env: Record<string, string>) {
  const json = reportPath(name);
  const res = await runCli(['test/faults/fixtures/win-read.ts', '-i', 'test/faults/fixtures/winrm-inventory.ts', '--json', json], 90_000, {
    WINRM_FAULT_PASSWORD: srv.password, WINRM_FAULT_PORT: String(srv.http), ...env,
  });
  const report = readReport(json, res);
  const leaked = (res.stdout + res.stderr + readFileSync(json, 'utf8')).includes(srv.password);
  return { res, row: badRow(report, 'winlo'), leaked, report };
}

const resolveSecret = async (s: SecretRef): Promise<string> => ('value' in s.source ? s.source.value : '');

describe.skipIf(!!winrmSkipReason)('WinRM faults (loopback endpoint)', () => {
  it('the baseline run works (transport winrm)', async () => {
    const { res, report } = await cliRun('winrm-ok', {});
    expect(res.code, res.stdout.slice(-1500)).toBe(0);
    expect(report.hosts?.['winlo']).toEqual({ transport: 'winrm' });
  });

  const cases: { name: string; env: Record<string, string>; tls?: boolean; error: RegExp }[] = [
    { name: 'winrm wrong password', env: { WINRM_FAULT_PASSWORD: 'not-the-password' }, error: /password was refused \(HTTP 401 after the NTLM handshake\)[\s\S]*fix: check connection.user/ },
    { name: 'winrm closed port', env: { WINRM_FAULT_PORT: '1' }, error: /nothing listens on 127.0.0.1:1 \(connection refused\)[\s\S]*winrm quickconfig/ },
    { name: 'winrm certificate mismatch', env: {}, tls: true, error: /does not verify.*ERR_TLS_CERT_ALTNAME_INVALID[\s\S]*caFile/ },
  ];
  for (const c of cases) {
    it(`${c.name}: UNREACHABLE at connect with the fix, exit 3, the password nowhere`, async () => {
      const env = c.tls ? { WINRM_FAULT_PORT: String(srv.wrongName), WINRM_FAULT_SSL: '1', WINRM_FAULT_CA: srv.ca } : c.env;
      const { res, row, leaked } = await cliRun(c.name.replace(/ /g, '-'), env);
      const ok = res.code === 3 && row?.status === 'unreachable' && row.resource === 'connect' && c.error.test(row.error ?? '') && !leaked;
      recordFault(c.name, `exit ${res.code} in ${res.ms} ms; ${row?.status} at ${row?.resource}: ${(row?.error ?? '').split('\n')[0]}`, ok);
      expect(row?.error ?? '').toMatch(c.error);
      expect({ code: res.code, status: row?.status, leaked }).toEqual({ code: 3, status: 'unreachable', leaked: false });
    });
  }

  it('winrm SOAP fault (the shell vanished on the host): an error with the fault text and codes', async () => {
    const t = await connectWinRm({ host: 'winlo', address: '127.0.0.1', conn: srv.conn({}), resolveSecret });
    try {
      await (t as unknown as { winrs: { close(): Promise<void> } }).winrs.close(); // as the host's idle timeout would
      const e = await t.invoke(ps`1`, null).then(() => null, (x: unknown) => x as LvsError);
      const ok = e instanceof LvsError && /WinRM Command failed: .+\(s:Sender, w:InvalidSelectors, WSManFault 2150858843\)/.test(e.message);
      recordFault('winrm SOAP fault', e ? e.message.split('\n')[0]! : 'no error', ok);
      expect(ok).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('winrm Receive that never ends: a timeout error within its bound, the remote command stopped', async () => {
    const t = await connectWinRm({ host: 'winlo', address: '127.0.0.1', conn: srv.conn({}), resolveSecret, commandTimeoutMs: 4_000, operationTimeoutSec: 1 });
    const t0 = Date.now();
    try {
      const e = await t.invoke(ps`Start-Sleep -Seconds 120`, null).then(() => null, (x: unknown) => x as LvsError);
      const ms = Date.now() - t0;
      const ok = e instanceof LvsError && /did not finish in time/.test(e.message) && ms < 20_000;
      recordFault('winrm hung Receive', `${e?.message.split('\n')[0] ?? 'no error'} after ${ms} ms`, ok);
      expect(ok).toBe(true);
    } finally {
      await t.close();
    }
  });
});

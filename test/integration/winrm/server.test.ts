/**
 * The lab's WinRM endpoint (lab/winrm/server.py) on loopback, held honest by a client known to
 * work with real Windows: Debian's python3-winrm (pywinrm 0.3.0, what Ansible uses). NTLM is
 * accepted by gss-ntlmssp; commands run with this machine's pwsh and /bin/sh.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackWinrmUnavailable, pywinrm, startLoopbackWinrm, type LoopbackWinrm } from './endpoint.js';

const why = loopbackWinrmUnavailable();
let ep: LoopbackWinrm;

interface Run {
  status?: number;
  stdout?: string;
  stderr?: string;
  error?: string;
  message?: string;
}

const pgrep = (pattern: string) => spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).stdout.trim();

describe.skipIf(why !== null)(`WinRM endpoint on loopback, pywinrm as the client${why ? ` (${why})` : ''}`, () => {
  beforeAll(async () => {
    ep = await startLoopbackWinrm();
  });
  afterAll(async () => {
    await ep?.stop();
  });
  const http = () => ({ endpoint: ep.httpUrl, user: ep.user, transport: 'ntlm', encryption: 'always' });
  const https = () => ({ endpoint: ep.httpsUrl, user: ep.user, ca: ep.caFile });

  it('run_ps over HTTP, NTLM with message encryption: output and exit code', async () => {
    const r = await pywinrm<Run>({ ...http(), scenario: 'run_ps', script: 'Write-Output "ps $($PSVersionTable.PSVersion.Major) $(1+2)"; exit 4' }, ep.password);
    expect(r).toMatchObject({ status: 4, stdout: 'ps 7 3\n' });
    expect(ep.log()).toMatch(/Negotiate authentication of Administrator/);
  });

  it('powershell.exe by its full path with arguments (-Version dropped), as Ansible-style bootstraps call it', async () => {
    const enc = Buffer.from('"args ok $(6*7)"', 'utf16le').toString('base64');
    const r = await pywinrm<Run>({ ...http(), scenario: 'run_cmd', command: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      args: ['-Version', '2.0', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Unrestricted', '-EncodedCommand', enc] }, ep.password);
    expect(r).toMatchObject({ status: 0, stdout: 'args ok 42\n' });
  });

  it('run_cmd over HTTP (through /bin/sh), stdout and stderr apart', async () => {
    const r = await pywinrm<Run>({ ...http(), scenario: 'run_cmd', command: 'echo out; echo err >&2; exit 7' }, ep.password);
    expect(r).toEqual({ status: 7, stdout: 'out\n', stderr: 'err\n' });
  });

  it('run_ps and run_cmd over HTTPS, the server certificate validated with the lab CA (NTLM with channel binding, and Basic)', async () => {
    expect(await pywinrm<Run>({ ...https(), transport: 'ntlm', scenario: 'run_ps', script: '"tls $(2*21)"' }, ep.password)).toMatchObject({ status: 0, stdout: 'tls 42\n' });
    expect(await pywinrm<Run>({ ...https(), transport: 'basic', scenario: 'run_cmd', command: 'cmd /c "echo basic"' }, ep.password)).toMatchObject({ status: 0, stdout: 'basic\n' });
    expect(await pywinrm<Run>({ ...https(), transport: 'ntlm', encryption: 'always', scenario: 'run_cmd', command: 'echo sealed-in-tls' }, ep.password))
      .toMatchObject({ status: 0, stdout: 'sealed-in-tls\n' });
  });

  it('HTTPS without the CA: pywinrm refuses the certificate', async () => {
    const r = await pywinrm<Run>({ endpoint: ep.httpsUrl, user: ep.user, transport: 'basic', scenario: 'run_cmd', command: 'echo x' }, ep.password);
    expect(r.error).toBe('SSLError');
  });

  it('a wrong password is a 401 (InvalidCredentialsError), over HTTP and over HTTPS', async () => {
    for (const o of [http(), { ...https(), transport: 'ntlm' }, { ...https(), transport: 'basic' }]) {
      expect((await pywinrm<Run>({ ...o, scenario: 'run_cmd', command: 'echo x' }, `${ep.password}x`)).error).toBe('InvalidCredentialsError');
    }
  });

  it('over HTTP an unencrypted message is refused (AllowUnencrypted=false): 401 after a good NTLM handshake', async () => {
    const r = await pywinrm<Run>({ ...http(), encryption: 'never', scenario: 'run_cmd', command: 'echo x' }, ep.password);
    expect(r.error).toBe('InvalidCredentialsError');
    expect(ep.log()).toMatch(/refused an unencrypted message over HTTP/);
  });

  it('Basic over HTTP is refused: 401 offering Negotiate only; over HTTPS it is offered', async () => {
    const r = await pywinrm<Run>({ endpoint: ep.httpUrl, user: ep.user, transport: 'basic', scenario: 'run_cmd', command: 'echo x' }, ep.password);
    expect(r.error).toBe('InvalidCredentialsError');
    expect(ep.log()).toMatch(/refused Basic over HTTP/);
    const raw = await pywinrm<{ http_status: number; www_authenticate: string }>({ scenario: 'raw', endpoint: ep.httpUrl, user: ep.user, auth: 'basic', body: '<x/>' }, ep.password);
    expect(raw).toMatchObject({ http_status: 401, www_authenticate: 'Negotiate' });
    const none = await pywinrm<{ http_status: number; www_authenticate: string }>({ scenario: 'raw', endpoint: ep.httpsUrl, ca: ep.caFile, body: '<x/>', user: ep.user }, ep.password);
    expect(none).toMatchObject({ http_status: 401, www_authenticate: 'Negotiate, Basic realm="WSMAN"' });
  });

  it('Basic credentials are read in the ANSI code page (Windows-1252) as on Windows: pywinrm\'s Latin-1 "ü" gets in, a UTF-8 one is a 401', async () => {
    const password = 'pa"ss $(x) ü';
    const other = await startLoopbackWinrm({ password });
    try {
      const https = { endpoint: other.httpsUrl, user: other.user, ca: other.caFile };
      expect(await pywinrm<Run>({ ...https, transport: 'basic', scenario: 'run_cmd', command: 'echo latin1' }, password)).toMatchObject({ status: 0, stdout: 'latin1\n' });
      expect(await pywinrm<Run>({ ...https, transport: 'ntlm', scenario: 'run_cmd', command: 'echo ntlm' }, password)).toMatchObject({ status: 0, stdout: 'ntlm\n' });
      const utf8 = `Basic ${Buffer.from(`${other.user}:${password}`, 'utf8').toString('base64')}`;
      const raw = await pywinrm<{ http_status: number }>({ scenario: 'raw', ...https, body: '<x/>', headers: { Authorization: utf8 } }, '');
      expect(raw.http_status).toBe(401);
    } finally {
      await other.stop();
    }
  });

  it('a big stdin in several Send chunks reaches the PowerShell script whole', async () => {
    const r = await pywinrm<Run & { sent: number; chunks: number; sha256: string }>({ ...http(), scenario: 'stdin', lines: 20000, chunk: 100000 }, ep.password);
    expect(r.chunks).toBeGreaterThanOrEqual(8);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${r.sent} ${r.sha256}\n`);
  });

  it('output bigger than one envelope comes in several Receive responses, whole', async () => {
    const before = ep.log().split('\n').filter((l) => l.includes('"POST /wsman')).length;
    const r = await pywinrm<Run>({ ...http(), scenario: 'run_cmd', command: "head -c 600000 /dev/zero | tr '\\0' a" }, ep.password);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('a'.repeat(600_000));
    // auth (3) + Create, Command, >= 6 Receives of at most ~112 KB, Signal, Delete
    expect(ep.log().split('\n').filter((l) => l.includes('"POST /wsman')).length - before).toBeGreaterThanOrEqual(3 + 2 + 6 + 2);
  });

  it('a Send above MaxEnvelopeSizekb (150) is refused with HTTP 413', async () => {
    expect(await pywinrm({ ...http(), scenario: 'envelope', bytes: 160_000 }, ep.password)).toEqual({ http_status: 413 });
  });

  it('Signal terminate ends a long command (and its process group); the command is gone after it', async () => {
    const r = await pywinrm<{ first: string; signal_seconds: number; receive_after: string }>(
      { ...http(), scenario: 'terminate', command: 'echo started; sleep 4321; echo never' }, ep.password);
    expect(r.first).toBe('started\n');
    expect(r.receive_after).toMatch(/w:InvalidSelectors/);
    expect(pgrep('sleep 4321')).toBe('');
  });

  it('Signal ctrl_c interrupts a command: it ends Done with STATUS_CONTROL_C_EXIT as its exit code', async () => {
    const r = await pywinrm<{ first: string; stdout: string; status: number }>({ ...http(), scenario: 'ctrl_c', command: 'echo started; sleep 4323; echo never' }, ep.password);
    expect(r).toEqual({ first: 'started\n', stdout: '', status: 0xc000013a });
    expect(pgrep('sleep 4323')).toBe('');
  });

  it('a Receive with nothing to say within OperationTimeout is the w:TimedOut fault pywinrm retries on', async () => {
    const r = await pywinrm<{ timed_out: boolean; waited: number; stdout: string; status: number }>(
      { ...http(), scenario: 'receive_timeout', operation_timeout: 1, command: 'sleep 3; echo late' }, ep.password);
    expect(r).toMatchObject({ timed_out: true, stdout: 'late\n', status: 0 });
    expect(r.waited).toBeGreaterThanOrEqual(0.9);
  });

  it('SOAP faults (HTTP 500): unknown action, unknown resource URI, unknown ShellId', async () => {
    const shell = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd';
    const fault = async (o: Record<string, unknown>) => (await pywinrm<{ fault: string }>({ ...http(), scenario: 'soap', ...o }, ep.password)).fault;
    expect(await fault({ resource_uri: shell, action: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get', shell_id: 'X' }))
      .toMatch(/'http_status_code': 500.*'fault_subcode': 'a:ActionNotSupported'/);
    expect(await fault({ resource_uri: 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service', action: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get' }))
      .toMatch(/'wsmanfault_code': '2150858770'.*'w:DestinationUnreachable'/);
    expect(await fault({ resource_uri: shell, action: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete', shell_id: 'NO-SUCH-SHELL' }))
      .toMatch(/'wsmanfault_code': '2150858843'.*'fault_code': 's:Sender', 'fault_subcode': 'w:InvalidSelectors'/);
  });

  it('Delete of a shell ends its running commands; the ShellId is then unknown (w:InvalidSelectors, 2150858843)', async () => {
    const r = await pywinrm<{ command_after_delete: string }>({ ...http(), scenario: 'delete', command: 'sleep 4322' }, ep.password);
    expect(r.command_after_delete).toMatch(/2150858843/);
    expect(pgrep('sleep 4322')).toBe('');
  });

  it('an anonymous Identify is answered (WSMANIDENTIFY: unauthenticated), anything else anonymous is a 401', async () => {
    const body = '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>';
    const r = await pywinrm<{ http_status: number; body: string }>({ scenario: 'raw', endpoint: ep.httpUrl, user: ep.user, body, headers: { WSMANIDENTIFY: 'unauthenticated' } }, ep.password);
    expect(r.http_status).toBe(200);
    expect(r.body).toMatch(/<wsmid:ProductVersion>OS: 6\.1\.7601 SP: 1\.0 Stack: 2\.0<\/wsmid:ProductVersion>/);
    expect((await pywinrm<{ http_status: number }>({ scenario: 'raw', endpoint: ep.httpUrl, user: ep.user, body }, ep.password)).http_status).toBe(401);
  });
});

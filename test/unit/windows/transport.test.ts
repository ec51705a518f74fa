/**
 * The PowerShell transport's local side, without pwsh: the session setup it builds (the WinRM
 * credential only in the local pwsh's environment, never pasted) and E_PWSH_MISSING. With a real
 * pwsh: test/integration/windows/transport.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { LvsError } from '../../../src/errors.js';
import { connectPowerShell } from '../../../src/transport/powershell.js';
import { findPwsh, PWSH_INSTALL_HINT } from '../../../src/transport/pwsh-find.js';
import { invocationLine } from '../../../src/transport/pwsh-host.js';
import { buildSessionSetup } from '../../../src/transport/pwsh-session.js';

const PASSWORD = `p'a"s$s\`w;o\nrd $(calc)`;
const secret = { type: 'secret', source: { value: PASSWORD } } as const;

describe('session setup builder', () => {
  it('WinRM: the password is not in $data, only in the env of the local pwsh, and no line sent contains it', () => {
    const s = buildSessionSetup('10.0.0.5', { type: 'winrm', user: 'Administrator', password: secret, useSsl: true, skipCertCheck: true, authentication: 'Negotiate' }, PASSWORD);
    expect(s.data).toEqual({
      kind: 'winrm', address: '10.0.0.5', user: 'Administrator', port: 5986, useSsl: true, authentication: 'Negotiate',
      skipCertCheck: true, openTimeoutMs: 15000, secretEnv: expect.stringMatching(/^LVS_PLAY_WINRM_SECRET_[0-9A-F]{12}$/),
    });
    expect(JSON.stringify(s.data)).not.toContain('p\'a');
    expect(Object.values(s.env)).toEqual([PASSWORD]);
    expect(invocationLine(s.script, s.data)).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(s.script).not.toContain('Administrator');
  });

  it('WinRM defaults: port 5985, Default authentication, certificate checks on', () => {
    const s = buildSessionSetup('web1', { type: 'winrm', user: 'u', password: secret }, 'x');
    expect(s.data).toMatchObject({ port: 5985, useSsl: false, authentication: 'Default', skipCertCheck: false });
  });
});

describe('connectPowerShell errors', () => {
  it('E_PWSH_MISSING with the install hint when pwsh is not there', async () => {
    const e = await connectPowerShell({ host: 'w', address: '127.0.0.1', conn: { type: 'psrp-ssh', user: 'root' }, resolveSecret: async () => '', pwshPath: '/nonexistent/pwsh' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LvsError);
    expect((e as LvsError).code).toBe('E_PWSH_MISSING');
    expect((e as LvsError).message).toContain('dotnet tool install --global PowerShell --version 7.6.9');
    expect(() => findPwsh(undefined, { PATH: '/nonexistent', HOME: '/nonexistent' })).toThrow(PWSH_INSTALL_HINT);
  });
});

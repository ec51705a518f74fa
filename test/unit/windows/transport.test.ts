/**
 * The PowerShell-over-SSH transport's local side, without pwsh: the session setup it builds and
 * E_PWSH_MISSING. With a real pwsh: test/integration/windows/transport.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { LvsError } from '../../../src/errors.js';
import { connectPowerShell } from '../../../src/transport/powershell.js';
import { findPwsh, PWSH_INSTALL_HINT } from '../../../src/transport/pwsh-find.js';
import { invocationLine } from '../../../src/transport/pwsh-host.js';
import { buildSessionSetup } from '../../../src/transport/pwsh-session.js';


describe('session setup builder', () => {
  it('PowerShell over SSH: host, user, port, key and known_hosts as data; strict host keys in the script', () => {
    const s = buildSessionSetup('10.77.0.18', { type: 'psrp-ssh', user: 'root', keyFile: '/k/id', knownHosts: '/k/kh' });
    expect(s.data).toEqual({ kind: 'psrp-ssh', address: '10.77.0.18', user: 'root', port: 22, connectTimeoutSec: 15, keyFile: '/k/id', knownHosts: '/k/kh' });
    expect(s.script).toContain("StrictHostKeyChecking = 'yes'");
    expect(invocationLine(s.script, s.data)).not.toContain('10.77.0.18');
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

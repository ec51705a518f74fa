/**
 * The WinRM bootstrap: constant command line (no script, data or secret on it), the stdin it reads
 * (ASCII base64 lines), and the PowerShell 2.0 answer (exit 97 + version) turned into the host error.
 */
import { describe, expect, it } from 'vitest';
import { ps } from '../../../src/shell/powershell.js';
import { bootstrapCommand, bootstrapInput, EXIT_OLD_POWERSHELL, oldPowerShell, oldPowerShellError } from '../../../src/transport/winrm/bootstrap.js';

describe('WinRM bootstrap', () => {
  it('the command line is constant and small; script and data go to stdin as base64 lines', () => {
    const { cmd, args } = bootstrapCommand();
    expect(cmd).toBe('powershell.exe');
    expect(args.slice(0, 5)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand']);
    expect([cmd, ...args].join(' ').length).toBeLessThan(8191); // cmd.exe's limit
    const input = bootstrapInput(ps`$data.secret`, { secret: "s3cr'et" }).toString('ascii');
    expect(input.split('\r\n').filter(Boolean)).toHaveLength(3);
    expect(input).toMatch(/^[A-Za-z0-9+/=\r\n]+$/);
    expect(args.join(' ')).not.toContain(Buffer.from("s3cr'et").toString('base64'));
  });

  it('PowerShell 2.0 (exit 97 with its version) is the host error naming WMF', () => {
    expect(oldPowerShell(EXIT_OLD_POWERSHELL, 'LVSPSVERSION:2.0\r\n')).toBe('2.0');
    expect(oldPowerShell(0, 'LVSPSVERSION:2.0')).toBeNull();
    const e = oldPowerShellError('win1', '2.0');
    expect(e.code).toBe('E_CONNECT');
    expect(e.message).toMatch(/win1: the host has PowerShell 2.0; .* need PowerShell 3.0 or later \(nothing was changed\)[\s\S]*fix: install WMF 3.0 or later/);
  });
});

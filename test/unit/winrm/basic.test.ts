// Basic credentials as Windows reads them: its ANSI code page (Latin-1 / Windows-1252), not UTF-8.
import { describe, expect, it } from 'vitest';
import { basicCredentials } from '../../../src/transport/winrm/http.js';
import { WinRmError } from '../../../src/transport/winrm/failures.js';

describe('Basic credentials for WinRM', () => {
  it('encodes user:password in Latin-1 (one byte per character), as pywinrm does', () => {
    expect(Buffer.from(basicCredentials('Administrator', 'pa$ü'), 'base64')).toEqual(Buffer.from([...Buffer.from('Administrator:pa$'), 0xfc]));
  });

  it('refuses characters beyond Latin-1 before sending, naming Negotiate as the fix, without the password', () => {
    let err: unknown;
    try {
      basicCredentials('Administrator', 'пароль€');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WinRmError);
    expect((err as WinRmError).fix).toMatch(/Negotiate/);
    expect((err as WinRmError).message).not.toContain('пароль');
  });
});

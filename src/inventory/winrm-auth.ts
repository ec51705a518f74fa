/**
 * Which WinRM settings lvs-play's client can honour, checked before any host is contacted (the
 * inventory's resolution and the transport both ask): NTLM (Default/Negotiate) over HTTP or
 * HTTPS, Basic over HTTPS only. Pure.
 */
import type { WinRmConnection } from '../types.js';

export interface WinRmSettingProblem {
  field: string;
  reason: string;
  fix: string;
}

export function winRmAuthProblem(conn: Pick<WinRmConnection, 'authentication' | 'useSsl'>): WinRmSettingProblem | null {
  const auth = conn.authentication ?? 'Default';
  if (auth === 'Basic' && conn.useSsl !== true) {
    return {
      field: 'authentication',
      reason: 'Basic authentication over HTTP is refused: it would send the password readable by anyone on the path, and it cannot encrypt the messages (Windows also refuses it: AllowUnencrypted is false by default)',
      fix: 'use useSsl: true (HTTPS, port 5986) with Basic, or authentication: Negotiate (NTLM, encrypted over HTTP)',
    };
  }
  if (auth === 'Kerberos' || auth === 'CredSSP') {
    return {
      field: 'authentication',
      reason: `${auth} is not supported by lvs-play's WinRM client`,
      fix: 'use authentication: Negotiate (NTLM; the default) or Basic over HTTPS',
    };
  }
  return null;
}

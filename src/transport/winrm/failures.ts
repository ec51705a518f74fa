/**
 * What can go wrong talking to a WinRM endpoint, each as one sentence and the fix: wrong
 * credentials, a closed port, a certificate that does not verify, a host that does not answer,
 * HTTP errors, SOAP faults. The transport turns them into per-host E_CONNECT errors.
 */
import { describeFault, type SoapFault } from './responses.js';

export type WinRmFailureKind = 'auth' | 'connect' | 'tls' | 'timeout' | 'http' | 'fault' | 'protocol';

export class WinRmError extends Error {
  constructor(
    readonly kind: WinRmFailureKind,
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'WinRmError';
  }
}

type When = 'credentials' | 'after-handshake' | 'no-negotiate' | 'basic' | 'handshake' | 'request';

/** An HTTP status that is not an answer. */
export function httpFailure(status: number, when: When, body = '', wwwAuth?: string | string[]): WinRmError {
  if (status === 401) {
    switch (when) {
      case 'credentials':
        return new WinRmError('auth', 'the user name or password was refused (HTTP 401 after the NTLM handshake)', "check connection.user (a local account, or DOMAIN\\user) and the password's secret");
      case 'after-handshake':
        return new WinRmError('auth', 'the server refused the authenticated session (HTTP 401 after the NTLM handshake)', 'check that the account is an administrator of the host (WinRM admits only those by default) and that nothing between you and the host ends connections');
      case 'basic':
        return new WinRmError('auth', 'Basic authentication was refused (HTTP 401)', "check user and password; Basic must be on in the host's WinRM service (winrm set winrm/config/service/auth @{Basic=\"true\"}) and works for local accounts only");
      default: {
        const offered = [wwwAuth ?? []].flat().join(', ') || 'nothing';
        return new WinRmError('auth', `the server does not offer Negotiate/NTLM authentication (it offers: ${offered})`, 'turn Negotiate on in the WinRM service (it is on by default), or use authentication: Basic over HTTPS');
      }
    }
  }
  const snippet = body.replace(/\s+/g, ' ').trim().slice(0, 300);
  if (status === 413) return new WinRmError('http', 'the server refused a message as too large (HTTP 413)', 'raise MaxEnvelopeSizekb on the host (winrm set winrm/config @{MaxEnvelopeSizekb="500"})');
  return new WinRmError('http', `unexpected HTTP ${status} during the ${when === 'handshake' ? 'NTLM handshake' : 'request'}${snippet ? `: ${snippet}` : ''}`, 'check that the address and port are the host\'s WinRM listener (winrm enumerate winrm/config/listener)');
}

/** A SOAP fault of a WinRS operation. */
export function faultFailure(op: string, f: SoapFault): WinRmError {
  return new WinRmError('fault', `WinRM ${op} failed: ${describeFault(f)}`, 'see the fault text; on the host, `winrm get winrm/config` shows the limits (MaxShellsPerUser, MaxMemoryPerShellMB, MaxEnvelopeSizekb)');
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED',
]);

/** A socket-level failure: refused, unreachable, TLS. */
export function networkFailure(e: Error & { code?: string }, url: URL): WinRmError {
  const where = `${url.hostname}:${url.port}`;
  const code = e.code ?? '';
  if (code === 'ECONNREFUSED') return new WinRmError('connect', `nothing listens on ${where} (connection refused)`, `check connection.port; on the host run \`winrm quickconfig\`${url.protocol === 'https:' ? ' and create an HTTPS listener' : ''} and allow the port in its firewall`);
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new WinRmError('connect', `${where} cannot be reached (${code})`, 'check the address, the route and the firewall (TCP 5985/5986)');
  if (code === 'ECONNRESET' || code === 'EPIPE') return new WinRmError('connect', `${where} closed the connection (${code})`, 'check that this port is WinRM (5985 HTTP, 5986 HTTPS) and connection.useSsl matches it');
  if (TLS_CODES.has(code)) {
    return new WinRmError('tls', `the certificate of ${where} does not verify: ${e.message} (${code})`, "give the CA that signed it as connection.caFile, use the name or address the certificate was made for, or (only on a trusted network) connection.skipCertCheck: true");
  }
  if (code.startsWith('ERR_SSL') || code.startsWith('EPROTO')) return new WinRmError('tls', `TLS with ${where} failed: ${e.message}`, 'check that the port speaks HTTPS and offers TLS 1.2 or later (2008 R2 needs its TLS 1.2 update)');
  return new WinRmError('connect', `${where}: ${e.message}${code ? ` (${code})` : ''}`, 'check the address, port and that WinRM listens');
}

/**
 * The HTTP side of one WinRM host: ONE keep-alive TCP (or TLS) connection carrying SOAP POSTs to
 * /wsman, authenticated once per connection (NTLM in `Authorization: Negotiate`, as Windows and
 * pywinrm do) or on every request (Basic, HTTPS only). Over HTTP every body is sealed with the
 * NTLM session (sealing.ts); over HTTPS TLS protects it. A connection that closes is
 * re-authenticated on the next request (a new NTLM context: NTLM sessions are per connection).
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { AuthHelper } from './auth-helper.js';
import { ENCRYPTED_CONTENT_TYPE, isSealed, sealBody, unsealBody } from './sealing.js';
import { WinRmError, httpFailure, networkFailure } from './failures.js';

export interface WinRmHttpOptions {
  url: URL;
  /** NTLM (the helper holds the context) or Basic (user and password). */
  auth: { kind: 'ntlm'; helper: AuthHelper } | { kind: 'basic'; user: string; password: string };
  /** PEM CA certificates to trust (HTTPS); default: Node's bundled roots. */
  ca?: string | Buffer;
  /** Accept any server certificate (HTTPS), only when the inventory asks. */
  skipCertCheck?: boolean;
  /** How long one request may take before the host is called unresponsive. */
  requestTimeoutMs: number;
}

export interface SoapReply {
  status: number;
  xml: string;
}

type Raw = { status: number; headers: http.IncomingHttpHeaders; body: Buffer; socket: Socket };

const SOAP_TYPE = 'application/soap+xml;charset=UTF-8';

export class WinRmHttp {
  private readonly agent: http.Agent;
  private authed: Socket | null = null;
  private handshakes = 0;
  private readonly inflight = new Set<http.ClientRequest>();

  constructor(private readonly o: WinRmHttpOptions) {
    const common = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1 };
    this.agent =
      o.url.protocol === 'https:'
        ? new https.Agent({ ...common, ...(o.ca ? { ca: o.ca } : {}), rejectUnauthorized: !o.skipCertCheck })
        : new http.Agent(common);
  }

  private get sealed(): boolean {
    return this.o.url.protocol === 'http:';
  }

  /** POSTs one SOAP message; the reply's XML (unsealed) with its HTTP status (200, or 500 with a fault). */
  async post(soap: string): Promise<SoapReply> {
    const auth = this.o.auth;
    if (auth.kind === 'basic') {
      const basic = `Basic ${basicCredentials(auth.user, auth.password)}`;
      const r = await this.raw(Buffer.from(soap), { Authorization: basic, 'Content-Type': SOAP_TYPE });
      return this.reply(r, 'basic');
    }
    if (this.authed === null || this.authed.destroyed) await this.handshake(auth.helper);
    const body = this.sealed ? await sealBody(Buffer.from(soap), (b) => auth.helper.wrap(b)) : Buffer.from(soap);
    const r = await this.raw(body, { 'Content-Type': this.sealed ? ENCRYPTED_CONTENT_TYPE : SOAP_TYPE });
    if (r.status === 401) throw httpFailure(401, 'after-handshake');
    const xml = isSealed(r.headers['content-type']) ? await unsealBody(r.body, (b) => auth.helper.unwrap(b)) : r.body;
    return this.check(r.status, xml.toString('utf8'));
  }

  private reply(r: Raw, how: 'basic'): SoapReply {
    if (r.status === 401) throw httpFailure(401, how);
    return this.check(r.status, r.body.toString('utf8'));
  }

  private check(status: number, xml: string): SoapReply {
    if (status === 200 || (status === 500 && xml.includes('Fault'))) return { status, xml };
    throw httpFailure(status, 'request', xml);
  }

  /** NTLM: negotiate → challenge → authenticate, on an empty POST (what pywinrm sends first). */
  private async handshake(helper: AuthHelper): Promise<void> {
    if (this.handshakes++ > 0) await helper.reset();
    const first = await helper.step('');
    const challenge = await this.raw(Buffer.alloc(0), { Authorization: `Negotiate ${first.token}` });
    const token = challenge.status === 401 ? negotiateToken(challenge.headers['www-authenticate']) : null;
    if (token === null) {
      throw challenge.status === 401 ? httpFailure(401, 'no-negotiate', '', challenge.headers['www-authenticate']) : httpFailure(challenge.status, 'handshake');
    }
    const last = await helper.step(token);
    const done = await this.raw(Buffer.alloc(0), { Authorization: `Negotiate ${last.token}` });
    if (done.status === 401) throw httpFailure(401, 'credentials');
    if (done.status !== 200) throw httpFailure(done.status, 'handshake');
    if (done.socket !== challenge.socket) throw new WinRmError('connect', 'the server changed connections during the NTLM handshake', 'check for a proxy or load balancer that does not keep connections');
    this.authed = done.socket;
  }

  private raw(body: Buffer, headers: Record<string, string>): Promise<Raw> {
    const u = this.o.url;
    return new Promise((resolve, reject) => {
      const req = (u.protocol === 'https:' ? https : http).request({
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent: this.agent,
        timeout: this.o.requestTimeoutMs,
        headers: { ...headers, 'Content-Length': String(body.length), 'User-Agent': 'lvs-play WinRM client' },
      });
      this.inflight.add(req);
      req.on('close', () => this.inflight.delete(req));
      req.on('timeout', () => req.destroy(new WinRmError('timeout', `no answer from ${u.host} in ${Math.round(this.o.requestTimeoutMs / 1000)} s`, 'check that the host is up and WinRM answers (Test-WSMan on it)')));
      req.on('error', (e) => reject(e instanceof WinRmError ? e : networkFailure(e, u)));
      req.on('response', (res) => {
        // the agent takes the socket back at 'end' (res.socket is then null): note it now
        const socket = res.socket as Socket;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(networkFailure(e, u)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), socket }));
      });
      req.end(body);
    });
  }

  /** Ends the requests in flight (their callers get an error); the next request authenticates a new connection. */
  cutInFlight(): void {
    if (this.inflight.size === 0) return;
    for (const req of this.inflight) req.destroy(new WinRmError('connect', 'the request was interrupted', 'the run was interrupted'));
    this.authed = null;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The token of `Negotiate <base64>` (or `NTLM <base64>`) in WWW-Authenticate, or null. */
export function negotiateToken(header: string | string[] | undefined): string | null {
  const values = (Array.isArray(header) ? header : [header ?? '']).flatMap((h) => h.split(','));
  for (const v of values) {
    const m = /^\s*(?:Negotiate|NTLM)\s+([A-Za-z0-9+/=]+)\s*$/i.exec(v);
    if (m) return m[1]!;
  }
  return null;
}

/**
 * `user:password` for Basic, as Windows reads it: in the server's ANSI code page (Windows-1252 on
 * an en-US host; Latin-1 here, as pywinrm sends it), not UTF-8 — a UTF-8 "ü" is a wrong password
 * there. Characters beyond Latin-1 cannot be sent this way: refused before anything is sent.
 */
export function basicCredentials(user: string, password: string): string {
  const text = `${user}:${password}`;
  if ([...text].some((c) => c.codePointAt(0)! > 0xff)) {
    throw new WinRmError('auth', 'the user or password has characters beyond Latin-1, which Basic authentication cannot carry to Windows (it reads them in its ANSI code page)',
      'use authentication: Negotiate (NTLM takes any character), or a password in Latin-1');
  }
  return Buffer.from(text, 'latin1').toString('base64');
}

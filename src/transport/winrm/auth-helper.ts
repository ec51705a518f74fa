/**
 * The NTLM security context of one WinRM host, kept by a long-lived local pwsh (AUTH_HELPER:
 * .NET NegotiateAuthentication with managed NTLM). Node sends one JSON line per request and reads
 * one reply line; requests are serialised (one context, one sequence of sealed messages).
 *
 * The password goes only down this child's stdin pipe (never argv, never env), and every message
 * this module produces is redacted of it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { redact } from '../../mask.js';
import { AUTH_HELPER } from './auth-script.js';

export interface AuthCredentials {
  /** `user`, `DOMAIN\user` or `user@domain`. */
  user: string;
  password: string;
  /** SPN the token is for, e.g. `HTTP/win1`. */
  target: string;
  /** 'NTLM' (default) or 'Negotiate' (SPNEGO; NTLM inside unless Kerberos is available). */
  package?: 'NTLM' | 'Negotiate';
}

type Reply = { ok: true; token?: string; done?: boolean; data?: string } | { ok: false; error: string };

/** Splits `DOMAIN\user` / `user@domain` (NTLM wants them apart; a bare user has an empty domain). */
export function splitUser(user: string): { user: string; domain: string } {
  const bs = user.indexOf('\\');
  if (bs > 0) return { domain: user.slice(0, bs), user: user.slice(bs + 1) };
  const at = user.lastIndexOf('@');
  if (at > 0) return { user: user.slice(0, at), domain: user.slice(at + 1) };
  return { user, domain: '' };
}

const encoded = (script: string): string => Buffer.from(script, 'utf16le').toString('base64');

function spawnHelper(pwshPath: string): ChildProcessWithoutNullStreams {
  return spawn(pwshPath, ['-NoProfile', '-NonInteractive', '-EncodedCommand', encoded(AUTH_HELPER)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, TERM: 'dumb' },
  });
}

/** Helpers started before their host connects, by pwsh path; each waits (no credentials yet) for its init. */
const early = new Map<string, { child: ChildProcessWithoutNullStreams; dead: boolean }[]>();

/** An early helper still running, if any (one that died is dropped: the caller spawns a fresh one, whose failure it reports). */
function takeEarly(pwshPath: string): ChildProcessWithoutNullStreams | undefined {
  const list = early.get(pwshPath) ?? [];
  for (let e = list.shift(); e; e = list.shift()) if (!e.dead) return e.child;
  return undefined;
}

/**
 * Starts `count` helpers now, for the WinRM hosts a run is about to contact: pwsh takes about a second
 * to start, which then overlaps the rest of the run's start-up instead of following it. Returns a
 * disposer that ends those no host took. No credentials go to them until a host's start() takes one.
 */
export function prestartHelpers(pwshPath: string, count: number): () => void {
  const list = early.get(pwshPath) ?? [];
  early.set(pwshPath, list);
  const mine: ChildProcessWithoutNullStreams[] = [];
  for (let i = 0; i < count; i++) {
    const e = { child: spawnHelper(pwshPath), dead: false };
    e.child.on('error', () => (e.dead = true)); // a pwsh that cannot start: the host's own start() says so
    e.child.on('exit', () => (e.dead = true));
    e.child.stdin.on('error', () => undefined);
    list.push(e);
    mine.push(e.child);
  }
  return () => {
    for (const child of mine) {
      const i = list.findIndex((e) => e.child === child);
      if (i < 0) continue; // taken by a host: its transport ends it
      list.splice(i, 1);
      child.stdin.end();
      child.kill();
    }
  };
}

export class AuthHelper {
  private buf = '';
  private waiting: ((r: Reply) => void)[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private exited: string | null = null;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly secrets: readonly string[],
  ) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => this.onData(s));
    child.stderr.on('data', () => undefined);
    child.stdin.on('error', () => undefined);
    child.on('exit', (code) => this.fail(`the local pwsh NTLM helper exited (code ${code})`));
    child.on('error', (e) => this.fail(`the local pwsh NTLM helper did not start: ${e.message}`));
  }

  /** Starts the helper (or takes one started early: prestartHelpers) and hands it the credentials (on stdin). */
  static async start(pwshPath: string, cred: AuthCredentials): Promise<AuthHelper> {
    const child = takeEarly(pwshPath) ?? spawnHelper(pwshPath);
    const h = new AuthHelper(child, [cred.password]);
    const { user, domain } = splitUser(cred.user);
    await h.request({ op: 'init', user, domain, password: cred.password, package: cred.package ?? 'NTLM', target: cred.target });
    return h;
  }

  /** A fresh context with the same credentials (NTLM authenticates each HTTP connection). */
  async reset(): Promise<void> {
    await this.request({ op: 'reset' });
  }

  /** The next handshake token (base64; '' in → the first token). */
  async step(token: string): Promise<{ token: string; done: boolean }> {
    const r = await this.request({ op: 'step', token });
    return { token: r.token ?? '', done: r.done ?? false };
  }

  /** Seals `data`: NTLM's 16-byte signature followed by the sealed bytes. */
  async wrap(data: Buffer): Promise<Buffer> {
    const r = await this.request({ op: 'wrap', data: data.toString('base64') });
    return Buffer.from(r.data ?? '', 'base64');
  }

  /** Verifies and unseals signature + sealed bytes. */
  async unwrap(data: Buffer): Promise<Buffer> {
    const r = await this.request({ op: 'unwrap', data: data.toString('base64') });
    return Buffer.from(r.data ?? '', 'base64');
  }

  dispose(): void {
    if (this.exited !== null) return;
    this.child.stdin.end();
    this.child.kill();
  }

  private request(msg: Record<string, string>): Promise<Reply & { ok: true }> {
    const run = async (): Promise<Reply & { ok: true }> => {
      if (this.exited !== null) throw new Error(this.exited);
      const reply = new Promise<Reply>((resolve) => this.waiting.push(resolve));
      this.child.stdin.write(`${JSON.stringify(msg)}\n`);
      const r = await reply;
      if (!r.ok) throw new Error(redact(r.error, this.secrets));
      return r;
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private onData(s: string): void {
    this.buf += s;
    for (let nl = this.buf.indexOf('\n'); nl >= 0; nl = this.buf.indexOf('\n')) {
      const line = this.buf.slice(0, nl).trim();
      this.buf = this.buf.slice(nl + 1);
      const start = line.indexOf('{');
      if (start < 0) continue;
      let reply: Reply;
      try {
        reply = JSON.parse(line.slice(start)) as Reply;
      } catch {
        reply = { ok: false, error: `unreadable reply from the NTLM helper: ${line.slice(0, 200)}` };
      }
      this.waiting.shift()?.(reply);
    }
  }

  private fail(why: string): void {
    if (this.exited !== null) return;
    this.exited = why;
    for (const w of this.waiting.splice(0)) w({ ok: false, error: why });
  }
}

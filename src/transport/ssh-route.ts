/**
 * How a host is reached: directly (TCP), through jump hosts (ProxyJump: each hop an SSH client,
 * the next one over a channel the previous one forwards), or through a ProxyCommand (a process
 * whose stdin/stdout is the connection). Jump host connections are shared: every host behind one
 * bastion uses ONE connection to it (a keyed, reference-counted pool), closed when its last user
 * closes or on `closeJumpHosts()` (end of run, Ctrl-C). Failures name the hop that failed.
 */
import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { LvsError } from '../errors.js';
import { sshSettings, type JumpSpec, type SettingsInput, type SshSettings } from '../sshconfig/settings.js';
import type { GivenOption } from '../sshconfig/resolve.js';
import { errText, openVerified, tcpConnect, type Endpoint } from './ssh-connect.js';

/** What a route needs besides the target's settings: how to resolve a hop, and its credentials. */
export interface RouteContext {
  /** The target's settings input (its inventory connection and --ssh-config/--timeout). */
  input: SettingsInput;
  resolve: Endpoint['resolve'];
  /** The target's name in messages (its inventory name). */
  label?: string;
}

export interface Route {
  sock: Duplex;
  /** Called when the target connection is done with the route (releases shared hops). */
  release(): void;
  /** The jump host whose connection closed under this route (for messages), or null. */
  lostHop?(): string | null;
}

interface Hop {
  client: Promise<Client>;
  refs: number;
  label: string;
}

const hops = new Map<string, Hop>();
const MAX_HOPS = 8;

/** A hop's settings: its own ssh_config entry; the spec's user/port first; the target's key and known_hosts when its own are not set. */
export function hopSettings(spec: JumpSpec, ctx: RouteContext, viaPrevious: boolean): SshSettings {
  const from = 'ProxyJump';
  const first: GivenOption[] = [];
  if (spec.user) first.push({ key: 'User', args: [spec.user], from });
  if (spec.port) first.push({ key: 'Port', args: [String(spec.port)], from });
  // a later hop is reached through the one before it, whatever its own entry says
  if (viaPrevious) first.push({ key: 'ProxyJump', args: ['none'], from });
  const c = ctx.input.conn;
  const fallback: GivenOption[] = [];
  const inherited = 'the target\'s inventory connection';
  if (c.keyFile) fallback.push({ key: 'IdentityFile', args: [c.keyFile], from: inherited });
  if (c.knownHosts) fallback.push({ key: 'UserKnownHostsFile', args: [c.knownHosts], from: inherited });
  if (c.acceptNewHostKeys) fallback.push({ key: 'StrictHostKeyChecking', args: ['accept-new'], from: inherited });
  const input: SettingsInput = { host: spec.host, conn: { type: 'ssh', ...(c.sshConfig ? { sshConfig: c.sshConfig } : {}) }, first, fallback };
  if (ctx.input.sshConfig) input.sshConfig = ctx.input.sshConfig;
  if (ctx.input.timeoutMs !== undefined) input.timeoutMs = ctx.input.timeoutMs;
  return sshSettings(input);
}

const hopKey = (s: SshSettings, via: string) => `${via}>${s.user}@${s.hostname}:${s.port}`;
const hopLabel = (s: SshSettings) => `bastion ${s.original === s.hostname ? s.hostname : `${s.original} (${s.hostname})`}`;

/** Opens (or shares) the chain of hops; resolves with the last hop's client and a release. */
async function acquireChain(specs: readonly JumpSpec[], ctx: RouteContext, depth: number): Promise<{ client: Client; label: string; release: () => void; lostHop: () => string | null }> {
  let via = '';
  let lost: string | null = null;
  let prev: { client: Client; label: string } | null = null;
  const taken: string[] = [];
  const release = () => taken.forEach((k) => releaseHop(k));
  try {
    for (const [i, spec] of specs.entries()) {
      const s = hopSettings(spec, ctx, i > 0);
      const key = hopKey(s, via);
      let hop = hops.get(key);
      if (!hop) {
        const label = hopLabel(s);
        const previous: { client: Client; label: string } | null = prev;
        hop = { refs: 0, label, client: openHop(s, label, ctx, previous, depth) };
        hops.set(key, hop);
        const mine = hop;
        hop.client.then(
          (c) => c.on('close', () => hops.get(key) === mine && hops.delete(key)),
          () => hops.get(key) === mine && hops.delete(key),
        );
      }
      hop.refs++;
      taken.push(key);
      prev = { client: await hop.client, label: hop.label };
      const label = hop.label;
      prev.client.once('close', () => (lost ??= label));
      via = key;
    }
  } catch (e) {
    release();
    throw e;
  }
  const last = prev as { client: Client; label: string };
  let released = false;
  return { ...last, release: () => !released && (released = true) && release(), lostHop: () => lost };
}

async function openHop(s: SshSettings, label: string, ctx: RouteContext, prev: { client: Client; label: string } | null, depth: number): Promise<Client> {
  const endpoint: Endpoint = { label, settings: s, conn: { type: 'ssh' }, resolve: ctx.resolve };
  let route: Route | undefined;
  try {
    if (prev) route = { sock: await forward(prev.client, prev.label, s), release: () => undefined };
    else route = await openRoute(s, ctx, depth + 1);
    const opened = route;
    const client = await openVerified(endpoint, opened.sock);
    client.on('close', () => opened.release());
    client.on('error', () => undefined); // a dropped bastion closes it; its users see their own close
    return client;
  } catch (e) {
    route?.sock.destroy();
    route?.release();
    if (e instanceof LvsError) throw new LvsError(e.code, `unreachable via ${label}: ${e.reason}`, e.detail);
    throw new LvsError('E_CONNECT', `unreachable via ${label}: cannot connect to ${label} at ${s.hostname}:${s.port}: ${errText(e)}`, {
      fix: `is the ${label} up and its sshd reachable from this machine?`,
    });
  }
}

function releaseHop(key: string): void {
  const hop = hops.get(key);
  if (!hop || --hop.refs > 0) return;
  hops.delete(key);
  void hop.client.then((c) => c.end(), () => undefined);
}

/** A channel from `client` to the target's address (sshd's direct-tcpip), within the target's connect timeout. */
function forward(client: Client, label: string, to: SshSettings): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new Error(`${label} cannot open a channel to ${to.hostname}:${to.port}: no answer in ${to.connectTimeoutMs} ms`));
    }, to.connectTimeoutMs);
    client.forwardOut('127.0.0.1', 0, to.hostname, to.port, (err, stream) => {
      clearTimeout(timer);
      if (late) return void stream?.destroy();
      if (err) reject(new Error(`${label} cannot open a channel to ${to.hostname}:${to.port}: ${errText(err)}`));
      else resolve(stream);
    });
  });
}

/** ProxyCommand: `sh -c 'exec CMD'`; its stdout/stdin are the connection, its stderr the reason when it fails. */
function proxyCommand(cmd: string): Duplex {
  const child = spawn('/bin/sh', ['-c', `exec ${cmd}`], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-2000)));
  const sock = Duplex.from({ readable: child.stdout, writable: child.stdin });
  child.on('error', (e) => sock.destroy(e));
  child.on('exit', (code) => {
    if (code) sock.destroy(new Error(`ProxyCommand exited ${code}${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
  });
  sock.on('close', () => child.exitCode === null && child.kill('SIGTERM'));
  return sock;
}

/** The socket to the target of `s`: TCP, a forwarded channel through its jump hosts, or a ProxyCommand. */
export async function openRoute(s: SshSettings, ctx: RouteContext, depth = 0): Promise<Route> {
  if (depth > MAX_HOPS) throw new LvsError('E_CONNECT', `more than ${MAX_HOPS} jump hosts to reach ${s.original} (a ProxyJump loop?)`, { fix: 'check ProxyJump in ssh_config' });
  if (s.proxyCommand) return { sock: proxyCommand(s.proxyCommand), release: () => undefined };
  if (!s.jump) return { sock: await tcpConnect(s.hostname, s.port, s.connectTimeoutMs), release: () => undefined };
  const chain = await acquireChain(s.jump, ctx, depth);
  try {
    return { sock: await forward(chain.client, chain.label, s), release: chain.release, lostHop: chain.lostHop };
  } catch (e) {
    chain.release();
    throw new LvsError('E_CONNECT', `cannot connect to ${ctx.label ?? s.original} at ${s.hostname}:${s.port} via ${chain.label}: ${errText(e).replace(`${chain.label} cannot open a channel to ${s.hostname}:${s.port}: `, '')}`, {
      fix: `the ${chain.label} answers; is the host up and its sshd reachable from there?`,
    });
  }
}

/** Jump host connections open now (for tests and the bench). */
export function openJumpHosts(): number {
  return hops.size;
}

/** Closes every shared jump host connection (end of run, Ctrl-C). */
export async function closeJumpHosts(): Promise<void> {
  const all = [...hops.values()];
  hops.clear();
  await Promise.all(all.map((h) => h.client.then((c) => c.end(), () => undefined)));
}

/**
 * Opening one authenticated SSH client over a given socket (a TCP connection, a channel forwarded
 * by a jump host, or a ProxyCommand's stdio): credentials from the resolved settings (identity
 * files, agent, password), the host key checked against known_hosts, failures as LvsErrors.
 * Targets and jump hosts go through the same code.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { expandPath } from '../sshconfig/tokens.js';
import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { LvsError } from '../errors.js';
import type { SshSettings } from '../sshconfig/settings.js';
import type { SecretRef, SshConnection } from '../types.js';
import {
  appendKnownHost,
  checkHostKey,
  fingerprintSha256,
  keyTypeOf,
  knownHostName,
  preferredHostKeyAlgorithms,
  readKnownHosts,
  type HostKeyVerdict,
  type KnownHostEntry,
} from './known-hosts.js';
import { openClient, type ConnectConfig } from './ssh-client.js';

export interface Endpoint {
  /** For messages: the inventory name, or `bastion 10.77.0.30`. */
  label: string;
  settings: SshSettings;
  /** Secrets and explicit choices of the inventory (passphrase, password, agent). */
  conn: SshConnection;
  resolve: (s: SecretRef) => Promise<string>;
}

export function errText(e: unknown): string {
  const err = e as { message?: string; code?: string; level?: string };
  return err.code && !String(err.message).includes(err.code) ? `${err.message} (${err.code})` : String(err.message ?? e);
}

/** A connected TCP socket (no Nagle delay: small request/response round trips). */
export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = netConnect({ host, port, noDelay: true });
    const fail = (e: Error) => {
      sock.destroy();
      reject(e);
    };
    sock.setTimeout(timeoutMs, () => fail(Object.assign(new Error(`connect ETIMEDOUT ${host}:${port} (no answer in ${timeoutMs} ms)`), { code: 'ETIMEDOUT' })));
    sock.once('error', fail);
    sock.once('connect', () => {
      sock.setTimeout(0);
      sock.off('error', fail);
      sock.on('error', () => undefined); // ssh2 reports it (it listens from here on)
      resolve(sock);
    });
  });
}

type AuthMethod = AuthMethodOf<NonNullable<ConnectConfig['authHandler']>>;
type AuthMethodOf<A> = A extends readonly (infer M)[] ? (M extends string ? never : M) : never;

/** Keys (readable identity files; the inventory's must exist), then the agent, then the password. */
async function authMethods(e: Endpoint): Promise<AuthMethod[]> {
  const { settings: s, conn } = e;
  const out: AuthMethod[] = [];
  const passphrase = conn.passphrase ? await e.resolve(conn.passphrase) : undefined;
  const mustExist = conn.keyFile ? expandPath(conn.keyFile, { d: homedir() }, 'connection.keyFile') : undefined;
  for (const file of s.identityFiles) {
    let key: string;
    try {
      key = await readFile(file, 'utf8');
    } catch (err) {
      if (file !== mustExist) continue; // ssh skips identity files that are not there
      throw new LvsError('E_CONNECT', `cannot read the ssh key of ${e.label}: ${errText(err)}`, {
        field: 'connection.keyFile',
        value: conn.keyFile,
        fix: 'point keyFile at a readable private key',
      });
    }
    out.push({ type: 'publickey', username: s.user, key, ...(passphrase ? { passphrase } : {}) } as AuthMethod);
  }
  const agent = (conn.agent ?? true) && !s.identitiesOnly ? s.identityAgent : null;
  if (agent) out.push({ type: 'agent', username: s.user, agent } as AuthMethod);
  if (conn.password) out.push({ type: 'password', username: s.user, password: await e.resolve(conn.password) } as AuthMethod);
  return out;
}

async function knownHostEntries(files: readonly string[]): Promise<KnownHostEntry[]> {
  return (await Promise.all(files.map((f) => readKnownHosts(f)))).flat();
}

/** SSH over `sock`: host key verified (every known_hosts file of the settings), then logged in. */
export async function openVerified(e: Endpoint, sock: Duplex): Promise<Client> {
  const s = e.settings;
  const names = [...new Set([knownHostName(s.hostname, s.port), knownHostName(s.original, s.port)])];
  const entries = await knownHostEntries(s.knownHostsFiles);
  const acceptNew = s.strictHostKeyChecking === 'accept-new' || s.strictHostKeyChecking === 'no';
  let verdict: HostKeyVerdict | null = null;
  let presented: Buffer | null = null;
  const config: ConnectConfig = {
    sock: sock as Socket,
    username: s.user,
    readyTimeout: s.connectTimeoutMs,
    keepaliveInterval: s.serverAliveIntervalMs,
    keepaliveCountMax: s.serverAliveCountMax,
    authHandler: await authMethods(e),
    hostVerifier: (key: Buffer) => {
      presented = key;
      verdict = checkHostKey(entries, names, key);
      return verdict.status === 'ok' || (verdict.status === 'unknown' && acceptNew);
    },
  };
  const algos = preferredHostKeyAlgorithms(entries, names);
  if (algos.length) config.algorithms = { serverHostKey: algos as NonNullable<NonNullable<ConnectConfig['algorithms']>['serverHostKey']> };
  let client: Client;
  try {
    client = await openClient(config);
  } catch (err) {
    throw connectError(e, err, verdict, presented);
  }
  if (presented && (verdict as HostKeyVerdict | null)?.status === 'unknown' && s.knownHostsFiles[0]) {
    await appendKnownHost(s.knownHostsFiles[0], knownHostName(s.hostname, s.port), presented);
  }
  return client;
}

function connectError(e: Endpoint, err: unknown, verdict: HostKeyVerdict | null, key: Buffer | null): LvsError {
  const s = e.settings;
  const at = `${s.hostname}:${s.port}`;
  const file = s.knownHostsFiles.join(', ') || '(no known_hosts file)';
  if (key && verdict && verdict.status !== 'ok') {
    const fp = `${keyTypeOf(key)} ${fingerprintSha256(key)}`;
    if (verdict.status === 'unknown') {
      return new LvsError('E_HOSTKEY', `host key of ${e.label} (${at}) is unknown: ${fp}, not in ${file}`, {
        fix: 'check that fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then accept it with ' +
          '`acceptNewHostKeys: true` in the inventory ssh connection or --accept-new-host-keys (it is then recorded)',
      });
    }
    if (verdict.status === 'revoked') {
      return new LvsError('E_HOSTKEY', `host key of ${e.label} (${at}) is revoked: ${fp} (${file} line ${verdict.entry.line})`);
    }
    const was = verdict.known.map((k) => `${k.keyType} ${fingerprintSha256(k.key)} (line ${k.line})`).join(', ');
    return new LvsError('E_HOSTKEY', `HOST KEY CHANGED for ${e.label} (${at}): it presents ${fp}; ${file} has ${was}. ` +
      'Someone may be intercepting the connection; a changed key is never accepted', {
      fix: `if the host was really reinstalled, remove the old key: ssh-keygen -R ${knownHostName(s.hostname, s.port)} -f ${s.knownHostsFiles[0] ?? '~/.ssh/known_hosts'}`,
    });
  }
  const reason = errText(err);
  if ((err as { level?: string }).level === 'client-authentication') {
    return new LvsError('E_CONNECT', `cannot log in to ${e.label} as ${s.user}@${at}: ${reason}`, {
      fix: 'check connection.user and keyFile (or IdentityFile in ssh_config, ssh-agent, password)',
    });
  }
  return new LvsError('E_CONNECT', `cannot connect to ${e.label} at ${at}: ${reason}`, {
    fix: 'is the host up and its sshd listening? (check address, port and firewall)',
  });
}

/**
 * The connection settings of one ssh host (or jump host): the inventory's fields and `-o` options
 * first, then ssh_config, then OpenSSH's defaults — typed, expanded, and each with its origin
 * (`inventory …`, `FILE:LINE`, `default`) for `-vv`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LvsError } from '../errors.js';
import { isPort } from '../schema/net.js';
import { quote } from '../shell/quote.js';
import type { SshConnection } from '../types.js';
import { defaultConfigFiles, resolveSshConfig, type ConfigFiles, type GivenOption, type Value } from './resolve.js';
import { connectionTokens, expandPath, expandTokens, localUser, type Tokens } from './tokens.js';

export interface JumpSpec {
  host: string;
  user?: string;
  port?: number;
}

export type StrictHostKeyChecking = 'yes' | 'accept-new' | 'no' | 'ask';

export interface SshSettings {
  /** The name given to ssh (the inventory address, else its name): what `Host` patterns match. */
  original: string;
  hostname: string;
  port: number;
  user: string;
  /** Expanded paths, in order (inventory key first). Empty: ssh's default identities that exist. */
  identityFiles: string[];
  identitiesOnly: boolean;
  /** The agent socket, or null for none. */
  identityAgent: string | null;
  /** ProxyJump hops (first = the one connected directly), or null. */
  jump: JumpSpec[] | null;
  /** ProxyCommand with its tokens expanded, or null. */
  proxyCommand: string | null;
  knownHostsFiles: string[];
  strictHostKeyChecking: StrictHostKeyChecking;
  connectTimeoutMs: number;
  serverAliveIntervalMs: number;
  serverAliveCountMax: number;
  /** Setting name (as ssh_config writes it) → where its value came from. */
  origin: Record<string, string>;
  warnings: string[];
}

export interface SettingsInput {
  /** Name ssh is given (address or alias). */
  host: string;
  conn: SshConnection;
  /** --ssh-config FILE (else the connection's sshConfig, else ~/.ssh/config + /etc/ssh/ssh_config). */
  sshConfig?: string;
  /** --timeout (ms): below the inventory, above ssh_config. */
  timeoutMs?: number;
  /** Options ahead of everything (a jump spec's user/port). */
  first?: GivenOption[];
  /** Used only when nothing else set the keyword (a hop inherits the target's key and known_hosts). */
  fallback?: GivenOption[];
  home?: string;
  /** The ssh_config files as other hosts of this pass read them (resolve.ts ConfigFiles). */
  cache?: ConfigFiles;
}

/** Without ConnectTimeout anywhere: 10 s (OpenSSH waits for the kernel; a run should not). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Without ServerAliveInterval: a host that stops answering is declared lost after ≤ 4 × 5 s. */
const DEFAULT_ALIVE_MS = 5_000;
const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_dsa'];

/** The inventory's fields as ssh options (they override ssh_config, as ssh's command line does). */
export function inventoryOptions(conn: SshConnection): GivenOption[] {
  const out: GivenOption[] = [];
  const inv = (key: string, v: string, field: string) => out.push({ key, args: [v], from: `inventory connection.${field}` });
  if (conn.user !== undefined) inv('User', conn.user, 'user');
  if (conn.port !== undefined) inv('Port', String(conn.port), 'port');
  if (conn.keyFile !== undefined) inv('IdentityFile', conn.keyFile, 'keyFile');
  if (conn.knownHosts !== undefined) inv('UserKnownHostsFile', conn.knownHosts, 'knownHosts');
  if (conn.connectTimeoutMs !== undefined) inv('ConnectTimeout', String(conn.connectTimeoutMs / 1000), 'connectTimeoutMs');
  if (conn.acceptNewHostKeys) inv('StrictHostKeyChecking', 'accept-new', 'acceptNewHostKeys');
  for (const [k, v] of Object.entries(conn.sshOptions ?? {})) out.push({ key: k, args: k.toLowerCase() === 'proxycommand' ? [v] : v.split(/\s+/), from: 'inventory ssh option -o' });
  return out;
}

/** `[user@]host[:port]` (or `ssh://user@host:port`), comma-separated; `none` → null. */
export function parseProxyJump(value: string, where: string): JumpSpec[] | null {
  if (value.toLowerCase() === 'none') return null;
  return value.split(',').map((part) => {
    const m = /^(?:ssh:\/\/)?(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s]+)(?::(\d+))?$/.exec(part.trim());
    if (!m) throw new LvsError('E_INVENTORY', `cannot read the jump host "${part}"`, { field: where, value, fix: '[user@]host[:port], several separated by commas' });
    const port = m[3] ? Number(m[3]) : undefined;
    if (port !== undefined && !isPort(port)) throw new LvsError('E_INVENTORY', `jump host port ${port} is out of range`, { field: where, value });
    return { host: (m[2] as string).replace(/^\[|\]$/g, ''), ...(m[1] ? { user: m[1] } : {}), ...(port ? { port } : {}) };
  });
}

function seconds(v: Value | undefined, key: string): number | undefined {
  if (!v) return undefined;
  const n = Number(v.args[0]);
  if (!Number.isFinite(n) || n < 0) throw new LvsError('E_INVENTORY', `${key} must be a number of seconds`, { field: v.from, value: v.args[0] });
  return n * 1000;
}

const yes = (v: Value | undefined): boolean => ['yes', 'true'].includes((v?.args[0] ?? '').toLowerCase());

function strictOf(v: Value | undefined): StrictHostKeyChecking {
  const s = (v?.args[0] ?? 'ask').toLowerCase();
  if (s === 'yes' || s === 'ask' || s === 'accept-new') return s;
  if (s === 'no' || s === 'off') return 'no';
  throw new LvsError('E_INVENTORY', `StrictHostKeyChecking ${s} is not one of yes, accept-new, no, ask`, { field: v?.from });
}

/** Settings shown by -vv, as ssh_config spells them → their keyword. */
const KEYWORDS: Readonly<Record<string, string>> = {
  HostName: 'hostname', Port: 'port', User: 'user', IdentityFile: 'identityfile', IdentitiesOnly: 'identitiesonly', IdentityAgent: 'identityagent',
  ProxyJump: 'proxyjump', ProxyCommand: 'proxycommand', UserKnownHostsFile: 'userknownhostsfile', StrictHostKeyChecking: 'stricthostkeychecking',
  ConnectTimeout: 'connecttimeout', ServerAliveInterval: 'serveraliveinterval', ServerAliveCountMax: 'serveralivecountmax',
};

type One = (k: string) => Value | undefined;

/** HostName (%h = the name given), Port, User. */
function endpointOf(one: One, host: string): { hostname: string; port: number; user: string } {
  const hostnameV = one('hostname');
  const hostname = hostnameV ? expandTokens(hostnameV.args[0] ?? host, { h: host }, hostnameV.from) : host;
  const portV = one('port');
  const port = portV ? Number(portV.args[0]) : 22;
  if (!isPort(port)) throw new LvsError('E_INVENTORY', 'Port is not a port number', { field: portV?.from, value: portV?.args[0] });
  return { hostname, port, user: one('user')?.args[0] ?? localUser() };
}

/** Identity files (expanded; ssh's defaults when none is set), the agent socket, known_hosts files. */
function filesOf(all: Map<string, Value[]>, one: One, tokens: Tokens, home: string): Pick<SshSettings, 'identityFiles' | 'identityAgent' | 'knownHostsFiles'> {
  const ids = all.get('identityfile') ?? [];
  const identityFiles = ids.length ? ids.map((v) => expandPath(v.args[0] as string, tokens, v.from)) : DEFAULT_IDENTITIES.map((n) => join(home, '.ssh', n));
  const agentV = one('identityagent');
  const agentRaw = agentV?.args[0] ?? 'SSH_AUTH_SOCK';
  const identityAgent = agentRaw === 'none' ? null
    : agentRaw === 'SSH_AUTH_SOCK' ? (process.env.SSH_AUTH_SOCK ?? null)
    : expandPath(agentRaw.replace(/^\$([A-Za-z_]\w*)$/, '${$1}'), tokens, agentV?.from ?? '');
  const khV = one('userknownhostsfile');
  const knownHostsFiles = khV ? khV.args.filter((a) => a !== 'none').map((a) => expandPath(a, tokens, khV.from)) : [join(home, '.ssh', 'known_hosts'), join(home, '.ssh', 'known_hosts2')];
  return { identityFiles, identityAgent, knownHostsFiles };
}

/** Resolves every setting of `input.host` (pure but for reading the config files). */
export function sshSettings(input: SettingsInput): SshSettings {
  const home = input.home ?? homedir();
  const files = defaultConfigFiles(input.sshConfig ?? input.conn.sshConfig, home);
  const first = [...(input.first ?? []), ...inventoryOptions(input.conn)];
  if (input.timeoutMs !== undefined) first.push({ key: 'ConnectTimeout', args: [String(input.timeoutMs / 1000)], from: '--timeout' });
  const r = resolveSshConfig({ host: input.host, first, files, ...(input.fallback ? { fallback: input.fallback } : {}), ...(input.cache ? { cache: input.cache } : {}), home });
  const one: One = (k) => r.values.get(k)?.[0];
  const origin: Record<string, string> = {};
  for (const [name, k] of Object.entries(KEYWORDS)) origin[name] = (r.values.get(k) ?? []).map((v) => v.from).join(', ') || 'default';
  const { hostname, port, user } = endpointOf(one, input.host);
  const tokens = { ...connectionTokens({ hostname, port, user, original: input.host }), d: home };
  const jumpV = one('proxyjump');
  const cmdRaw = one('proxycommand')?.args.join(' ');
  const countV = one('serveralivecountmax');
  return {
    original: input.host,
    hostname,
    port,
    user,
    ...filesOf(r.values, one, tokens, home),
    identitiesOnly: yes(one('identitiesonly')),
    jump: jumpV ? parseProxyJump(jumpV.args[0] ?? 'none', jumpV.from) : null,
    proxyCommand: cmdRaw && cmdRaw.toLowerCase() !== 'none' ? expandProxyCommand(cmdRaw, { hostname, port, user, original: input.host }, origin['ProxyCommand'] ?? '') : null,
    strictHostKeyChecking: strictOf(one('stricthostkeychecking')),
    connectTimeoutMs: seconds(one('connecttimeout'), 'ConnectTimeout') || DEFAULT_CONNECT_TIMEOUT_MS,
    serverAliveIntervalMs: seconds(one('serveraliveinterval'), 'ServerAliveInterval') || DEFAULT_ALIVE_MS,
    serverAliveCountMax: countV ? Number(countV.args[0]) : 3,
    origin,
    warnings: r.warnings,
  };
}

/** ProxyCommand's %h %p %r %n; each value sh-quoted when it is not a plain name (it goes to sh -c). */
function expandProxyCommand(cmd: string, o: { hostname: string; port: number; user: string; original: string }, where: string): string {
  return expandTokens(cmd, { h: quote(o.hostname), p: String(o.port), r: quote(o.user), n: quote(o.original) }, where);
}

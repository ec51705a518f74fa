/**
 * ssh_config's `%` tokens (%h %p %r %u %d %n %l %L %i %%) and `~` / `${VAR}` expansion, as
 * OpenSSH expands IdentityFile, UserKnownHostsFile, IdentityAgent and ProxyCommand.
 */
import { hostname as localHostname, homedir, userInfo } from 'node:os';
import { LvsError } from '../errors.js';

let localUserName: string | undefined;
/** The local user (%u, and ssh's default User), asked of the system once: a run resolves thousands of hosts. */
export const localUser = (): string => (localUserName ??= userInfo().username);

export type Tokens = Partial<Record<'h' | 'p' | 'r' | 'u' | 'd' | 'n' | 'l' | 'L' | 'i', string>>;

/** Replaces each `%x` by tokens[x]; `%%` is `%`. A token not in `tokens` is an error naming `where`. */
export function expandTokens(s: string, tokens: Tokens, where: string): string {
  return s.replace(/%(.)/g, (all, t: string) => {
    if (t === '%') return '%';
    const v = tokens[t as keyof Tokens];
    if (v === undefined) {
      throw new LvsError('E_INVENTORY', `ssh_config token ${all} is not supported here (in "${s}")`, { field: where, fix: 'use %h %p %r %u %d %n %l %L %i or %%' });
    }
    return v;
  });
}

/** The tokens of a connection: remote host/port/user, the original name, and the local side. */
export function connectionTokens(o: { hostname: string; port: number; user: string; original: string }): Tokens {
  const local = localHostname();
  return {
    h: o.hostname,
    p: String(o.port),
    r: o.user,
    n: o.original,
    u: localUser(),
    d: homedir(),
    l: local,
    L: local.split('.')[0] as string,
    i: String(process.getuid?.() ?? 0),
  };
}

/** A path value: `~` (start), `${VAR}` and the tokens expanded. */
export function expandPath(s: string, tokens: Tokens, where: string): string {
  const withEnv = s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = process.env[name];
    if (v === undefined) throw new LvsError('E_INVENTORY', `ssh_config uses \${${name}}, which is not set`, { field: where, fix: `set ${name} or write the path itself` });
    return v;
  });
  return expandTokens(withEnv.replace(/^~(?=\/|$)/, tokens.d ?? homedir()), tokens, where);
}

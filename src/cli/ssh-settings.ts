/**
 * Every ssh host's connection settings for a run, resolved before any host is contacted (a bad
 * ssh_config stops the run with exit 4), and `-vv`'s account of where each one came from.
 */
import { LvsError, ValidationErrors } from '../errors.js';
import { sshSettings, type SshSettings } from '../sshconfig/settings.js';
import { ConfigFiles } from '../sshconfig/resolve.js';
import type { HostView } from '../types.js';
import type { Warn } from '../warnings.js';
import { sshConnOfPsrp } from '../transport/pwsh-jump.js';

export interface SshCliOptions {
  /** --ssh-config FILE */
  sshConfig?: string;
  /** --timeout N (ms) */
  timeoutMs?: number;
}

/** Settings of the ssh hosts among `hosts` (by inventory name; PowerShell-over-SSH hosts too: their jump settings). */
export function resolveSshHosts(hosts: readonly HostView[], o: SshCliOptions, warn?: Warn): Map<string, SshSettings> {
  const out = new Map<string, SshSettings>();
  const errors: LvsError[] = [];
  const cache = new ConfigFiles(); // every host reads the same ssh_config files: read and parsed once
  for (const h of hosts) {
    if (h.connection.type !== 'ssh' && h.connection.type !== 'psrp-ssh') continue;
    try {
      const s = sshSettings({
        host: h.address,
        conn: h.connection.type === 'ssh' ? h.connection : sshConnOfPsrp(h.connection),
        ...(o.sshConfig ? { sshConfig: o.sshConfig } : {}),
        ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
        cache,
      });
      if (s.origin['HostName'] === 'default' && h.address !== h.name) s.origin['HostName'] = 'inventory address';
      s.warnings.forEach((w) => warn?.(w));
      out.set(h.name, s);
    } catch (e) {
      if (!(e instanceof LvsError)) throw e;
      errors.push(new LvsError(e.code, `${h.name}: ${e.reason}`, e.detail));
    }
  }
  if (errors.length) throw new ValidationErrors(errors);
  return out;
}

const SHOWN = ['HostName', 'Port', 'User', 'IdentityFile', 'IdentitiesOnly', 'IdentityAgent', 'ProxyJump', 'ProxyCommand', 'UserKnownHostsFile', 'StrictHostKeyChecking', 'ConnectTimeout', 'ServerAliveInterval', 'ServerAliveCountMax'] as const;

function valueOf(s: SshSettings, key: (typeof SHOWN)[number]): string {
  switch (key) {
    case 'HostName': return s.hostname;
    case 'Port': return String(s.port);
    case 'User': return s.user;
    case 'IdentityFile': return s.identityFiles.join(' ');
    case 'IdentitiesOnly': return s.identitiesOnly ? 'yes' : 'no';
    case 'IdentityAgent': return s.identityAgent ?? 'none';
    case 'ProxyJump': return s.jump ? s.jump.map((j) => `${j.user ? `${j.user}@` : ''}${j.host}${j.port ? `:${j.port}` : ''}`).join(',') : 'none';
    case 'ProxyCommand': return s.proxyCommand ?? 'none';
    case 'UserKnownHostsFile': return s.knownHostsFiles.join(' ');
    case 'StrictHostKeyChecking': return s.strictHostKeyChecking;
    case 'ConnectTimeout': return `${s.connectTimeoutMs / 1000}s`;
    case 'ServerAliveInterval': return `${s.serverAliveIntervalMs / 1000}s`;
    case 'ServerAliveCountMax': return String(s.serverAliveCountMax);
  }
}

/** `-vv`: one block per host, each setting with its value and origin (no passwords: none are settings here). */
export function provenanceText(settings: ReadonlyMap<string, SshSettings>): string {
  const lines: string[] = [];
  for (const [host, s] of settings) {
    lines.push(`ssh settings of ${host} (ssh_config Host ${s.original}):`);
    for (const k of SHOWN) lines.push(`  ${k.padEnd(22)} ${valueOf(s, k)}  [${s.origin[k] ?? 'default'}]`);
  }
  return `${lines.join('\n')}\n`;
}

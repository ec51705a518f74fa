/**
 * The ssh_config resolution against OpenSSH itself: for a fixture config and a set of host names,
 * what lvs-play resolves equals what `ssh -G HOST -F FILE` prints.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSshConfig } from '../../../src/sshconfig/resolve.js';
import { sshSettings } from '../../../src/sshconfig/settings.js';

const dir = mkdtempSync(join(tmpdir(), 'ssh-G-'));
mkdirSync(join(dir, 'conf.d'));
writeFileSync(join(dir, 'conf.d', '10-web.conf'), 'Host web*\n  User webadmin\n  IdentityFile ~/.ssh/web_%r\n');
writeFileSync(join(dir, 'conf.d', '20-db.conf'), 'Host db1\n  Port 2201\n');
const config = join(dir, 'config');
writeFileSync(config, `# fixture
Include ${dir}/conf.d/*.conf
Host x,other
  Port 2999
Host lb1 lb2
  HostName 10.9.0.%h
  User ops
Host lb1
  HostName first-wins-not-this
Host web* !web3
  ProxyJump admin@bastion:2222,hop2
  IdentitiesOnly yes
Host db*
  ProxyCommand ssh -W %h:%p bastion
  ProxyJump ignored-after-proxycommand
Host bastion
  HostName 10.77.0.30
  Port 22
  UserKnownHostsFile ${dir}/kh_%h ${dir}/kh2
  # inside the bastion block: read for bastion only
  Include ${dir}/conf.d/20-db.conf
Match host 10.9.0.*
  ServerAliveInterval 9
  ServerAliveCountMax 5
Match originalhost alias*
  HostName 10.10.0.1
Host *
  ConnectTimeout 6
  StrictHostKeyChecking accept-new
  IdentityFile %d/.ssh/all_%u
  User fallback
`);

const HOSTS = ['lb1', 'lb2', 'web1', 'web3', 'db1', 'db2', 'bastion', 'alias-x', 'other'];

function sshG(host: string): Map<string, string[]> {
  const out = execFileSync('ssh', ['-G', '-F', config, host], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const m = new Map<string, string[]>();
  for (const line of out.split('\n')) {
    const i = line.indexOf(' ');
    if (i < 0) continue;
    const k = line.slice(0, i);
    m.set(k, [...(m.get(k) ?? []), line.slice(i + 1)]);
  }
  return m;
}

describe('ssh_config: lvs-play resolves what `ssh -G` prints', () => {
  for (const host of HOSTS) {
    it(host, () => {
      const g = sshG(host);
      const s = sshSettings({ host, conn: { type: 'ssh' }, sshConfig: config });
      const raw = resolveSshConfig({ host, files: [{ path: config, system: false }] }).values;
      expect(s.hostname).toBe(g.get('hostname')?.[0]);
      expect(String(s.port)).toBe(g.get('port')?.[0]);
      expect(s.user).toBe(g.get('user')?.[0]);
      // ssh -G prints IdentityFile as written (tokens unexpanded)
      expect((raw.get('identityfile') ?? []).map((v) => v.args[0])).toEqual(g.get('identityfile'));
      expect(s.identitiesOnly ? 'yes' : 'no').toBe(g.get('identitiesonly')?.[0]);
      expect(s.knownHostsFiles.join(' ')).toBe(g.get('userknownhostsfile')?.[0]);
      expect(s.strictHostKeyChecking === 'accept-new' ? 'accept-new' : s.strictHostKeyChecking).toBe(g.get('stricthostkeychecking')?.[0]);
      expect(String(s.connectTimeoutMs / 1000)).toBe(g.get('connecttimeout')?.[0]);
      expect(raw.get('serveraliveinterval')?.[0]?.args[0] ?? '0').toBe(g.get('serveraliveinterval')?.[0]);
      expect(String(s.serverAliveCountMax)).toBe(g.get('serveralivecountmax')?.[0]);
      expect(raw.get('proxyjump')?.[0]?.args[0]).toBe(g.get('proxyjump')?.[0]);
      expect(raw.get('proxycommand')?.[0]?.args.join(' ')).toBe(g.get('proxycommand')?.[0]);
    });
  }

  it('the expanded identity file of a web host is the one ssh would read', () => {
    const s = sshSettings({ host: 'web1', conn: { type: 'ssh' }, sshConfig: config });
    expect(s.identityFiles).toEqual([join(homedir(), '.ssh', 'web_webadmin'), join(homedir(), '.ssh', `all_${process.env.USER ?? 'root'}`)]);
  });
});

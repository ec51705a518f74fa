import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSshConfig } from '../../../src/sshconfig/parse.js';
import { ConfigFiles, patternListMatches, resolveSshConfig } from '../../../src/sshconfig/resolve.js';
import { parseProxyJump, sshSettings } from '../../../src/sshconfig/settings.js';
import { parseSshArgs } from '../../../src/inventory/ssh-args.js';
import { mapAnsibleVars } from '../../../src/inventory/ansible-vars.js';
import type { LvsError } from '../../../src/errors.js';

function home(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sshcfg-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

const only = (h: string, file: string) => [{ path: join(h, file), system: false }];

describe('ssh_config parsing', () => {
  it('reads Keyword value, Keyword=value, quotes, comments, case-insensitive keywords', () => {
    const d = parseSshConfig('# c\nHost a\n  HostName=10.0.0.1\n  IDENTITYFILE "~/my key" # trailing\n\n  port 2200\n', 'f');
    expect(d.map((x) => [x.key, x.args, x.line])).toEqual([
      ['host', ['a'], 2],
      ['hostname', ['10.0.0.1'], 3],
      ['identityfile', ['~/my key'], 4],
      ['port', ['2200'], 6],
    ]);
  });

  it('names file and line of an unterminated quote', () => {
    expect(() => parseSshConfig('Host a\n User "x\n', '/etc/cfg')).toThrow(/\/etc\/cfg: line 2: unterminated quote/);
  });
});

describe('Host patterns', () => {
  it('wildcards, several patterns, commas, negation', () => {
    expect(patternListMatches(['web*', 'db?'], 'web12')).toBe(true);
    expect(patternListMatches(['web*', 'db?'], 'db1')).toBe(true);
    expect(patternListMatches(['web*', 'db?'], 'db12')).toBe(false);
    expect(patternListMatches(['web*', '!web3'], 'web3')).toBe(false);
    expect(patternListMatches(['!web3'], 'web1')).toBe(false); // a negation alone matches nothing
    expect(patternListMatches(['a,b'], 'b')).toBe(true); // Match host / known_hosts lists
    expect(patternListMatches(['a,b'], 'b', false)).toBe(false); // a Host line's word is one pattern
    expect(patternListMatches(['WEB*'], 'web1')).toBe(true);
    // plain names (no regex is built for them): whole and case-insensitive, as with a wildcard
    expect(patternListMatches(['Web1.Example.COM'], 'web1.example.com')).toBe(true);
    expect(patternListMatches(['web1'], 'web12')).toBe(false);
    expect(patternListMatches(['web1.example.com'], 'web1xexample.com')).toBe(false); // '.' is no wildcard
    expect(patternListMatches(['[10.0.0.1]:2222'], '[10.0.0.1]:2222')).toBe(true);
    expect(patternListMatches(['[10.0.0.1]:2222'], '10.0.0.1')).toBe(false);
    expect(patternListMatches(['rs1,!rs1'], 'rs1')).toBe(false);
  });
});

describe('resolution', () => {
  it('first value wins; IdentityFile accumulates; origins are file:line', () => {
    const h = home({ '.ssh/config': 'Host web*\n  User deploy\n  IdentityFile ~/.ssh/a\nHost *\n  User other\n  IdentityFile ~/.ssh/b\n  Port 2222\n' });
    const r = resolveSshConfig({ host: 'web1', files: only(h, '.ssh/config'), home: h });
    expect(r.values.get('user')).toEqual([{ args: ['deploy'], from: `${h}/.ssh/config:2` }]);
    expect(r.values.get('identityfile')?.map((v) => v.args[0])).toEqual(['~/.ssh/a', '~/.ssh/b']);
    expect(r.values.get('port')?.[0]?.from).toBe(`${h}/.ssh/config:7`);
  });

  it('Include: relative to ~/.ssh, globs in order, inside a Host block only when it matches', () => {
    const h = home({
      '.ssh/config': 'Host inner\n  Include conf.d/*.conf\nHost *\n  Include top.conf\n',
      '.ssh/conf.d/b.conf': 'Port 2002\n',
      '.ssh/conf.d/a.conf': 'Port 2001\nUser a\n',
      '.ssh/top.conf': 'Host inner outer\n  User fromtop\n',
    });
    const inner = resolveSshConfig({ host: 'inner', files: only(h, '.ssh/config'), home: h });
    expect(inner.values.get('port')?.[0]?.args).toEqual(['2001']);
    expect(inner.values.get('user')?.[0]?.from).toBe(`${h}/.ssh/conf.d/a.conf:2`);
    const outer = resolveSshConfig({ host: 'outer', files: only(h, '.ssh/config'), home: h });
    expect(outer.values.get('port')).toBeUndefined();
    expect(outer.values.get('user')?.[0]?.args).toEqual(['fromtop']);
  });

  it('Match host / originalhost / user / all; an unsupported criterion is skipped with a warning', () => {
    const h = home({ '.ssh/config': 'Host alias\n  HostName 10.1.1.1\nMatch host 10.1.1.*\n  Port 2201\nMatch originalhost alias user root\n  User admin\nMatch exec "true"\n  ForwardAgent yes\nMatch all\n  ConnectTimeout 4\n' });
    const r = resolveSshConfig({ host: 'alias', files: only(h, '.ssh/config'), home: h, localUser: 'x' });
    expect(r.values.get('port')?.[0]?.args).toEqual(['2201']);
    expect(r.values.get('user')).toBeUndefined(); // user is still the local "x"
    expect(r.values.get('connecttimeout')?.[0]?.args).toEqual(['4']);
    expect(r.values.get('forwardagent')).toBeUndefined();
    expect(r.warnings.join()).toMatch(/Match exec is not supported/);
  });

  it('ProxyJump and ProxyCommand: whichever comes first wins', () => {
    const h = home({ '.ssh/config': 'Host a\n  ProxyCommand ssh -W %h:%p b\nHost *\n  ProxyJump j\n' });
    const a = resolveSshConfig({ host: 'a', files: only(h, '.ssh/config'), home: h });
    expect(a.values.has('proxyjump')).toBe(false);
    const first = resolveSshConfig({ host: 'a', first: [{ key: 'ProxyJump', args: ['k'], from: 'inv' }], files: only(h, '.ssh/config'), home: h });
    expect(first.values.has('proxycommand')).toBe(false);
  });
});

describe('many hosts in one pass (ConfigFiles)', () => {
  it('reads, parses and lists each file once; each host still resolves as alone; an unreadable file is not kept', () => {
    const h = home({ '.ssh/config': 'Include conf.d/*\nHost web*\n  User deploy\nHost *\n  Port 2222\n', '.ssh/conf.d/a': 'Host web2\n  Port 22\n' });
    const reads: string[] = [];
    const cache = new ConfigFiles((p) => {
      reads.push(p);
      return readFileSync(p, 'utf8');
    });
    const hosts = ['web1', 'web2', 'db1', 'web1'];
    const shared = hosts.map((host) => resolveSshConfig({ host, files: only(h, '.ssh/config'), home: h, cache }).values);
    expect(shared).toEqual(hosts.map((host) => resolveSshConfig({ host, files: only(h, '.ssh/config'), home: h }).values));
    expect(reads).toEqual([join(h, '.ssh/config'), join(h, '.ssh/conf.d/a')]);
    let fail = true;
    const flaky = new ConfigFiles((p) => {
      if (fail) throw new Error(`cannot read ${p}`);
      return 'Host *\n  Port 2200\n';
    });
    expect(() => resolveSshConfig({ host: 'a', files: only(h, 'x'), home: h, cache: flaky })).toThrow(/cannot read/);
    fail = false;
    expect(resolveSshConfig({ host: 'a', files: only(h, 'x'), home: h, cache: flaky }).values.get('port')?.[0]?.args).toEqual(['2200']);
  });
});

describe('typed settings', () => {
  it('inventory fields override ssh_config; tokens and ~ expand; defaults are named', () => {
    const h = home({ '.ssh/config': 'Host web1\n  HostName %h.example\n  User deploy\n  Port 2200\n  IdentityFile %d/.ssh/id_%r@%h:%p\n  ProxyJump admin@bast:2222,j2\n  ServerAliveInterval 7\n' });
    const s = sshSettings({ host: 'web1', conn: { type: 'ssh', user: 'root' }, sshConfig: join(h, '.ssh/config'), home: h });
    expect(s.hostname).toBe('web1.example');
    expect(s.user).toBe('root');
    expect(s.origin['User']).toBe('inventory connection.user');
    expect(s.port).toBe(2200);
    expect(s.identityFiles).toEqual([`${h}/.ssh/id_root@web1.example:2200`]);
    expect(s.jump).toEqual([{ host: 'bast', user: 'admin', port: 2222 }, { host: 'j2' }]);
    expect(s.serverAliveIntervalMs).toBe(7000);
    expect(s.origin['ConnectTimeout']).toBe('default');
    expect(s.connectTimeoutMs).toBe(10_000);
    expect(s.knownHostsFiles).toEqual([`${h}/.ssh/known_hosts`, `${h}/.ssh/known_hosts2`]);
  });

  it('--timeout is below the inventory and above ssh_config; -o options are above ssh_config', () => {
    const h = home({ c: 'Host *\n  ConnectTimeout 3\n  ProxyJump fromfile\n' });
    const base = { host: 'x', sshConfig: join(h, 'c'), home: h };
    expect(sshSettings({ ...base, conn: { type: 'ssh' } }).connectTimeoutMs).toBe(3000);
    expect(sshSettings({ ...base, conn: { type: 'ssh' }, timeoutMs: 20_000 }).connectTimeoutMs).toBe(20_000);
    expect(sshSettings({ ...base, conn: { type: 'ssh', connectTimeoutMs: 30_000 }, timeoutMs: 20_000 }).connectTimeoutMs).toBe(30_000);
    const o = sshSettings({ ...base, conn: { type: 'ssh', sshOptions: { ProxyJump: 'none' } } });
    expect(o.jump).toBeNull();
    expect(o.origin['ProxyJump']).toBe('inventory ssh option -o');
  });

  it('ProxyCommand tokens are expanded and quoted for sh', () => {
    const h = home({ c: "Host *\n  ProxyCommand ssh -W %h:%p -l %r bast\n" });
    const s = sshSettings({ host: 'we ird', conn: { type: 'ssh', user: "o'k" }, sshConfig: join(h, 'c'), home: h });
    expect(s.proxyCommand).toBe("ssh -W 'we ird':22 -l 'o'\\''k' bast");
  });

  it('ProxyJump forms', () => {
    expect(parseProxyJump('none', 'x')).toBeNull();
    expect(parseProxyJump('ssh://u@h:2,[::1]:22,plain', 'x')).toEqual([{ host: 'h', user: 'u', port: 2 }, { host: '::1', port: 22 }, { host: 'plain' }]);
    expect(() => parseProxyJump('a@@b', 'f:3')).toThrow(/cannot read the jump host/);
  });

  it('a bad value names its file and line', () => {
    const h = home({ c: 'Host *\n  Port eighty\n' });
    expect(() => sshSettings({ host: 'x', conn: { type: 'ssh' }, sshConfig: join(h, 'c'), home: h })).toThrow(/c:2: Port is not a port number/);
  });
});

describe("Ansible's ssh arguments", () => {
  it('-o in its spellings, -F, -J, first value wins, the rest ignored', () => {
    const a = parseSshArgs('-o ProxyJump=b1 -oProxyCommand="nc %h %p" -o "ConnectTimeout 5" -C -F ~/cfg', '-o ProxyJump=later -J j2 -o User x');
    expect(a.options).toEqual({ ProxyJump: 'b1', ProxyCommand: 'nc %h %p', ConnectTimeout: '5', User: 'x' });
    expect(a.configFile).toBe('~/cfg');
    expect(a.ignored).toEqual(['-C']);
  });

  it('mapAnsibleVars: sshOptions, sshConfig, timeouts, ~ in the key file, become method/user', () => {
    const errors: LvsError[] = [];
    const m = mapAnsibleVars({
      ansible_ssh_common_args: '-o ProxyJump=admin@10.0.0.1 -F /etc/lvs/ssh_config',
      ansible_timeout: '25',
      ansible_ssh_private_key_file: '~/.ssh/lab',
      ansible_become_method: 'sudo',
      ansible_become_user: 'root',
    }, { file: 'hosts.ini', field: '', level: 'host' }, errors);
    expect(errors).toEqual([]);
    expect(m.connection['sshOptions']).toEqual({ ProxyJump: 'admin@10.0.0.1' });
    expect(m.connection['sshConfig']).toBe('/etc/lvs/ssh_config');
    expect(m.connection['connectTimeoutMs']).toBe(25_000);
    expect(m.connection['keyFile']).toBe('~/.ssh/lab'); // expanded when connecting
    expect(sshSettings({ host: 'h', conn: { type: 'ssh', keyFile: '~/.ssh/lab' } }).identityFiles[0]).toBe(join(homedir(), '.ssh/lab'));
    mapAnsibleVars({ ansible_become_method: 'su', ansible_become_user: 'web', ansible_ssh_timeout: 'soon' }, { file: 'h.ini', field: '', level: 'host' }, errors);
    expect(errors.map((e) => e.message).join('\n')).toMatch(/become_method su is not supported[\s\S]*become_user web is not supported[\s\S]*ansible_ssh_timeout is not a number/);
  });
});

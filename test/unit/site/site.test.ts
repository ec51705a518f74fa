/** The site model: one reading of the group settings, VIPs, ports and typed weights for every command. */
import { describe, expect, it } from 'vitest';
import { parseAnsibleIni } from '../../../src/inventory/ansible-ini.js';
import { siteGroupsFor } from '../../../src/cli/init-groups.js';
import { drainPlaybook } from '../../../src/cli/drain.js';
import { realServerNamed, siteOf } from '../../../src/site/model.js';
import { groupPattern, portsOf, realServersOf, vipsOf } from '../../../src/site/index.js';
import { targetsOf } from '../../../src/status/collect.js';
import { selectPlaybook } from '../../../src/run/select.js';
import { customInv, DEFAULT_SPEC, inv } from './fixtures.js';

const names = (hs: readonly { name: string }[]) => hs.map((h) => h.name);

describe('siteOf: default group names', () => {
  const site = siteOf(inv(DEFAULT_SPEC));

  it('directors, real servers (Linux and Windows, by connection), typed weights, VIPs, ports', () => {
    expect(site.groups).toEqual({ directors: 'directors', linux: 'linux_realservers', windows: 'windows' });
    expect(names(site.directors)).toEqual(['lvs1', 'lvs2']);
    expect(site.realServers.map((m) => [m.name, m.address, m.weight, m.os])).toEqual([
      ['rs1', '10.77.0.16', 3, 'linux'],
      ['rs2', '10.77.0.17', 1, 'linux'],
      ['win1', '10.77.0.18', 1, 'windows'],
    ]);
    expect(site.vips).toEqual(['10.77.0.10']);
    expect(site.ports).toEqual([80]);
  });

  it('realserver_groups narrows the real servers (status and the site alike)', () => {
    const s = siteOf(inv(DEFAULT_SPEC, { realserver_groups: ['linux_realservers'] }));
    expect(names(s.realServers)).toEqual(['rs1', 'rs2']);
  });

  it('status reads its targets through the model', () => {
    const t = targetsOf(inv(DEFAULT_SPEC));
    expect([names(t.directors), t.realServers.map((m) => `${m.name}:${m.os}`), t.vips]).toEqual([['lvs1', 'lvs2'], ['rs1:linux', 'rs2:linux', 'win1:windows'], ['10.77.0.10']]);
  });
});

describe('siteOf: an Ansible INI with its own group names (lb, web, winweb)', () => {
  const site = siteOf(customInv());

  it('the settings name the groups; INI strings are typed (weight "3" = 3, "80,443" = [80, 443])', () => {
    expect(site.groups).toEqual({ directors: 'lb', linux: 'web', windows: 'winweb' });
    expect(names(site.directors)).toEqual(['lb1', 'lb2']);
    expect(site.realServers.map((m) => [m.name, m.weight, m.os])).toEqual([
      ['rs1', 3, 'linux'],
      ['rs2', 1, 'linux'],
      ['win1', 1, 'windows'],
    ]);
    expect(site.vips).toEqual(['10.77.0.10', '10.77.0.11']);
    expect(site.ports).toEqual([80, 443]);
  });

  it('the same reading as a play sees it: patterns, real servers, VIPs and ports per host', () => {
    const i = customInv();
    expect(['directors', 'linux', 'windows'].map((r) => groupPattern(r as 'directors')(i.vars ?? {}))).toEqual(['lb', 'web', 'winweb']);
    const lb1 = i.hosts.find((h) => h.name === 'lb1')!;
    expect(realServersOf(lb1).map((m) => [m.address, m.weight])).toEqual([['10.77.0.16', 3], ['10.77.0.17', 1], ['10.77.0.18', 1]]);
    expect([vipsOf(lb1), portsOf(lb1)]).toEqual([['10.77.0.10', '10.77.0.11'], [80, 443]]);
  });

  it('-e overrides a group setting', () => {
    expect(siteOf(customInv({ directors_group: 'web' })).directors.map((d) => d.name)).toEqual(['rs1', 'rs2']);
  });

  it('a mistyped weight stops with the inventory, host, variable and fix', () => {
    const bad = parseAnsibleIni(CUSTOM_BAD_WEIGHT, 'hosts.ini');
    expect(() => siteOf(inv(bad, undefined, 'hosts.ini'))).toThrow(/variable "weight" is invalid/);
    try {
      siteOf(inv(bad, undefined, 'hosts.ini'));
    } catch (e) {
      expect(String(e)).toMatch(/hosts\.ini: host rs1/);
    }
  });

  it('a bad group setting names the setting', () => {
    expect(() => siteOf(customInv({ directors_group: 'no such' }))).toThrow(/directors_group is not a group name/);
  });
});

const CUSTOM_BAD_WEIGHT = `[lb]
lb1 ansible_host=10.77.0.14
[web]
rs1 ansible_host=10.77.0.16 weight=heavy
[all:vars]
vip=10.77.0.10
directors_group=lb
linux_realservers_group=web
`;

describe('drain and undrain through the model', () => {
  it('on the site\'s directors group, with the typed weight', () => {
    const site = siteOf(customInv());
    const rs1 = realServerNamed(site, 'rs1');
    expect([rs1.address, rs1.weight]).toEqual(['10.77.0.16', 3]);
    const undrain = drainPlaybook('undrain', site, rs1, 0);
    expect(undrain.plays.map((p) => p.options.hosts)).toEqual(['lb']);
    const drain = drainPlaybook('drain', site, rs1, 5);
    expect(drain.plays.map((p) => p.options.hosts)).toEqual(['lb', 'lb']);
  });

  it('each director\'s keepalived.conf (keepalived_conf, typed): status reads it, drain edits it', () => {
    const spec = { ...DEFAULT_SPEC, groups: { ...DEFAULT_SPEC.groups, directors: { ...DEFAULT_SPEC.groups!.directors!, hosts: { lvs1: { address: '10.77.0.14', vars: { keepalived_conf: '/opt/ka/keepalived.conf' } }, lvs2: { address: '10.77.0.15' } } } } };
    const site = siteOf(inv(spec));
    expect(site.keepalivedConf).toEqual({ lvs1: '/opt/ka/keepalived.conf', lvs2: '/etc/keepalived/keepalived.conf' });
    const [planned] = selectPlaybook(drainPlaybook('drain', site, realServerNamed(site, 'rs1'), 0), { file: 't', select: () => site.directors });
    const readOf = (host: string) => String((planned!.perHost.get(host)!.tasks.find((t) => t.resource.kind === 'keepalived-weight')!.resource.read as { command: string }).command);
    expect([readOf('lvs1').includes('/opt/ka/keepalived.conf'), readOf('lvs2').includes('/etc/keepalived/keepalived.conf'), readOf('lvs2').includes('/opt/ka')]).toEqual([true, true, false]);
    expect(() => siteOf(inv({ ...spec, vars: { ...spec.vars, keepalived_conf: 'relative.conf' } }))).toThrow(/variable "keepalived_conf" is invalid/);
  });

  it('refuses a director, an unknown host, an inventory without the directors group', () => {
    const site = siteOf(customInv());
    expect(() => realServerNamed(site, 'lb1')).toThrow(/lb1 is a director, not a real server/);
    expect(() => realServerNamed(site, 'nope')).toThrow(/no host named nope/);
    expect(() => realServerNamed(siteOf(customInv({ directors_group: 'balancers' })), 'rs1')).toThrow(/no group "balancers"/);
  });
});

describe('init --from-ansible: the groups of an Ansible inventory', () => {
  const ini = (text: string) => parseAnsibleIni(text, 'hosts.ini');

  it('lb, web, winweb without settings: all three picked', () => {
    const spec = ini('[lb]\nlb1 ansible_host=192.0.2.14\n[web]\nrs1 ansible_host=192.0.2.16\n[winweb]\nwin1 ansible_host=192.0.2.18\n[winweb:vars]\nansible_connection=psrp\n');
    expect(siteGroupsFor(spec, {})).toEqual({ directors: 'lb', linux: 'web', windows: 'winweb' });
  });

  it('the inventory\'s own settings win over guesses; flags over both', () => {
    const spec = ini('[a]\nx ansible_host=192.0.2.1\n[b]\ny ansible_host=192.0.2.2\n[c]\nz ansible_host=192.0.2.3\n[all:vars]\ndirectors_group=a\nlinux_realservers_group=b\nwindows_realservers_group=c\n');
    expect(siteGroupsFor(spec, {})).toEqual({ directors: 'a', linux: 'b', windows: 'c' });
    expect(siteGroupsFor(spec, { linux: 'c' })).toEqual({ directors: 'a', linux: 'c', windows: 'c' });
  });

  it('default names and names with linux/win in them, parents of groups not taken', () => {
    const spec = ini('[directors]\nd1 ansible_host=192.0.2.1\n[web_linux]\nr1 ansible_host=192.0.2.2\n[web_win]\nw1 ansible_host=192.0.2.3\n[backends:children]\nweb_linux\nweb_win\n');
    expect(siteGroupsFor(spec, {})).toEqual({ directors: 'directors', linux: 'web_linux', windows: 'web_win' });
  });
});

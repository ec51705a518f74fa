// desired(): what each core resource wants, from its options alone (lvs-play render).
import { describe, expect, it } from 'vitest';
import { command, directory, file, lineInFile, pkg, service, serviceAction, symlink, sysctl, template } from '../../../src/index.js';
import { familyPackages, interfaceAddress, onDebian, onlyOn, persistAddresses, sh } from '../../../src/kit/index.js';
import { renderPlays } from '../../../src/render/desired.js';
import type { PlannedPlay } from '../../../src/run/select.js';
import type { AnyResource, HostView } from '../../../src/types.js';

describe('desired() of the core resources', () => {
  it('file and template: the whole content with mode and owner; absent: a setting', () => {
    expect(file({ path: '/etc/x.conf', content: 'a=1\n', mode: 0o640, owner: 'root', group: 'root' }).desired!()).toEqual({ files: [{ path: '/etc/x.conf', content: Buffer.from('a=1\n'), mode: 0o640, owner: 'root', group: 'root' }] });
    expect(template({ path: '/etc/t', render: () => 'port 80\n' }).desired!().files?.[0]?.content.toString()).toBe('port 80\n');
    expect(file({ path: '/etc/gone', state: 'absent' }).desired!()).toEqual({ settings: ['/etc/gone: absent'] });
  });

  it('sysctl, lineInFile, directory, symlink, pkg, service, serviceAction, command: one line each', () => {
    const lines = (r: { desired?: () => { settings?: readonly string[] } }) => r.desired!().settings;
    expect(lines(sysctl({ name: 'net.ipv4.ip_forward', value: 1 }))).toEqual(['live and in /etc/sysctl.d/99-lvs-play.conf: net.ipv4.ip_forward = 1']);
    expect(lines(lineInFile({ path: '/etc/hosts', line: '10.0.0.1 a', regexp: /a$/ }))).toEqual(['/etc/hosts: the line "10.0.0.1 a" (replacing the last match of /a$/)']);
    expect(lines(directory({ path: '/etc/app', mode: 0o750, owner: 'root', group: 'root' }))).toEqual(['/etc/app: directory mode 0750 owner root group root']);
    expect(lines(symlink({ path: '/usr/sbin/k', target: '/opt/k' }))).toEqual(['/usr/sbin/k: symlink → /opt/k']);
    expect(lines(pkg({ names: ['ipvsadm', 'curl'] }))).toEqual(['package ipvsadm: installed', 'package curl: installed']);
    expect(lines(service({ name: 'keepalived', state: 'started', enabled: true }))).toEqual(['service keepalived: running, enabled at boot']);
    expect(lines(serviceAction({ name: 'keepalived', action: 'reload' }))).toEqual(['reload keepalived when notified']);
    expect(lines(command({ cmd: sh`modprobe ip_vs`, unless: sh`[ -d /proc/sys/net/ipv4/vs ]` }))).toEqual(['runs: modprobe ip_vs (unless: [ -d /proc/sys/net/ipv4/vs ])']);
  });

  it('the kit: addresses, their boot files per OS family, packages per family, a gated resource marked', () => {
    const spec = { address: '10.77.0.10', prefix: 32, interface: 'lo', label: 'lo:0' };
    expect(interfaceAddress(spec).desired!()).toEqual({ settings: ['address 10.77.0.10/32 on lo (label lo:0)'] });
    expect(persistAddresses('vips', [spec], 'auto').desired!().files?.map((f) => `${f.path} ${f.only}`)).toEqual(['/etc/network/interfaces.d/vips Debian', '/etc/sysconfig/network-scripts/ifcfg-lo:0 RHEL']);
    expect(familyPackages('p', { debian: ['iproute2'], rhel: ['iproute'] }).desired!()).toEqual({ settings: ['packages installed: iproute2 (Debian); iproute (RHEL)'] });
    expect(onlyOn(onDebian, file({ path: '/etc/d', content: 'x' })).desired!().files?.[0]?.only).toBe('Debian');
    expect(onlyOn(onDebian, sysctl({ name: 'a.b', value: 1 })).desired!().settings).toEqual(['(on Debian) live and in /etc/sysctl.d/99-lvs-play.conf: a.b = 1']);
  });
});

describe('renderPlays', () => {
  it('every secret any resource of the host declares is masked in all of that host\'s files and settings', () => {
    const host = { name: 'h', address: '10.0.0.1' } as HostView;
    const t = (resource: AnyResource) => ({ resource, role: 'r', tags: [], enabled: true });
    const play = {
      play: { name: 'p' }, pattern: 'h', hosts: [host], batches: [[host]],
      perHost: new Map([['h', { host, tasks: [t(file({ path: '/etc/a', content: 'pass hunter2\n', secrets: ['hunter2'] })), t(command({ cmd: sh`echo hunter2` }))], handlers: new Map() }]]),
    } as unknown as PlannedPlay;
    const [h] = renderPlays([play]);
    expect(JSON.stringify(h)).not.toContain('hunter2');
    expect(h!.tasks[0]!.files[0]!.content).toBe('pass ********\n');
    expect(h!.tasks[1]!.settings).toEqual(['runs: echo ********']);
  });
});

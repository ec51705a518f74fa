/**
 * Issue 3: the core resources change lab hosts for real, over the real ssh transport and executor;
 * check mode changes nothing; the second run reports 0 changed; an unreachable host is UNREACHABLE
 * while the others succeed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { play, playbook } from '../../src/dsl/play.js';
import { command, directory, file, lineInFile, pkg, service, symlink, sysctl } from '../../src/resources/index.js';
import { sh } from '../../src/shell/quote.js';
import { startSshd, stopSshd } from '../../src/lab/index.js';
import { ensureLab, failures, onHost, runOnLab, totals } from './support.js';

const HOSTS = ['rs1', 'rs2'];
const INIT = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          lvs-demo
# Required-Start:    $network
# Required-Stop:     $network
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: lvs-play lab demo daemon
### END INIT INFO
PID=/run/lvs-demo.pid
case "$1" in
  start) [ -f $PID ] && kill -0 "$(cat $PID)" 2>/dev/null && exit 0
         python3 -m http.server 8099 --bind 0.0.0.0 </dev/null >/dev/null 2>&1 & echo $! > $PID ;;
  stop) [ -f $PID ] && kill "$(cat $PID)" 2>/dev/null; rm -f $PID ;;
  status) [ -f $PID ] && kill -0 "$(cat $PID)" 2>/dev/null ;;
  reload|restart) "$0" stop; "$0" start ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 3 ;;
esac
`;

const site = playbook('core resources on the lab', [
  play('linux', { hosts: 'linux_realservers' }, (h) => [
    directory({ path: '/srv/lvs-core', mode: 0o755 }),
    file({ path: '/srv/lvs-core/motd', content: `managed by lvs-play on ${h.name}\n`, mode: 0o644 }),
    lineInFile({ path: '/srv/lvs-core/conf', line: 'weight = 3', regexp: '^weight', create: true }),
    symlink({ path: '/srv/lvs-core/current', target: '/srv/lvs-core/motd' }),
    sysctl({ name: 'net.ipv4.conf.all.arp_ignore', value: '1' }),
    pkg({ names: ['tree'] }),
    file({ path: '/etc/init.d/lvs-demo', content: INIT, mode: 0o755 }),
    service({ name: 'lvs-demo', state: 'started', enabled: true }),
    command({ name: 'stamp once', cmd: sh`date > /srv/lvs-core/stamp`, creates: '/srv/lvs-core/stamp' }),
  ]),
]);

/** Everything the playbook can touch, hashed: files, the sysctl, package and service state. */
async function snapshot(host: string): Promise<string> {
  return onHost(
    host,
    `{ find /srv/lvs-core /etc/init.d/lvs-demo /etc/sysctl.d -exec ls -ld --time-style=+ {} \\; 2>/dev/null | sort
       find /srv/lvs-core /etc/init.d/lvs-demo /etc/sysctl.d -type f -exec sha256sum {} \\; 2>/dev/null | sort
       cat /proc/sys/net/ipv4/conf/all/arp_ignore
       dpkg-query -W -f='\${Status}' tree 2>/dev/null; echo
       ls /etc/rc2.d | grep lvs-demo; pgrep -f 'http.server 8099' >/dev/null && echo running; } | sha256sum`,
  );
}

async function reset(host: string): Promise<void> {
  await onHost(
    host,
    `/etc/init.d/lvs-demo stop 2>/dev/null; update-rc.d -f lvs-demo remove >/dev/null 2>&1; rm -rf /srv/lvs-core /etc/init.d/lvs-demo
     sed -i '/arp_ignore/d' /etc/sysctl.d/99-lvs-play.conf 2>/dev/null; echo 0 > /proc/sys/net/ipv4/conf/all/arp_ignore
     DEBIAN_FRONTEND=noninteractive dpkg --purge tree >/dev/null 2>&1; true`,
  );
}

describe('core resources on lab hosts', () => {
  beforeAll(async () => {
    await ensureLab();
    for (const h of HOSTS) await reset(h);
  });

  it('check mode reports every change and changes nothing', async () => {
    const before = await Promise.all(HOSTS.map(snapshot));
    const report = await runOnLab(site, { check: true });
    expect(failures(report)).toBe('');
    for (const h of HOSTS) expect(report.summary[h]).toMatchObject({ changed: 9, failed: 0 });
    expect(await Promise.all(HOSTS.map(snapshot))).toEqual(before);
  });

  it('a real run changes the hosts for real', async () => {
    const report = await runOnLab(site);
    expect(failures(report)).toBe('');
    expect(totals(report).changed).toBe(18);
    for (const h of HOSTS) {
      expect(await onHost(h, 'cat /srv/lvs-core/motd')).toBe(`managed by lvs-play on ${h}\n`);
      expect(await onHost(h, 'stat -c %a /srv/lvs-core/motd')).toBe('644\n');
      expect(await onHost(h, 'cat /srv/lvs-core/conf')).toBe('weight = 3\n');
      expect(await onHost(h, 'readlink /srv/lvs-core/current')).toBe('/srv/lvs-core/motd\n');
      expect(await onHost(h, 'cat /proc/sys/net/ipv4/conf/all/arp_ignore')).toBe('1\n');
      expect(await onHost(h, 'grep arp_ignore /etc/sysctl.d/99-lvs-play.conf')).toBe('net.ipv4.conf.all.arp_ignore = 1\n');
      expect(await onHost(h, "dpkg-query -W -f='${Status}' tree")).toBe('install ok installed');
      expect(await onHost(h, 'ls /etc/rc2.d/ | grep lvs-demo')).toMatch(/^S\d\dlvs-demo\n$/);
      expect(await onHost(h, '/etc/init.d/lvs-demo status && echo up')).toBe('up\n');
      expect(await onHost(h, 'test -s /srv/lvs-core/stamp && echo yes')).toBe('yes\n');
    }
  });

  it('the second run reports 0 changed on every host', async () => {
    const report = await runOnLab(site);
    expect(failures(report)).toBe('');
    for (const h of HOSTS) expect(report.summary[h]).toMatchObject({ changed: 0, failed: 0, ok: 9 });
  });

  it('an unreachable host is UNREACHABLE while the others succeed', async () => {
    await stopSshd('rs2');
    try {
      const report = await runOnLab(site);
      expect(report.summary.rs2).toMatchObject({ unreachable: 1, ok: 0, changed: 0 });
      expect(report.summary.rs1).toMatchObject({ ok: 9, failed: 0, unreachable: 0 });
      expect(report.results.find((r) => r.host === 'rs2')?.error).toMatch(/10\.77\.0\.17/);
    } finally {
      await startSshd('rs2');
    }
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServiceState, planService, service, serviceAction, serviceActionCommand, serviceCommands } from '../../../src/resources/service.js';
import { sh } from '../../../src/shell/quote.js';
import { run, tempDir } from './helpers.js';

const systemdOut = (active: string, enabled: string, load = 'loaded') => `init=systemd\nLoadState=${load}\nactive=${active}\nenabled=${enabled}\n`;

describe('service (fixtures)', () => {
  it('parses systemd and SysV facts', () => {
    expect(parseServiceState(systemdOut('active', 'enabled'))).toEqual({ init: 'systemd', exists: true, active: true, enabled: true, enableTool: null });
    expect(parseServiceState(systemdOut('inactive', '', 'not-found'))).toMatchObject({ exists: false, active: false, enabled: false });
    expect(parseServiceState('init=sysv\nexists=1\nstatus=3\ntool=update-rc.d\n')).toEqual({
      init: 'sysv', exists: true, active: false, enabled: false, enableTool: 'update-rc.d',
    });
    expect(parseServiceState('init=sysv\nexists=1\nstatus=0\nenabled=1\ntool=chkconfig\n')).toMatchObject({ active: true, enabled: true, enableTool: 'chkconfig' });
  });

  it('plans and builds systemd commands', () => {
    const st = parseServiceState(systemdOut('inactive', 'disabled'));
    const c = planService({ state: 'started', enabled: true }, st)!;
    expect(serviceCommands('keepalived', c)).toEqual(['systemctl enable keepalived </dev/null', 'systemctl start keepalived </dev/null']);
    expect(planService({ state: 'started', enabled: true }, parseServiceState(systemdOut('active', 'enabled')))).toBeNull();
    expect(planService({ state: 'stopped' }, parseServiceState(systemdOut('active', 'enabled')))).toMatchObject({ stop: true });
  });

  it('SysV on Debian: update-rc.d, start detached from the session', () => {
    const st = parseServiceState('init=sysv\nexists=1\nstatus=3\ntool=update-rc.d\n');
    const cmds = serviceCommands('keepalived', planService({ state: 'started', enabled: true }, st)!);
    expect(cmds[0]).toBe('update-rc.d keepalived defaults && update-rc.d keepalived enable');
    expect(cmds[1]).toContain('/etc/init.d/keepalived start\n) </dev/null >"$o" 2>&1');
  });

  it('SysV on RHEL: chkconfig; no tool → clear failure', () => {
    const st = parseServiceState('init=sysv\nexists=1\nstatus=0\ntool=chkconfig\n');
    expect(serviceCommands('keepalived', planService({ enabled: true }, st)!)).toEqual(['chkconfig --add keepalived && chkconfig keepalived on']);
    const none = parseServiceState('init=sysv\nexists=1\nstatus=0\n');
    expect(() => planService({ enabled: true }, none)).toThrow(/update-rc.d nor chkconfig/);
  });

  it('a missing unit still plans (check before install) and says so', () => {
    const r = service({ name: 'keepalived', state: 'started' });
    const st = parseServiceState(systemdOut('inactive', '', 'not-found'));
    expect(r.describe!(r.plan(st)!)).toBe('start keepalived (systemd) — not installed yet');
    expect(r.diff!(st, r.plan(st)!)).toEqual({
      before: 'keepalived: stopped, disabled at boot\n',
      after: 'keepalived: running, disabled at boot\n',
      label: 'service keepalived',
    });
  });

  it('reload handler: reload when running, else start; reloadCommand overrides', () => {
    expect(serviceActionCommand('keepalived', { init: 'systemd', action: 'reload' })).toBe(
      'if systemctl is-active keepalived >/dev/null 2>&1; then systemctl reload keepalived; else systemctl start keepalived; fi </dev/null',
    );
    expect(serviceActionCommand('keepalived', { init: 'sysv', action: 'restart' })).toContain('/etc/init.d/keepalived restart');
    const svc = service({ name: 'keepalived', state: 'started', reloadCommand: sh`kill -HUP $(cat /run/keepalived.pid)` });
    const h = svc.reload({ tags: ['x'] });
    expect(h.id).toBe('reload keepalived');
    expect(h.tags).toEqual(['x']);
    expect(h.plan({ init: 'systemd' })).toEqual({ init: 'systemd', action: 'reload' });
    expect(svc.restart().id).toBe('restart keepalived');
  });

  it('validates', () => {
    expect(() => service({ name: 'a b', state: 'started' })).toThrow(/service\.name/);
    expect(() => service({ name: 'x' })).toThrow(/state and\/or enabled/);
    expect(() => serviceAction({ name: 'x', action: 'bounce' as 'reload' })).toThrow(/serviceAction\.action/);
  });
});

describe('serviceAction: a daemon started over the session does not hang it', () => {
  it('returns while the backgrounded process still runs', async () => {
    const d = await tempDir();
    const pidFile = join(d, 'pid');
    // a "daemon" that keeps stdout/stderr open: without the detaching this would block until it exits
    const h = serviceAction({ name: 'fake', action: 'reload', command: sh`sleep 30 & echo $! > ${pidFile}` });
    const t0 = Date.now();
    const out = await run(h);
    expect(out.status).toBe('changed');
    expect(Date.now() - t0).toBeLessThan(5000);
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    expect(pid).toBeGreaterThan(1);
    process.kill(pid);
  });
});

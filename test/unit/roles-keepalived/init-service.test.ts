/**
 * init-service: the per-host branches (gate facts), the resources per install mode, the options
 * schema, and the LSB init script run for real against a fake forking daemon (start, status,
 * reload = SIGHUP after a config check, stop). The systemd unit is checked by systemd-analyze in
 * test/integration/roles-keepalived/systemd-unit.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gatedFact, onDebianSysv, onlyOn, onSystemd } from '../../../src/kit/gate.js';
import { daemonSpec, initService, initServiceOptions, initServiceResources } from '../../../roles/init-service/index.js';
import { lsbInitScript, systemdUnit, type DaemonSpec } from '../../../roles/init-service/scripts.js';
import { keepalived } from '../../../roles/keepalived/index.js';
import { file } from '../../../src/resources/file.js';
import type { FileState } from '../../../src/resources/filewrite.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const osOut = (id: string, systemd: boolean) => `osrelease=${b64(`ID=${id}\n`)}\ntool=${id === 'debian' ? 'apt-get' : 'yum'}\nsystemd=${systemd ? 1 : 0}\n`;
const MARK = '@@lvs-play-gate@@';

describe('gate: one fact, a plan only where the branch applies', () => {
  const inner = file({ path: '/etc/init.d/x', content: 'x\n' });
  const gated = onlyOn(onDebianSysv, inner);
  const fact = gated.read as ReturnType<typeof gatedFact<FileState>>;

  it('plans the wrapped change on Debian without systemd', () => {
    const cur = fact.parse({ code: 0, stderr: '', stdout: `${osOut('debian', false)}${MARK}\ntype=absent\n` });
    expect(cur.os.family).toBe('debian');
    expect(gated.plan(cur)).toMatchObject({ action: 'write', reasons: ['create'] });
    expect(gated.id).toBe('file /etc/init.d/x (Debian without systemd)');
  });

  it('is ok elsewhere, without parsing the wrapped fact', () => {
    const cur = fact.parse({ code: 0, stderr: '', stdout: `${osOut('debian', true)}${MARK}\nnonsense\n` });
    expect(cur.inner).toBeNull();
    expect(gated.plan(cur)).toBeNull();
    const rhel = fact.parse({ code: 0, stderr: '', stdout: `${osOut('centos', false)}${MARK}\n` });
    expect(gated.plan(rhel)).toBeNull();
  });

  it('the combined command carries both scripts', () => {
    expect(fact.command).toContain('/etc/os-release');
    expect(fact.command).toContain(MARK);
    expect(fact.command).toContain('/etc/init.d/x');
    expect(onSystemd.applies({ family: 'rhel', id: 'centos', idLike: [], versionId: '7', pkgManager: 'yum', systemd: true, tools: [] })).toBe(true);
  });
});

describe('initService resources', () => {
  const ids = (o: Parameters<typeof initService>[0]) => initService(o).resources.map((r) => r.id);

  it('source install: unit, daemon-reload, LSB script, defaults, binary link, service', () => {
    expect(ids({ name: 'keepalived', binary: '/usr/local/keepalived/sbin/keepalived', configPath: '/etc/keepalived/keepalived.conf' })).toEqual([
      'file /etc/systemd/system/keepalived.service (systemd)',
      'command systemctl daemon-reload (keepalived.service) (systemd)',
      'file /etc/init.d/keepalived (Debian without systemd)',
      'file /etc/default/keepalived (Debian)',
      'symlink /usr/sbin/keepalived',
      'service keepalived',
    ]);
  });

  it('RHEL SysV links like the reference procedure when the build sysconfdir is not /etc', () => {
    const l = ids({ name: 'keepalived', binary: '/usr/local/keepalived/sbin/keepalived', sysconfdir: '/usr/local/keepalived/etc' });
    expect(l).toContain('symlink /etc/rc.d/init.d/keepalived (RHEL without systemd)');
    expect(l).toContain('symlink /etc/sysconfig/keepalived (RHEL without systemd)');
  });

  it('package install: only the service', () => {
    expect(ids({ name: 'keepalived', binary: '/usr/sbin/keepalived', installedBy: 'package' })).toEqual(['service keepalived']);
    expect(keepalived.service({ install: 'package' }).resources.map((r) => r.id)).toEqual(['service keepalived']);
  });

  it('refuses values that cannot go into scripts and units', () => {
    expect(() => initService({ name: 'keepalived', binary: '/opt/my dir/keepalived' })).toThrow(/binary/);
    expect(() => initService({ name: 'keep alived', binary: '/usr/sbin/k' })).toThrow(/name/);
    expect(() => initService({ name: 'k', binary: '/usr/sbin/k', args: ['-D; rm -rf /'] })).toThrow(/args/);
    expect(() => initService({ name: 'k', binary: '/usr/sbin/k', extra: 1 } as never)).toThrow(/extra/);
  });

  it('keepalived.service passes -f CONFIG, -t before reloads, -D', () => {
    const spec = daemonSpec(initServiceOptions.parse({ name: 'keepalived', binary: '/usr/local/keepalived/sbin/keepalived', configPath: '/etc/keepalived/keepalived.conf', args: ['-D'], testArgs: ['-t'] }));
    const unit = systemdUnit(spec);
    expect(unit).toContain('ExecStart=/usr/local/keepalived/sbin/keepalived -f /etc/keepalived/keepalived.conf $DAEMON_ARGS');
    expect(unit).toContain('ExecReload=/bin/kill -HUP $MAINPID');
    expect(unit).toContain('PIDFile=/run/keepalived.pid');
    expect(initServiceResources(initServiceOptions.parse({ name: 'keepalived', binary: '/usr/sbin/keepalived' })).map((r) => r.id)).not.toContain('symlink /usr/sbin/keepalived');
  });
});

// ───────────────────────────── the LSB script, for real ─────────────────────────────

describe('LSB init script with a fake forking daemon', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvs-init-'));
  afterAll(() => {
    spawnSync('sh', [join(dir, 'init'), 'stop']);
    rmSync(dir, { recursive: true, force: true });
  });
  const pidFile = join(dir, 'fakekad.pid');
  const log = join(dir, 'daemon.log');
  const conf = join(dir, 'fake.conf');
  const daemon = join(dir, 'fakekad');
  writeFileSync(
    daemon,
    `#!/bin/sh
if [ "$1" = -t ]; then grep -q broken "$3" && { echo "bad config" >&2; exit 1; }; exit 0; fi
echo "start $*" >> ${log}
(
  trap 'echo HUP >> ${log}' HUP
  trap 'rm -f ${pidFile}; exit 0' TERM
  while :; do sleep 0.05; done
) </dev/null >/dev/null 2>&1 &
echo $! > ${pidFile}
`,
    { mode: 0o755 },
  );
  writeFileSync(conf, 'fine\n');
  const spec: DaemonSpec = {
    name: 'lvs-play-fake-daemon', description: 'fake daemon for tests', binary: daemon, configPath: conf, configFlag: '-f',
    pidFile, args: ['-D', '--vrrp'], testArgs: ['-t'],
  };
  writeFileSync(join(dir, 'init'), lsbInitScript(spec), { mode: 0o755 });
  const init = (action: string) => spawnSync('sh', [join(dir, 'init'), action], { encoding: 'utf8', timeout: 20_000 });

  it('is valid sh with an LSB header', () => {
    execFileSync('sh', ['-n', join(dir, 'init')]);
    const text = readFileSync(join(dir, 'init'), 'utf8');
    expect(text).toMatch(/### BEGIN INIT INFO\n# Provides: +lvs-play-fake-daemon\n/);
    expect(text).toContain('# Default-Start:     2 3 4 5');
  });

  it('start → status 0 → reload (SIGHUP) → bad config refuses reload → stop → status 3', async () => {
    expect(init('status').status).toBe(3);
    const s = init('start');
    expect(s.stdout).toMatch(/Started lvs-play-fake-daemon \(pid \d+\)/);
    expect(s.status).toBe(0);
    expect(readFileSync(log, 'utf8')).toContain(`start -f ${conf} -D --vrrp`);
    expect(init('start').stdout).toContain('already running');
    expect(init('status').status).toBe(0);

    expect(init('reload').status).toBe(0);
    // the daemon logs the signal when it gets it: wait for that (up to 10 s on a busy machine), not a fixed time
    for (let i = 0; i < 200 && !readFileSync(log, 'utf8').includes('HUP'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(readFileSync(log, 'utf8')).toContain('HUP');

    writeFileSync(conf, 'broken\n');
    const bad = init('reload');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('does not pass the check');
    expect(bad.stderr).toContain('bad config');
    writeFileSync(conf, 'fine\n');

    const st = init('stop');
    expect(st.stdout).toContain('Stopped');
    expect(init('status').status).toBe(3);
    expect(init('stop').status).toBe(0);
  });

  it('a stale pid file of another program is not "running"', () => {
    writeFileSync(pidFile, `${process.pid}\n`);
    expect(init('status').status).toBe(1);
    rmSync(pidFile);
  });
});

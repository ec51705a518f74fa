import { describe, expect, it } from 'vitest';
import { readFacts } from '../../../src/run/facts.js';
import { osFamilyFact, parseOsFacts } from '../../../src/resources/osfamily.js';
import { parsePkgState, pkg, pkgCommands, planPkg } from '../../../src/resources/pkg.js';
import { parseKv } from '../../../src/resources/common.js';
import { run, t } from './helpers.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const DEBIAN_REL = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n';
const ROCKY_REL = 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n';
const UBUNTU_REL = 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\n';

describe('osFamilyFact (fixtures)', () => {
  it('debian with apt, no systemd', () => {
    const os = parseOsFacts(parseKv(`osrelease=${b64(DEBIAN_REL)}\ndebian-version=1\ntool=apt-get\ntool=dpkg-query\ntool=update-rc.d\nsystemd=0\n`));
    expect(os).toEqual({ family: 'debian', id: 'debian', idLike: [], versionId: '12', pkgManager: 'apt', systemd: false, tools: ['apt-get', 'dpkg-query', 'update-rc.d'] });
  });
  it('rocky via ID_LIKE, dnf preferred over yum, systemd', () => {
    const os = parseOsFacts(parseKv(`osrelease=${b64(ROCKY_REL)}\nredhat-release=1\ntool=dnf\ntool=yum\ntool=rpm\nsystemd=1\n`));
    expect(os).toMatchObject({ family: 'rhel', id: 'rocky', idLike: ['rhel', 'centos', 'fedora'], pkgManager: 'dnf', systemd: true });
  });
  it('ubuntu via ID_LIKE; CentOS 5 without os-release via /etc/redhat-release', () => {
    expect(parseOsFacts(parseKv(`osrelease=${b64(UBUNTU_REL)}\ntool=apt-get\n`)).family).toBe('debian');
    expect(parseOsFacts(parseKv('redhat-release=1\ntool=yum\ntool=rpm\nsystemd=0\n'))).toMatchObject({ family: 'rhel', pkgManager: 'yum', id: '' });
    expect(parseOsFacts(parseKv('systemd=0\n'))).toMatchObject({ family: 'unknown', pkgManager: null });
  });
  it('reads this machine (read-only)', async () => {
    const [o] = await readFacts(t, [osFamilyFact]);
    expect(o).toMatchObject({ ok: true, value: { family: 'debian', pkgManager: 'apt' } });
  });
});

describe('pkg (fixtures)', () => {
  const deb = `osrelease=${b64(DEBIAN_REL)}\ntool=apt-get\ntool=dpkg-query\nsystemd=1\n`;
  const rhel = `osrelease=${b64(ROCKY_REL)}\ntool=dnf\ntool=rpm\nsystemd=1\n`;

  it('parses installed flags and plans the missing ones', () => {
    const st = parsePkgState(`${deb}pkg=1 ipvsadm\npkg=0 keepalived\npkg=0 libnl-3-dev\n`, ['ipvsadm', 'keepalived', 'libnl-3-dev']);
    expect(st.installed).toEqual({ ipvsadm: true, keepalived: false, 'libnl-3-dev': false });
    const c = planPkg(['ipvsadm', 'keepalived', 'libnl-3-dev'], 'present', st);
    expect(c).toEqual({ manager: 'apt', install: ['keepalived', 'libnl-3-dev'] });
    expect(pkgCommands(c!, false)).toEqual([
      'DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install --no-install-recommends keepalived libnl-3-dev',
    ]);
    expect(pkgCommands(c!, true)[0]).toBe('DEBIAN_FRONTEND=noninteractive apt-get -q update');
    expect(planPkg(['ipvsadm'], 'present', st)).toBeNull();
  });

  it('absent removes installed ones; dnf and yum commands', () => {
    const st = parsePkgState(`${rhel}pkg=1 httpd\npkg=0 nginx\n`, ['httpd', 'nginx']);
    const c = planPkg(['httpd', 'nginx'], 'absent', st)!;
    expect(c).toEqual({ manager: 'dnf', remove: ['httpd'] });
    expect(pkgCommands(c, true)).toEqual(['dnf -y remove httpd']);
    expect(pkgCommands({ manager: 'yum', install: ['openssl-devel'] }, true)).toEqual(['yum -y makecache', 'yum -y install openssl-devel']);
  });

  it('no package manager: the plan fails with a clear message', () => {
    const st = parsePkgState('systemd=0\npkg=? x\n', ['x']);
    expect(() => planPkg(['x'], 'present', st)).toThrow(/no supported package manager/);
  });

  it('diff is a short state', () => {
    const r = pkg({ names: ['a', 'b'] });
    const st = parsePkgState(`${deb}pkg=1 a\npkg=0 b\n`, ['a', 'b']);
    expect(r.diff!(st, r.plan(st)!)).toEqual({ before: 'b: absent\n', after: 'b: installed\n', label: 'pkg a b' });
  });

  it('reads this machine and plans in check mode only (nothing installed)', async () => {
    const r = pkg({ names: ['dpkg', 'lvs-play-no-such-package'] });
    const out = await run(r, true);
    expect(out).toMatchObject({ status: 'changed', message: 'install lvs-play-no-such-package (apt)' });
    expect((await run(pkg({ names: ['dpkg', 'coreutils'] }), true)).status).toBe('ok');
  });

  it('validates names', () => {
    expect(() => pkg({ names: [] })).toThrow(/pkg\.names/);
    expect(() => pkg({ names: ['-o foo'] })).toThrow(/pkg\.names\[0\]/);
    expect(() => pkg({ names: ['a;rm -rf /'] })).toThrow(/not a valid package name/);
  });
});

/**
 * The keepalived build resource: fact parsing and the pure plan from version strings, the options
 * schema, a checksum mismatch refused before any host. The build script run for real (as root, it
 * installs into /): test/integration/roles-keepalived/build-script.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_DEPS, parseBuildState, parseKeepalivedVersion, planBuild, type BuildState } from '../../../roles/keepalived/build.js';
import { keepalived } from '../../../roles/keepalived/index.js';
import { LvsError } from '../../../src/errors.js';
import { createHash } from 'node:crypto';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const DEBIAN_OS = `osrelease=${b64('ID=debian\nVERSION_ID="12"\n')}\ndebian-version=1\ntool=apt-get\ntool=dpkg-query\ntool=update-rc.d\nsystemd=0\n`;
const CENTOS_OS = `osrelease=${b64('ID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\n')}\nredhat-release=1\ntool=yum\ntool=rpm\ntool=chkconfig\nsystemd=1\n`;

function state(os: string, banner?: string): BuildState {
  return parseBuildState(os + (banner === undefined ? '' : `version=${b64(`${banner}\n`)}\n`));
}

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'lvs-ka-build-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('version fact and plan', () => {
  it('reads the version keepalived prints', () => {
    expect(parseKeepalivedVersion('Keepalived v2.2.7 (01/16,2022)')).toBe('2.2.7');
    expect(parseKeepalivedVersion('Keepalived v1.3.5 (03/19,2017), git commit v1.3.5-6-g6fa32f2')).toBe('1.3.5');
    expect(parseKeepalivedVersion('sh: keepalived: not found')).toBeNull();
  });

  it('parses the batched fact: os family and installed version', () => {
    const s = state(DEBIAN_OS, 'Keepalived v2.2.7 (01/16,2022)');
    expect(s.os.family).toBe('debian');
    expect(s.installed).toBe('2.2.7');
    expect(state(DEBIAN_OS).installed).toBeNull();
    expect(state(CENTOS_OS, 'garbage').installed).toBeNull();
    expect(state(CENTOS_OS, 'garbage').banner).toBe('garbage');
  });

  it('is ok when the wanted version is installed: deps, upload and build all skipped', () => {
    expect(planBuild({ version: '2.2.7', optionalDeps: false }, state(DEBIAN_OS, 'Keepalived v2.2.7 (01/16,2022)'))).toBeNull();
  });

  it('builds when absent or another version, with the family build deps', () => {
    expect(planBuild({ version: '2.2.7', optionalDeps: false }, state(DEBIAN_OS))).toEqual({
      family: 'debian', from: null, to: '2.2.7', deps: ['build-essential', 'pkg-config', 'libssl-dev', 'libnl-3-dev', 'libnl-genl-3-dev'],
    });
    const rhel = planBuild({ version: '2.2.7', optionalDeps: true }, state(CENTOS_OS, 'Keepalived v1.3.5 (03/19,2017)'));
    expect(rhel).toEqual({ family: 'rhel', from: '1.3.5', to: '2.2.7', deps: [...BUILD_DEPS.rhel.required, ...BUILD_DEPS.rhel.optional] });
    expect(rhel?.deps).toContain('openssl-devel');
  });

  it('refuses an unknown OS family', () => {
    const unknown = parseBuildState(`osrelease=${b64('ID=alpine\n')}\nsystemd=0\n`);
    expect(() => planBuild({ version: '2.2.7', optionalDeps: false }, unknown)).toThrow(/unknown OS family.*alpine/);
  });
});

describe('options', () => {
  const file = (): { path: string; sha: string } => {
    const d = tmp();
    const path = join(d, 'keepalived-2.2.7.tar.gz');
    writeFileSync(path, 'not really a tarball');
    return { path, sha: createHash('sha256').update('not really a tarball').digest('hex') };
  };

  it('a checksum mismatch fails in preflight, before any host', () => {
    const f = file();
    const wrong = 'f'.repeat(64);
    const build = keepalived.build({ version: '2.2.7', tarball: f.path, sha256: wrong }).resources[0]!;
    expect(() => build.preflight?.()).toThrow(LvsError);
    expect(() => build.preflight?.()).toThrow(/sha256/);
  });

  it('a missing tarball fails in preflight only (listing a site needs no local files)', () => {
    const build = keepalived.build({ version: '2.2.7', tarball: '/nonexistent/keepalived.tar.gz', sha256: 'a'.repeat(64) }).resources[0]!;
    expect(() => build.preflight?.()).toThrow(/cannot read the local file/);
  });

  it('builds one resource and says where the binary is', () => {
    const f = file();
    const role = keepalived.build({ version: '2.2.7', tarball: f.path, sha256: f.sha, prefix: '/opt/ka/' });
    expect(role.resources).toHaveLength(1);
    expect(role.resources[0]?.kind).toBe('keepalived-build');
    expect(role.binary).toBe('/opt/ka/sbin/keepalived');
    expect(role.prefix).toBe('/opt/ka');
    const pkgRole = keepalived.build({ version: '2.2.7', install: 'package' });
    expect(pkgRole.binary).toBe('/usr/sbin/keepalived');
    expect(pkgRole.resources[0]?.kind).toBe('pkg');
  });

  it('rejects bad options with the field named', () => {
    const f = file();
    const bad = (o: Parameters<typeof keepalived.build>[0], re: RegExp) => expect(() => keepalived.build(o)).toThrow(re);
    bad({ version: '2.2', tarball: f.path }, /sha256/);
    bad({ version: '2.2.7', tarball: f.path, url: 'https://example.org/k.tgz', sha256: f.sha }, /exactly one of tarball/);
    bad({ version: 'latest', tarball: f.path, sha256: f.sha }, /version/);
    bad({ version: '2.2.7', tarball: f.path, sha256: f.sha, configureArgs: ['--prefix=/x'] }, /prefix/);
    bad({ version: '2.2.7', tarball: f.path, sha256: f.sha, prefix: 'usr/local' }, /absolute/);
  });
});

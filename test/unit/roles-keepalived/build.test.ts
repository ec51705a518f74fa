/**
 * The keepalived build resource: fact parsing and the pure plan from version strings, the options
 * schema, a checksum mismatch refused before any host, and the build script run for real (locally)
 * on fake source trees: a failing configure reports its log's last lines and installs nothing; a
 * working one installs the binary last, by rename.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_DEPS, buildScript, parseBuildState, parseKeepalivedVersion, planBuild, remoteTarball, type BuildSpec, type BuildState } from '../../../roles/keepalived/build.js';
import { keepalived } from '../../../roles/keepalived/index.js';
import { LvsError } from '../../../src/errors.js';
import { LocalTransport } from '../../../src/transport/local.js';
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

// ───────────────────────────── the build script, for real ─────────────────────────────

/** A source tree whose configure/make behave like autotools, packed as a .tar.gz. */
function fakeSource(dir: string, configure: string): { tarball: string; sha: string } {
  const src = join(dir, 'keepalived-9.9.9');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'configure'), configure, { mode: 0o755 });
  writeFileSync(
    join(src, 'Makefile'),
    [
      'all:',
      '\t@echo compiling',
      'install:',
      '\tmkdir -p $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share',
      "\tprintf '#!/bin/sh\\necho \"Keepalived v9.9.9 (fake)\" >&2\\n' > $(DESTDIR)$(PREFIX)/sbin/keepalived",
      '\tchmod 755 $(DESTDIR)$(PREFIX)/sbin/keepalived',
      '\techo doc > $(DESTDIR)$(PREFIX)/share/README',
      '',
    ].join('\n'),
  );
  const tarball = join(dir, 'keepalived-9.9.9.tar.gz');
  execFileSync('tar', ['-czf', tarball, '-C', dir, 'keepalived-9.9.9']);
  return { tarball, sha: createHash('sha256').update(readFileSync(tarball)).digest('hex') };
}

function specFor(dir: string, sha: string): BuildSpec {
  return { version: '9.9.9', source: { tarball: 'unused' }, sha256: sha, prefix: join(dir, 'prefix'), configureArgs: ['--disable-x'], optionalDeps: false, srcDir: join(dir, 'src'), logFile: join(dir, 'log', 'build.log') };
}

async function runBuild(spec: BuildSpec, tarball: string) {
  mkdirSync(spec.srcDir, { recursive: true });
  writeFileSync(remoteTarball(spec), readFileSync(tarball));
  return new LocalTransport().run(buildScript(spec));
}

describe('build script (run locally on fake sources)', () => {
  it('a failing configure: error names the step, shows the log tail, keeps the log, installs nothing', async () => {
    const dir = tmp();
    const lines = Array.from({ length: 40 }, (_, i) => `echo "checking thing ${i}"`).join('\n');
    const f = fakeSource(dir, `#!/bin/sh\necho "args: $*"\n${lines}\necho "configure: error: no libnl found" >&2\nexit 1\n`);
    const spec = specFor(dir, f.sha);
    const r = await runBuild(spec, f.tarball);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('keepalived build failed at "configure"');
    expect(r.stderr).toContain('configure: error: no libnl found');
    expect(r.stderr).toContain('checking thing 39');
    expect(r.stderr).not.toContain('checking thing 10\n');
    expect(r.stderr).toContain(spec.logFile);
    const log = readFileSync(spec.logFile, 'utf8');
    expect(log).toContain(`args: --prefix=${spec.prefix} --sysconfdir=/etc --disable-x`);
    expect(log).toContain('checking thing 0');
    expect(existsSync(spec.prefix)).toBe(false);
  });

  it('a checksum mismatch on the host stops before extracting', async () => {
    const dir = tmp();
    const f = fakeSource(dir, '#!/bin/sh\nexit 0\n');
    const spec = specFor(dir, '0'.repeat(64));
    const r = await runBuild(spec, f.tarball);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('sha256 check');
    expect(existsSync(join(spec.srcDir, 'keepalived-9.9.9-build', 'src'))).toBe(false);
    expect(existsSync(spec.prefix)).toBe(false);
  });

  it('a working build installs into the prefix (binary last) and cleans its work dir', async () => {
    const dir = tmp();
    const f = fakeSource(dir, '#!/bin/sh\nfor a; do case "$a" in --prefix=*) p=${a#--prefix=};; esac; done\nprintf "PREFIX=%s\\n" "$p" > config.mk\nsed -i "1i include config.mk" Makefile\n');
    const spec = specFor(dir, f.sha);
    const r = await runBuild(spec, f.tarball);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const v = execFileSync('sh', ['-c', `${spec.prefix}/sbin/keepalived --version 2>&1`]).toString();
    expect(v).toContain('Keepalived v9.9.9');
    expect(readFileSync(join(spec.prefix, 'share', 'README'), 'utf8')).toBe('doc\n');
    expect(existsSync(join(spec.srcDir, 'keepalived-9.9.9-build'))).toBe(false);
    expect(readFileSync(spec.logFile, 'utf8')).toContain('installed in');
  });
});

/**
 * The keepalived build script run for real (locally, as root: it installs into / as on a host) on
 * fake source trees: a failing configure reports its log's last lines and installs nothing; a
 * working one installs the binary last, by rename.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildScript, remoteTarball, type BuildSpec } from '../../../roles/keepalived/build.js';
import { LocalTransport } from '../../../src/transport/local.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'lvs-ka-build-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
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

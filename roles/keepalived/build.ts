/**
 * keepalived built from a source tarball, as ONE resource whose fact is
 * `PREFIX/sbin/keepalived --version`: when the wanted version is installed, everything (deps,
 * upload, build) is skipped. Otherwise apply installs the build deps of the host's family, puts the
 * tarball on the host (sha256 checked on the control node when the role is built, and again on the
 * host before extracting), configures and builds in a work dir, `make install DESTDIR=staging`,
 * then copies the staging tree into place with the binary last (temp + rename): a failed build
 * installs nothing, and an interrupted copy leaves the old binary, so the next run builds again.
 */
import { posix } from 'node:path';
import { defineResource, type Fact, pkg, type PosixTransport, type Resource, type ShellCommand, upload } from 'lvs-play';
import { b64, checkFactResult, kv, type OsFacts, osFactScript, type OsFamily, parseKv, parseOsFacts, raw, sh, tail } from 'lvs-play/kit';

/** Build dependencies per family (the optional ones add ipset/iptables support). */
export const BUILD_DEPS: Record<Exclude<OsFamily, 'unknown'>, { required: readonly string[]; optional: readonly string[] }> = {
  debian: {
    required: ['build-essential', 'pkg-config', 'libssl-dev', 'libnl-3-dev', 'libnl-genl-3-dev'],
    optional: ['libipset-dev', 'libxtables-dev', 'libip4tc-dev', 'libip6tc-dev'],
  },
  rhel: {
    required: ['gcc', 'make', 'openssl-devel', 'libnl3-devel'],
    optional: ['ipset-devel', 'iptables-devel'],
  },
};

export const DEFAULT_PREFIX = '/usr/local/keepalived';
export const DEFAULT_SRC_DIR = '/usr/local/src';
export const DEFAULT_BUILD_LOG = '/var/log/lvs-play/keepalived-build.log';

/** Everything the build resource needs, already validated (see index.ts for the options schema). */
export interface BuildSpec {
  version: string;
  /** Local tarball on the control node, or a URL the host downloads. */
  source: { tarball: string } | { url: string };
  sha256: string;
  prefix: string;
  configureArgs: readonly string[];
  optionalDeps: boolean;
  /** Where the tarball goes and the work dir lives on the host. */
  srcDir: string;
  logFile: string;
}

export interface BuildState {
  os: OsFacts;
  /** Version printed by PREFIX/sbin/keepalived --version, null when absent or unreadable. */
  installed: string | null;
  /** First line of --version output (for messages). */
  banner: string;
}

export interface BuildChange {
  family: Exclude<OsFamily, 'unknown'>;
  from: string | null;
  to: string;
  deps: readonly string[];
}

/** `Keepalived v2.2.7 (01/16,2022)` → `2.2.7`; null when the text has no version. */
export function parseKeepalivedVersion(text: string): string | null {
  const m = /Keepalived v(\d+(?:\.\d+)*)/.exec(text);
  return m ? m[1]! : null;
}

export function binaryPath(prefix: string): string {
  return posix.join(prefix, 'sbin', 'keepalived');
}

/** The fact: os facts + the installed binary's version, one command. */
function buildFact(prefix: string): Fact<BuildState> {
  const bin = binaryPath(prefix);
  return {
    command: sh`${raw(osFactScript)}
if [ -x ${bin} ]; then printf 'version='; ${bin} --version 2>&1 </dev/null | head -n 1 | base64 -w0; echo; fi
:`,
    parse(r) {
      checkFactResult('keepalived build', r);
      return parseBuildState(r.stdout);
    },
  };
}

/** Parses the fact output (exported for fixture tests). */
export function parseBuildState(stdout: string): BuildState {
  const m = parseKv(stdout);
  const v = kv(m, 'version');
  const banner = v === undefined ? '' : b64(v).toString('utf8').trim();
  return { os: parseOsFacts(m), installed: v === undefined ? null : parseKeepalivedVersion(banner), banner };
}

/** The pure plan: null when the wanted version is installed; throws on an unknown OS family. */
export function planBuild(spec: Pick<BuildSpec, 'version' | 'optionalDeps'>, cur: BuildState): BuildChange | null {
  if (cur.installed === spec.version) return null;
  const family = cur.os.family;
  if (family === 'unknown') {
    throw new Error(`cannot build keepalived here: unknown OS family (os-release ID "${cur.os.id}"); supported: Debian and RHEL families`);
  }
  const d = BUILD_DEPS[family];
  return { family, from: cur.installed, to: spec.version, deps: spec.optionalDeps ? [...d.required, ...d.optional] : [...d.required] };
}

/** Remote path of the tarball. */
export function remoteTarball(spec: Pick<BuildSpec, 'srcDir' | 'version'>): string {
  return posix.join(spec.srcDir, `keepalived-${spec.version}.tar.gz`);
}

/** Work dir of a build (removed and recreated by every build; kept after a failure). */
function workDir(spec: Pick<BuildSpec, 'srcDir' | 'version'>): string {
  return posix.join(spec.srcDir, `keepalived-${spec.version}-build`);
}

/**
 * The build script (exported for tests). Output goes to the log; on failure it prints which step
 * failed and the log's last 20 lines to stderr and exits non-zero. Nothing is installed before
 * `make install` into the staging dir succeeded.
 */
export function buildScript(spec: BuildSpec): ShellCommand {
  const tarball = remoteTarball(spec);
  const w = workDir(spec);
  const bin = binaryPath(spec.prefix);
  const configure = sh`./configure --prefix=${spec.prefix} --sysconfdir=/etc ${[...spec.configureArgs]}`;
  return sh`log=${spec.logFile}; w=${w}; s=${w}/staging; tarball=${tarball}; bin=${bin}
mkdir -p -- "$(dirname -- "$log")" || exit 1
: > "$log" || exit 1
fail() { printf 'lvs-play: keepalived build failed at "%s"; full log on the host: %s\n--- last lines of the log ---\n' "$1" "$log" >&2; tail -n 20 "$log" >&2; exit 1; }
step() { printf '\n=== lvs-play: %s ===\n' "$1" >> "$log"; }
step 'check sha256'
printf '%s  %s\n' ${spec.sha256} "$tarball" | sha256sum -c - >> "$log" 2>&1 || fail 'sha256 check of the tarball'
step 'extract'
rm -rf -- "$w" && mkdir -p -- "$w/src" "$s" || fail 'prepare the work dir'
tar -x -z -f "$tarball" -C "$w/src" --strip-components=1 --no-same-owner >> "$log" 2>&1 </dev/null || fail extract
cd "$w/src" || fail extract
step ${`configure: ${configure}`}
${raw(configure)} >> "$log" 2>&1 </dev/null || fail configure
step 'make'
make -j"$(nproc 2>/dev/null || echo 1)" >> "$log" 2>&1 </dev/null || fail make
step 'make install (staging)'
make install DESTDIR="$s" >> "$log" 2>&1 </dev/null || fail 'make install'
[ -x "$s$bin" ] || { echo "no $bin in the staging tree" >> "$log"; fail 'make install'; }
"$s$bin" --version 2>&1 </dev/null | grep -q ${`Keepalived v${spec.version}`} || { "$s$bin" --version >> "$log" 2>&1; fail 'version check of the new binary'; }
step 'install into place'
mv -f -- "$s$bin" "$w/keepalived.new" || fail 'install into place'
# the config role owns the live keepalived.conf
rm -f -- "$s/etc/keepalived/keepalived.conf"
(cd "$s" && tar -c -f - .) | tar -x -f - -C / --no-overwrite-dir --no-same-owner >> "$log" 2>&1 || fail 'install into place'
mkdir -p -- "$(dirname -- "$bin")" || fail 'install into place'
cp -- "$w/keepalived.new" "$bin.lvs-new" && chmod 0755 -- "$bin.lvs-new" && mv -f -- "$bin.lvs-new" "$bin" || { rm -f -- "$bin.lvs-new"; fail 'install the binary'; }
step done
cd / && rm -rf -- "$w"
echo "lvs-play: keepalived ${spec.version} installed in ${spec.prefix}" >> "$log"`;
}

/** Fetches the tarball on the host (url sources): curl or wget, into a temp name, checked, renamed. */
function fetchScript(url: string, dest: string, sha256: string): ShellCommand {
  return sh`d=${dest}; t=${`${dest}.lvs-part`}
mkdir -p -- "$(dirname -- "$d")" || exit 1
if command -v curl >/dev/null 2>&1; then curl -fsSL --retry 2 -o "$t" ${url} </dev/null
elif command -v wget >/dev/null 2>&1; then wget -q -O "$t" ${url} </dev/null
else echo 'neither curl nor wget is installed' >&2; exit 2; fi || { rc=$?; rm -f -- "$t"; echo ${`download of ${url} failed`} >&2; exit $rc; }
got=$(sha256sum < "$t" | cut -d' ' -f1)
if [ "$got" != ${sha256} ]; then rm -f -- "$t"; echo "sha256 mismatch for ${url}: got $got, expected ${sha256}; nothing was built" >&2; exit 3; fi
mv -f -- "$t" "$d"`;
}

async function installDeps(t: PosixTransport, deps: readonly string[]): Promise<void> {
  const res = pkg({ names: deps });
  const read = res.read as Fact<Parameters<typeof res.plan>[0]>;
  const cur = read.parse(await t.run(read.command));
  const change = res.plan(cur);
  if (change) await res.apply(t, change);
}

async function putTarball(t: PosixTransport, spec: BuildSpec, up: ReturnType<typeof upload> | null): Promise<void> {
  const dest = remoteTarball(spec);
  if (up) {
    const read = up.read as Fact<Parameters<typeof up.plan>[0]>;
    const change = up.plan(read.parse(await t.run(sh`mkdir -p -- ${spec.srcDir} && ${raw(read.command)}`)));
    if (change) await up.apply(t, change);
    return;
  }
  if ('url' in spec.source) {
    const r = await t.run(sh`[ -f ${dest} ] && [ "$(sha256sum < ${dest} | cut -d' ' -f1)" = ${spec.sha256} ]`);
    if (r.code === 0) return;
    const f = await t.run(fetchScript(spec.source.url, dest, spec.sha256), { timeoutMs: 600_000 });
    if (f.code !== 0) throw new Error(`fetching the keepalived tarball failed (exit ${f.code}): ${tail(f.stderr || f.stdout)}`);
  }
}

/** The build resource (one per host). */
export function keepalivedBuildResource(spec: BuildSpec): Resource<BuildState, BuildChange, 'posix'> {
  // The upload's preflight reads and hashes the local tarball before any host is contacted, so a
  // missing file or a checksum mismatch stops the run first (nothing with a wrong checksum is built).
  const up = 'tarball' in spec.source ? upload({ src: spec.source.tarball, dest: remoteTarball(spec), sha256: spec.sha256, mode: 0o644 }) : null;
  const bin = binaryPath(spec.prefix);
  const what = 'tarball' in spec.source ? posix.basename(spec.source.tarball) : spec.source.url;
  return defineResource<BuildState, BuildChange>({
    id: `keepalived build ${spec.version} ${spec.prefix}`,
    kind: 'keepalived-build',
    shell: 'posix',
    read: buildFact(spec.prefix),
    ...(up?.preflight ? { preflight: up.preflight } : {}),
    plan: (cur) => planBuild(spec, cur),
    desired: () => ({ settings: [`${bin}: keepalived ${spec.version}, built from ${what} (sha256 ${spec.sha256}) into ${spec.prefix}`] }),
    describe: (c) => `build keepalived ${c.to} from ${what} into ${spec.prefix} (${c.from ? `installed: v${c.from}` : 'not installed'}; deps: ${c.deps.join(' ')})`,
    diff: (cur, c) => ({
      before: `${bin}: ${cur.installed ? `v${cur.installed}` : cur.banner ? `unknown version (${cur.banner})` : 'absent'}\n`,
      after: `${bin}: v${c.to}\n`,
      label: `keepalived build ${spec.prefix}`,
    }),
    async apply(t, c) {
      await installDeps(t, c.deps);
      await putTarball(t, spec, up);
      const r = await t.run(buildScript(spec), { timeoutMs: 3_600_000 });
      if (r.code !== 0) {
        const out = (r.stderr || r.stdout).trim();
        throw new Error(`keepalived ${spec.version} build failed (exit ${r.code === null ? 'none: session dropped' : r.code}); nothing was installed or linked\n${out.split('\n').slice(-24).join('\n')}`);
      }
    },
  });
}

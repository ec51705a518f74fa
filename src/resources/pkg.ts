/** `pkg` / `packages`: OS packages installed (or removed) with apt-get, dnf or yum. */
import { defineResource } from '../dsl/resource.js';
import { raw, sh } from '../shell/quote.js';
import type { Fact, PosixTransport, Resource, ShellCommand } from '../types.js';
import { z } from 'zod';
import { checkFactResult, commandError, metaOf, parseKv, type Meta } from './common.js';
import { metaShape, parseOptions, presence } from './options.js';
import { osFactScript, parseOsFacts, type OsFacts, type PkgManager } from './osfamily.js';

/** The options of `pkg()`. */
export interface PkgOptions extends Meta {
  names: readonly string[];
  state?: 'present' | 'absent';
  /** Refresh the package index before installing (apt-get update / makecache). Default false. */
  updateCache?: boolean;
}

/** Which of the packages are installed on the host. */
export interface PkgState {
  os: OsFacts;
  /** name → installed (null: no package database found). */
  installed: Record<string, boolean | null>;
}

/** What a pkg resource will do: install or remove packages. */
export interface PkgChange {
  manager: PkgManager;
  install?: string[];
  remove?: string[];
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9+._:~=-]*$/;

export function pkgFact(names: readonly string[]): Fact<PkgState> {
  // '${Status}' is dpkg-query's format field, single-quoted for the shell
  const status = "'${Status}'";
  return {
    command: sh`${raw(osFactScript)}
for n in ${names}; do
  if command -v dpkg-query >/dev/null 2>&1; then
    case "$(dpkg-query -W -f=${raw(status as ShellCommand)} "$n" 2>/dev/null)" in *' installed') echo "pkg=1 $n";; *) echo "pkg=0 $n";; esac
  elif command -v rpm >/dev/null 2>&1; then
    if rpm -q "$n" >/dev/null 2>&1; then echo "pkg=1 $n"; else echo "pkg=0 $n"; fi
  else echo "pkg=? $n"; fi
done`,
    parse(r) {
      checkFactResult('packages', r);
      return parsePkgState(r.stdout, names);
    },
  };
}

/** Parses the fact output (exported for fixture tests). */
export function parsePkgState(stdout: string, names: readonly string[]): PkgState {
  const m = parseKv(stdout);
  const installed: Record<string, boolean | null> = {};
  for (const n of names) installed[n] = null;
  for (const line of m.get('pkg') ?? []) {
    const sp = line.indexOf(' ');
    const flag = line.slice(0, sp);
    installed[line.slice(sp + 1)] = flag === '1' ? true : flag === '0' ? false : null;
  }
  return { os: parseOsFacts(m), installed };
}

/** The pure plan (exported for fixture tests). */
export function planPkg(names: readonly string[], state: 'present' | 'absent', cur: PkgState): PkgChange | null {
  const manager = cur.os.pkgManager;
  const missing = names.filter((n) => cur.installed[n] !== true);
  const present = names.filter((n) => cur.installed[n] !== false);
  const todo = state === 'present' ? missing : present;
  if (todo.length === 0) return null;
  if (manager === null) throw new Error(`no supported package manager (apt-get, dnf, yum) on this host (os: ${cur.os.id || cur.os.family})`);
  return state === 'present' ? { manager, install: todo } : { manager, remove: todo };
}

const APT = sh`DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold`;

/** The commands a change runs, in order (the cache update first when asked). */
export function pkgCommands(c: PkgChange, updateCache: boolean): ShellCommand[] {
  const cmds: ShellCommand[] = [];
  if (c.manager === 'apt') {
    if (updateCache && c.install) cmds.push(sh`DEBIAN_FRONTEND=noninteractive apt-get -q update`);
    if (c.install) cmds.push(sh`${raw(APT)} install --no-install-recommends ${c.install}`);
    if (c.remove) cmds.push(sh`${raw(APT)} remove ${c.remove}`);
  } else {
    const tool = c.manager;
    if (updateCache && c.install) cmds.push(sh`${tool} -y makecache`);
    if (c.install) cmds.push(sh`${tool} -y install ${c.install}`);
    if (c.remove) cmds.push(sh`${tool} -y remove ${c.remove}`);
  }
  return cmds;
}

/** apt's words for "the index does not know this package yet". */
const APT_STALE = /Unable to locate package|has no installation candidate|Failed to fetch|Package .* is not available/;

async function applyPkg(t: PosixTransport, c: PkgChange, updateCache: boolean, secrets?: readonly string[]): Promise<void> {
  const cmds = pkgCommands(c, updateCache);
  const hasUpdate = updateCache && c.install !== undefined;
  let updated = hasUpdate;
  const timeoutMs = 30 * 60_000;
  for (const [i, cmd] of cmds.entries()) {
    const what = hasUpdate && i === 0 ? `${c.manager} cache update` : `${c.manager} ${c.install ? 'install' : 'remove'} ${(c.install ?? c.remove ?? []).join(' ')}`;
    let r = await t.run(cmd, { timeoutMs });
    if (r.code !== 0 && c.manager === 'apt' && !updated && c.install && APT_STALE.test(r.stderr + r.stdout)) {
      const up = await t.run(sh`DEBIAN_FRONTEND=noninteractive apt-get -q update`, { timeoutMs });
      if (up.code !== 0) throw commandError('apt-get update', up, secrets);
      updated = true;
      r = await t.run(cmd, { timeoutMs });
    }
    if (r.code !== 0) throw commandError(what, r, secrets);
  }
}

const pkgOptions = z.object({
  ...metaShape,
  names: z
    .array(z.string().regex(NAME_RE, 'not a valid package name: letters, digits and + . _ : ~ = -, starting with a letter or digit'), {
      required_error: "a non-empty list, e.g. names: ['ipvsadm']",
      invalid_type_error: "a non-empty list, e.g. names: ['ipvsadm']",
    })
    .min(1, "a non-empty list, e.g. names: ['ipvsadm']"),
  state: presence,
  updateCache: z.boolean().default(false),
});

/** Packages installed (or removed). Exported as `pkg` and `packages`. */
export function pkg(o: PkgOptions): Resource<PkgState, PkgChange, 'posix'> {
  const kind = 'pkg';
  const { names, state, updateCache } = parseOptions(kind, pkgOptions, o, "pkg({ names: ['ipvsadm'] })");
  const secrets = o.secrets;
  const list = (c: PkgChange): string[] => c.install ?? c.remove ?? [];
  return defineResource<PkgState, PkgChange>({
    ...metaOf(o),
    id: `pkg ${names.join(' ')}`,
    kind,
    shell: 'posix',
    read: pkgFact(names),
    plan: (cur) => planPkg(names, state, cur),
    describe: (c) => `${c.install ? 'install' : 'remove'} ${list(c).join(' ')} (${c.manager})`,
    desired: () => ({ settings: names.map((n) => `package ${n}: ${state === 'absent' ? 'absent' : 'installed'}`) }),
    diff(cur, c) {
      const l = list(c);
      const line = (n: string, v: boolean | null): string => `${n}: ${v === null ? 'unknown' : v ? 'installed' : 'absent'}`;
      return {
        before: `${l.map((n) => line(n, cur.installed[n] ?? null)).join('\n')}\n`,
        after: `${l.map((n) => line(n, c.install !== undefined)).join('\n')}\n`,
        label: `pkg ${names.join(' ')}`,
      };
    },
    apply: (t, c) => applyPkg(t, c, updateCache, secrets),
  });
}

export { pkg as packages };

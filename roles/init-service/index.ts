/**
 * init-service: a daemon installed from source made a boot-time service, per host:
 * - systemd (`/run/systemd/system` exists): a unit written by the role under /etc/systemd/system,
 *   `systemctl daemon-reload` when systemd has not loaded it yet, enabled and started;
 * - Debian without systemd: an LSB init script written by the role (/etc/init.d/NAME) and
 *   /etc/default/NAME, `update-rc.d NAME defaults`, started;
 * - RHEL without systemd: the build's Red Hat init script and sysconfig file (linked into /etc
 *   when the build's sysconfdir is elsewhere, like the reference procedure), `chkconfig --add/on`,
 *   started;
 * - everywhere: /usr/sbin/NAME → the binary (as in the reference procedure).
 * The branches are decided per host from its OS facts (see gate.ts). `installedBy: 'package'`
 * only enables and starts the package's own service.
 */
import { posix } from 'node:path';
import { z } from 'lvs-play/kit';
import { type AnyResource, command, defineRole, file, service, symlink } from 'lvs-play';
import { sh } from 'lvs-play/kit';
import { onDebian, onDebianSysv, onlyOn, onRhelSysv, onSystemd } from 'lvs-play/kit';
import { defaultsFile, lsbInitScript, systemdUnit, type DaemonSpec } from './scripts.js';

/** Paths that may appear in init scripts and units without quoting trouble. */
const PLAIN_PATH = /^\/[A-Za-z0-9_@%+=:,./-]*$/;
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;
const path = (what: string) => z.string().regex(PLAIN_PATH, `${what} must be an absolute path of letters, digits and _@%+=:,./- (it goes into init scripts and units)`);

/** The options of `initService()`: the zod schema, defaults included. */
export const initServiceOptions = z
  .object({
    /** Service name (init script, unit, defaults file). */
    name: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'name must be a plain service name like keepalived'),
    /** The daemon binary. */
    binary: path('binary'),
    /** Install prefix of the build (documentation; the binary is what runs). */
    prefix: path('prefix').optional(),
    /** Where the build installed rc.d/ and sysconfig/ (its --sysconfdir). Default /etc. */
    sysconfdir: path('sysconfdir').default('/etc'),
    configPath: path('configPath').nullable().default(null),
    configFlag: z.string().regex(/^-[A-Za-z0-9-]+$/).default('-f'),
    pidFile: path('pidFile').optional(),
    args: z.array(z.string().regex(PLAIN_WORD, 'args must be plain words (no spaces or quotes)')).default([]),
    /** Arguments that make the daemon check its config before a reload (e.g. ['-t']). */
    testArgs: z.array(z.string().regex(PLAIN_WORD)).nullable().default(null),
    // one line of printable text: it goes into an LSB comment and a unit's Description= (where % is escaped)
    // eslint-disable-next-line no-control-regex
    description: z.string().regex(/^[^\u0000-\u001f\u007f\u0085\u2028\u2029\\"$`]+$/, 'description must be one line of printable text without quotes, backslashes, $ or `').optional(),
    /** Link /usr/sbin/NAME → binary (default: when the binary is elsewhere). */
    linkBinary: z.boolean().optional(),
    /** 'package': the package ships the unit/init script; the role only enables and starts it. */
    installedBy: z.enum(['source', 'package']).default('source'),
    state: z.enum(['started', 'stopped']).default('started'),
    enabled: z.boolean().default(true),
  })
  .strict();

/** What `initService()` takes (before defaults). */
export type InitServiceInput = z.input<typeof initServiceOptions>;
/** The options of `initService()` after defaults. */
export type InitServiceOptions = z.output<typeof initServiceOptions>;

/** The daemon as the scripts see it. */
export function daemonSpec(o: InitServiceOptions): DaemonSpec {
  return {
    name: o.name,
    description: o.description ?? `${o.name} (managed by lvs-play)`,
    binary: o.binary,
    configPath: o.configPath,
    configFlag: o.configFlag,
    pidFile: o.pidFile ?? `/run/${o.name}.pid`,
    args: o.args,
    testArgs: o.testArgs,
  };
}

/** The resources, in order (exported for tests). */
export function initServiceResources(o: InitServiceOptions): AnyResource[] {
  const d = daemonSpec(o);
  const out: AnyResource[] = [];
  const sbin = `/usr/sbin/${o.name}`;
  if (o.installedBy === 'source') {
    const unitPath = `/etc/systemd/system/${o.name}.service`;
    out.push(onlyOn(onSystemd, file({ path: unitPath, content: systemdUnit(d), mode: 0o644 })));
    out.push(
      onlyOn(
        onSystemd,
        command({
          name: `systemctl daemon-reload (${o.name}.service)`,
          cmd: sh`systemctl daemon-reload`,
          onlyIf: sh`[ "$(systemctl show -p NeedDaemonReload --value ${`${o.name}.service`})" = yes ] || [ "$(systemctl show -p LoadState --value ${`${o.name}.service`})" = not-found ]`,
        }),
      ),
    );
    out.push(onlyOn(onDebianSysv, file({ path: `/etc/init.d/${o.name}`, content: lsbInitScript(d), mode: 0o755 })));
    out.push(onlyOn(onDebian, file({ path: `/etc/default/${o.name}`, content: defaultsFile(d), mode: 0o644 })));
    if (o.sysconfdir !== '/etc') {
      out.push(onlyOn(onRhelSysv, symlink({ path: `/etc/rc.d/init.d/${o.name}`, target: posix.join(o.sysconfdir, 'rc.d/init.d', o.name) })));
      out.push(onlyOn(onRhelSysv, symlink({ path: `/etc/sysconfig/${o.name}`, target: posix.join(o.sysconfdir, 'sysconfig', o.name) })));
    }
    if (o.linkBinary ?? (o.binary !== sbin)) out.push(symlink({ path: sbin, target: o.binary }));
  }
  out.push(service({ name: o.name, state: o.state, enabled: o.enabled }));
  return out;
}

/** The init-service role. */
export const initService = defineRole({
  name: 'init-service',
  options: initServiceOptions,
  build: (o) => ({ resources: initServiceResources(o) }),
});

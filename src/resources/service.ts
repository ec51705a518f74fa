/**
 * `service`: a daemon started/stopped and enabled/disabled at boot, through systemd when it runs
 * (`/run/systemd/system` exists), else SysV init scripts. `serviceAction`: reload/restart, as a handler.
 */
import { defineResource } from '../dsl/resource.js';
import { raw, sh } from '../shell/quote.js';
import type { Fact, Resource, ShellCommand } from '../types.js';
import { z } from 'zod';
import { checkFactResult, invalid, kv, metaOf, parseKv, runOk, type Meta } from './common.js';
import { metaShape, parseOptions, shellCommand } from './options.js';

/** The host's init system. */
export type InitSystem = 'systemd' | 'sysv';

/** A service as read on the host: running, enabled, its init system. */
export interface ServiceState {
  init: InitSystem;
  /** The unit / init script exists. */
  exists: boolean;
  active: boolean;
  enabled: boolean;
  /** SysV boot-link tool found on the host. */
  enableTool: 'update-rc.d' | 'chkconfig' | null;
}

/** The options of `service()`. */
export interface ServiceOptions extends Meta {
  name: string;
  state?: 'started' | 'stopped';
  /** Start at boot. Default: leave as is. */
  enabled?: boolean;
  /** Used by `.reload()` instead of the init system's reload. */
  reloadCommand?: ShellCommand;
}

/** What a service resource will do: start, stop, enable, disable. */
export interface ServiceChange {
  init: InitSystem;
  start?: boolean;
  stop?: boolean;
  enable?: boolean;
  disable?: boolean;
  enableTool: ServiceState['enableTool'];
  /** The service does not exist yet (check mode before its package is installed). */
  missing?: boolean;
}

const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9@_.:-]*$/;

const serviceName = z.string({ required_error: "a service/unit name, e.g. name: 'keepalived'" }).regex(NAME_RE, "a service/unit name, e.g. name: 'keepalived' (letters, digits, @ _ . : -)");

const serviceOptions = z.object({
  ...metaShape,
  name: serviceName,
  state: z.enum(['started', 'stopped']).optional(),
  enabled: z.boolean().optional(),
  reloadCommand: shellCommand.optional(),
});

const serviceActionOptions = z.object({
  ...metaShape,
  name: serviceName,
  action: z.enum(['reload', 'restart'], { required_error: "required: action: 'reload' or 'restart'" }),
  command: shellCommand.optional(),
});

/** Script names: the unit name without a `.service` suffix for /etc/init.d. */
const initScript = (name: string): string => `/etc/init.d/${name.replace(/\.service$/, '')}`;

export function serviceFact(name: string): Fact<ServiceState> {
  const base = name.replace(/\.service$/, '');
  return {
    command: sh`n=${name}; b=${base}
if [ -d /run/systemd/system ]; then
  echo init=systemd
  systemctl show -p LoadState "$n" 2>/dev/null
  echo "active=$(systemctl is-active "$n" 2>/dev/null)"
  echo "enabled=$(systemctl is-enabled "$n" 2>/dev/null)"
else
  echo init=sysv
  if [ -f /etc/init.d/"$b" ]; then
    echo exists=1; /etc/init.d/"$b" status >/dev/null 2>&1 </dev/null; echo "status=$?"
  else echo exists=0; fi
  for f in /etc/rc[2345].d/S??"$b" /etc/rc.d/rc[2345].d/S??"$b"; do if [ -e "$f" ]; then echo enabled=1; break; fi; done
fi
for c in update-rc.d chkconfig; do command -v "$c" >/dev/null 2>&1 && echo "tool=$c"; done
:`,
    parse(r) {
      checkFactResult(`service ${name}`, r);
      return parseServiceState(r.stdout);
    },
  };
}

const ACTIVE = ['active', 'reloading', 'activating'];
const ENABLED = ['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated'];

/** Parses the service fact output (exported for fixture tests). */
export function parseServiceState(stdout: string): ServiceState {
  const m = parseKv(stdout);
  const tools = m.get('tool') ?? [];
  const enableTool = tools.includes('update-rc.d') ? 'update-rc.d' : tools.includes('chkconfig') ? 'chkconfig' : null;
  if (kv(m, 'init') === 'systemd') {
    const load = kv(m, 'LoadState') ?? '';
    return {
      init: 'systemd',
      exists: load !== '' && load !== 'not-found',
      active: ACTIVE.includes(kv(m, 'active') ?? ''),
      enabled: ENABLED.includes(kv(m, 'enabled') ?? ''),
      enableTool,
    };
  }
  if (kv(m, 'init') !== 'sysv') throw new Error('could not tell the init system (unexpected fact output)');
  return { init: 'sysv', exists: kv(m, 'exists') === '1', active: kv(m, 'status') === '0', enabled: kv(m, 'enabled') === '1', enableTool };
}

/** The pure plan (exported for fixture tests). */
export function planService(o: { state?: 'started' | 'stopped'; enabled?: boolean }, cur: ServiceState): ServiceChange | null {
  const c: ServiceChange = { init: cur.init, enableTool: cur.enableTool };
  if (o.state === 'started' && !cur.active) c.start = true;
  if (o.state === 'stopped' && cur.active) c.stop = true;
  if (o.enabled === true && !cur.enabled) c.enable = true;
  if (o.enabled === false && cur.enabled) c.disable = true;
  if (!c.start && !c.stop && !c.enable && !c.disable) return null;
  if (!cur.exists) c.missing = true;
  if (cur.init === 'sysv' && (c.enable || c.disable) && cur.enableTool === null) {
    throw new Error('neither update-rc.d nor chkconfig is installed: cannot change boot links');
  }
  return c;
}

/**
 * Runs an init script with no terminal: stdin from /dev/null, output to a temp file (shown on
 * failure), and without the run's LVS_PLAY_RUN token (src/transport/ssh.ts), as `service` clears
 * the environment: the daemon it starts is no command of the run, and closing the run (Ctrl-C)
 * kills the run's commands by that token, never the daemon.
 */
function detached(cmd: ShellCommand): ShellCommand {
  return sh`o=$(mktemp) || exit 1
( unset LVS_PLAY_RUN; ${raw(cmd)}
) </dev/null >"$o" 2>&1; rc=$?
if [ $rc -ne 0 ]; then tail -n 20 "$o" >&2; fi
rm -f "$o"; exit $rc`;
}

/** Waits up to 5 s for a SysV service's status to be running (want 0) or not. */
function waitStatus(script: string, running: boolean): ShellCommand {
  const test = running ? sh`[ $? -eq 0 ]` : sh`[ $? -ne 0 ]`;
  return sh`i=0; while [ $i -lt 10 ]; do ${script} status >/dev/null 2>&1 </dev/null; ${raw(test)} && break; sleep 0.5; i=$((i+1)); done; :`;
}

/** The commands a change runs, in order (exported for fixture tests). */
export function serviceCommands(name: string, c: ServiceChange): ShellCommand[] {
  const cmds: ShellCommand[] = [];
  if (c.init === 'systemd') {
    if (c.enable) cmds.push(sh`systemctl enable ${name} </dev/null`);
    if (c.disable) cmds.push(sh`systemctl disable ${name} </dev/null`);
    if (c.start) cmds.push(sh`systemctl start ${name} </dev/null`);
    if (c.stop) cmds.push(sh`systemctl stop ${name} </dev/null`);
    return cmds;
  }
  const base = name.replace(/\.service$/, '');
  const script = initScript(name);
  if (c.enable) {
    cmds.push(c.enableTool === 'chkconfig' ? sh`chkconfig --add ${base} && chkconfig ${base} on` : sh`update-rc.d ${base} defaults && update-rc.d ${base} enable`);
  }
  if (c.disable) cmds.push(c.enableTool === 'chkconfig' ? sh`chkconfig ${base} off` : sh`update-rc.d ${base} disable`);
  if (c.start) cmds.push(sh`${raw(detached(sh`${script} start`))}
${raw(waitStatus(script, true))}`);
  if (c.stop) cmds.push(sh`${raw(detached(sh`${script} stop`))}
${raw(waitStatus(script, false))}`);
  return cmds;
}

/** The resource `service()` returns. */
export type ServiceResource = Resource<ServiceState, ServiceChange, 'posix'> & {
  /** A handler that reloads this service (with `reloadCommand` when given). */
  reload(meta?: Meta): Resource<ServiceActionState, ServiceActionChange, 'posix'>;
  /** A handler that restarts this service. */
  restart(meta?: Meta): Resource<ServiceActionState, ServiceActionChange, 'posix'>;
};

/** A service's state (running, stopped) and whether it starts at boot. */
export function service(o: ServiceOptions): ServiceResource {
  const kind = 'service';
  const { name, state, enabled, reloadCommand } = parseOptions(kind, serviceOptions, o, "service({ name: 'keepalived', state: 'started' })");
  if (state === undefined && enabled === undefined) throw invalid(kind, 'state', undefined, 'give state and/or enabled', "state: 'started', enabled: true");
  const secrets = o.secrets;
  const res = defineResource<ServiceState, ServiceChange>({
    ...metaOf(o),
    id: `service ${name}`,
    kind,
    shell: 'posix',
    read: serviceFact(name),
    plan: (cur) => planService({ state, enabled }, cur),
    desired: () => ({ settings: [`service ${name}:${state ? ` ${state === 'started' ? 'running' : 'stopped'}` : ''}${enabled !== undefined ? `${state ? ',' : ''} ${enabled ? 'enabled' : 'disabled'} at boot` : ''}`] }),
    describe: (c) =>
      `${[c.start ? 'start' : '', c.stop ? 'stop' : '', c.enable ? 'enable' : '', c.disable ? 'disable' : ''].filter(Boolean).join(' and ')} ${name} (${c.init})${c.missing ? ' — not installed yet' : ''}`,
    diff(cur, c) {
      const text = (active: boolean, en: boolean): string => `${name}: ${active ? 'running' : 'stopped'}, ${en ? 'enabled' : 'disabled'} at boot\n`;
      return {
        before: text(cur.active, cur.enabled),
        after: text(c.start ? true : c.stop ? false : cur.active, c.enable ? true : c.disable ? false : cur.enabled),
        label: `service ${name}`,
      };
    },
    async apply(t, c) {
      for (const cmd of serviceCommands(name, c)) await runOk(t, cmd, `service ${name}`, secrets);
    },
  });
  return Object.assign(res, {
    reload: (meta: Meta = {}) => serviceAction({ ...meta, name, action: 'reload', ...(reloadCommand ? { command: reloadCommand } : {}) }),
    restart: (meta: Meta = {}) => serviceAction({ ...meta, name, action: 'restart' }),
  });
}

// ───────────────────────────── serviceAction ─────────────────────────────

/** The options of `serviceAction()`. */
export interface ServiceActionOptions extends Meta {
  name: string;
  action: 'reload' | 'restart';
  /** Runs instead of the init system's reload/restart. */
  command?: ShellCommand;
}

/** What a service action reads: whether the service runs. */
export interface ServiceActionState {
  init: InitSystem;
}

/** What a service action will do: restart or reload it. */
export interface ServiceActionChange {
  init: InitSystem;
  action: 'reload' | 'restart';
}

/** The command a reload/restart runs (a stopped service is started instead of reloaded). */
export function serviceActionCommand(name: string, c: ServiceActionChange, custom?: ShellCommand): ShellCommand {
  if (custom) return detached(custom);
  if (c.init === 'systemd') {
    return c.action === 'restart'
      ? sh`systemctl restart ${name} </dev/null`
      : sh`if systemctl is-active ${name} >/dev/null 2>&1; then systemctl reload ${name}; else systemctl start ${name}; fi </dev/null`;
  }
  const script = initScript(name);
  return c.action === 'restart'
    ? detached(sh`${script} restart`)
    : detached(sh`if ${script} status >/dev/null 2>&1; then ${script} reload; else ${script} start; fi`);
}

/** Reloads or restarts a service; always "changed" when it runs (meant as a handler). */
export function serviceAction(o: ServiceActionOptions): Resource<ServiceActionState, ServiceActionChange, 'posix'> {
  const kind = 'serviceAction';
  const { name, action, command: custom } = parseOptions(kind, serviceActionOptions, o, "serviceAction({ name: 'keepalived', action: 'reload' })");
  const secrets = o.secrets;
  return defineResource<ServiceActionState, ServiceActionChange>({
    ...metaOf(o),
    id: `${action} ${name}`,
    kind,
    shell: 'posix',
    read: {
      command: sh`if [ -d /run/systemd/system ]; then echo init=systemd; else echo init=sysv; fi`,
      parse: (r) => {
        checkFactResult('init system', r);
        return { init: r.stdout.includes('init=systemd') ? 'systemd' : 'sysv' };
      },
    },
    plan: (cur) => ({ init: cur.init, action }),
    describe: (c) => `${action} ${name} (${custom ? 'custom command' : c.init})`,
    desired: () => ({ settings: [`${action} ${name} when notified`] }),
    async apply(t, c) {
      await runOk(t, serviceActionCommand(name, c, custom), `${action} ${name}`, secrets);
    },
    verify: false,
  });
}

/**
 * The files the init-service role writes: an LSB init script for Debian SysV hosts (the build's
 * Red Hat script sources /etc/rc.d/init.d/functions, which Debian lacks), its /etc/default file,
 * and a systemd unit. Pure text, deterministic; every value is shell-quoted (values reaching a
 * unit are limited to plain path characters by the role's schema).
 */
import { quote } from 'lvs-play/kit';

export interface DaemonSpec {
  /** Service name: init script, unit and defaults file are named after it. */
  name: string;
  description: string;
  /** Absolute path of the daemon binary. */
  binary: string;
  /** Config file passed as `configFlag PATH`; omitted when null. */
  configPath: string | null;
  configFlag: string;
  /** Where the daemon writes its pid (its own default: the role does not pass it). */
  pidFile: string;
  /** Default extra arguments (DAEMON_ARGS; /etc/default/NAME may override). */
  args: readonly string[];
  /** Arguments that make the daemon test its config (e.g. ['-t']); reload refuses a bad config. */
  testArgs: readonly string[] | null;
}

const MANAGED = 'managed by lvs-play: do not edit by hand, changes are overwritten';

function words(list: readonly string[]): string {
  return list.join(' ');
}

/** The daemon's fixed arguments (config flag and path). */
function configArgs(d: DaemonSpec): string {
  return d.configPath === null ? '' : ` ${quote(d.configFlag)} "$CONFIG"`;
}

/** `/etc/default/NAME`: DAEMON_ARGS, read by the LSB script and the systemd unit. */
export function defaultsFile(d: DaemonSpec): string {
  return `# /etc/default/${d.name}: ${MANAGED}\n# Extra arguments for ${d.binary}\nDAEMON_ARGS=${quote(words(d.args))}\n`;
}

/** An LSB init script (start, stop, restart, reload = SIGHUP, force-reload, status). */
export function lsbInitScript(d: DaemonSpec): string {
  const comm = (d.binary.split('/').pop() ?? d.name).slice(0, 15);
  const test = d.testArgs === null
    ? ''
    : `  if ! "$DAEMON" ${d.testArgs.map(quote).join(' ')}${configArgs(d)} </dev/null >/dev/null 2>&1; then
    echo "$NAME: the configuration does not pass the check; not reloading" >&2
    "$DAEMON" ${d.testArgs.map(quote).join(' ')}${configArgs(d)} </dev/null 2>&1 | tail -n 5 >&2
    return 1
  fi
`;
  return `#!/bin/sh
### BEGIN INIT INFO
# Provides:          ${d.name}
# Required-Start:    $remote_fs $network $syslog
# Required-Stop:     $remote_fs $network $syslog
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: ${d.description}
# Description:       ${d.description}
### END INIT INFO
# ${MANAGED}

NAME=${quote(d.name)}
DAEMON=${quote(d.binary)}
CONFIG=${quote(d.configPath ?? '')}
PIDFILE=${quote(d.pidFile)}
COMM=${quote(comm)}
DAEMON_ARGS=${quote(words(d.args))}
[ -r /etc/default/${d.name} ] && . /etc/default/${d.name}

# sets $pid when the daemon of $PIDFILE runs (a stale pid of another program does not count)
running() {
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  case "$pid" in ''|*[!0-9]*) return 1 ;; esac
  kill -0 "$pid" 2>/dev/null || return 1
  [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$COMM" ]
}

do_start() {
  if running; then echo "$NAME is already running (pid $pid)"; return 0; fi
  [ -x "$DAEMON" ] || { echo "$NAME: $DAEMON is not installed" >&2; return 5; }
  [ -z "$CONFIG" ] || [ -r "$CONFIG" ] || { echo "$NAME: $CONFIG does not exist" >&2; return 6; }
  rm -f "$PIDFILE"
  # stdio detached: the daemon must not hold a remote session open
  "$DAEMON"${configArgs(d)} $DAEMON_ARGS </dev/null >/dev/null 2>&1
  rc=$?
  if [ $rc -ne 0 ]; then echo "$NAME: $DAEMON exited with $rc" >&2; return 1; fi
  i=0
  while [ $i -lt 50 ]; do
    if running; then echo "Started $NAME (pid $pid)"; return 0; fi
    sleep 0.1; i=$((i + 1))
  done
  echo "$NAME: not running 5 s after start (no live pid in $PIDFILE)" >&2
  return 1
}

do_stop() {
  if ! running; then echo "$NAME is not running"; return 0; fi
  kill -TERM "$pid" 2>/dev/null
  i=0
  while [ $i -lt 100 ]; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "Stopped $NAME"; return 0; fi
    sleep 0.1; i=$((i + 1))
  done
  echo "$NAME (pid $pid) did not stop within 10 s" >&2
  return 1
}

do_reload() {
  if ! running; then echo "$NAME is not running" >&2; return 7; fi
${test}  kill -HUP "$pid" && echo "Reloaded $NAME (pid $pid)"
}

case "$1" in
  start) do_start ;;
  stop) do_stop ;;
  restart) do_stop && do_start ;;
  try-restart) if running; then do_stop && do_start; fi ;;
  reload|force-reload) do_reload ;;
  status)
    if running; then echo "$NAME is running (pid $pid)"; exit 0; fi
    if [ -e "$PIDFILE" ]; then echo "$NAME is not running ($PIDFILE is stale)"; exit 1; fi
    echo "$NAME is not running"; exit 3 ;;
  *) echo "Usage: $0 {start|stop|restart|try-restart|reload|force-reload|status}" >&2; exit 2 ;;
esac
`;
}

/** A systemd unit (Type=forking with the daemon's pid file; reload = SIGHUP, never a restart). */
export function systemdUnit(d: DaemonSpec): string {
  const cfg = d.configPath === null ? '' : ` ${d.configFlag} ${d.configPath}`;
  return `# ${MANAGED}
[Unit]
Description=${d.description.replace(/%/g, '%%')}
After=network-online.target syslog.target
Wants=network-online.target

[Service]
Type=forking
PIDFile=${d.pidFile}
KillMode=process
Environment=${JSON.stringify(`DAEMON_ARGS=${words(d.args)}`)}
EnvironmentFile=-/etc/default/${d.name}
ExecStart=${d.binary}${cfg} $DAEMON_ARGS
ExecReload=/bin/kill -HUP $MAINPID

[Install]
WantedBy=multi-user.target
`;
}

/**
 * The drain role's resources, run on a director:
 *   drainMark      the record that a real server is drained (DRAINED_DIR, the site model), read by the site
 *   ipvsWeight     its weight in the live IPVS table (`ipvsadm -e`), when the kernel has IPVS
 *   confWeight     its weight in keepalived.conf, then keepalived reloaded (never restarted)
 *   activeConns    waits (read-only) until IPVS shows no active connection to it, or the time is up
 *   backInService  (probe) waits until IPVS lists it again with its weight: keepalived re-adds a
 *                  real server only once its health check passes, and the next host must not be
 *                  drained before this one serves again
 */
import { defineResource, drainedPath, type Resource, type RunResult } from 'lvs-play';
import {
  applyFileChange,
  commandError,
  fileDiff,
  fileFact,
  kv,
  parseKv,
  planFileAbsent,
  planFileContent,
  runOk,
  sh,
  type FileChange,
  type FileState,
} from 'lvs-play/kit';
import { redactKeepalivedConf } from '../keepalived/render.js';
import { ipvsEntriesOf, setRealServerWeight, type IpvsEntry } from './weights.js';

export interface Target {
  /** The real server's address (as in keepalived.conf and IPVS). */
  address: string;
  /** Its inventory name, for messages and the record. */
  host: string;
}

/** Present (drained) or absent (in service). */
export function drainMark(o: Target & { drained: boolean }): Resource<FileState, FileChange, 'posix'> {
  const path = drainedPath(o.address);
  const content = Buffer.from(`host=${o.host}\n`);
  return defineResource<FileState, FileChange>({
    id: `drained mark ${o.address} (${o.host})`,
    kind: 'drain-mark',
    shell: 'posix',
    read: fileFact(path, { content: true }),
    plan: (cur) => (o.drained ? planFileContent(path, cur, content, { mode: 0o644 }) : planFileAbsent(path, cur)),
    describe: (c) => (c.action === 'remove' ? `${o.host} is no longer recorded as drained (${path} removed)` : `${o.host} recorded as drained in ${path}`),
    note: () => (o.drained ? `${o.host} already recorded as drained` : `${o.host} is not recorded as drained`),
    apply: (t, c) => applyFileChange(t, c, { mode: 0o644, mkdirs: true }),
  });
}

interface IpvsState {
  ipvs: boolean;
  entries: IpvsEntry[];
}

/** The real server's weight in the live IPVS table (every service listing it). */
export function ipvsWeight(o: Target & { weight: number }): Resource<IpvsState, IpvsEntry[], 'posix'> {
  return defineResource<IpvsState, IpvsEntry[]>({
    id: `IPVS weight ${o.address} (${o.host}) = ${o.weight}`,
    kind: 'ipvs-weight',
    shell: 'posix',
    read: {
      command: sh`if [ -e /proc/net/ip_vs ] && command -v ipvsadm >/dev/null 2>&1; then echo ipvs=1; ipvsadm -S -n; else echo ipvs=0; fi`,
      parse(r: RunResult) {
        if (r.code !== 0) throw commandError('reading the IPVS table', r);
        const ipvs = r.stdout.startsWith('ipvs=1');
        return { ipvs, entries: ipvs ? ipvsEntriesOf(r.stdout.replace(/^ipvs=1\n/, ''), o.address) : [] };
      },
    },
    plan: (cur) => {
      const off = cur.entries.filter((e) => e.weight !== o.weight);
      return off.length ? off : null;
    },
    describe: (c) => c.map((e) => `weight ${e.weight} → ${o.weight} for ${e.real} in ${e.service} (live)`).join('; '),
    note: (cur) =>
      !cur.ipvs ? 'no IPVS on this host (the kernel has no ip_vs): nothing live to change' : cur.entries.length ? `weight already ${o.weight}` : `IPVS does not list ${o.address} now (keepalived's health check keeps it out)`,
    apply: async (t, c) => {
      for (const e of c) await runOk(t, sh`ipvsadm -e ${e.kind} ${e.service.split(' ')} -r ${e.real} ${e.forward} -w ${o.weight}`, `ipvsadm -e … -r ${e.real} -w ${o.weight}`);
    },
  });
}

/** keepalived's binary (the running one first) checks a candidate file. */
const validate = (tmp: string) =>
  sh`b=$(readlink "/proc/$(cat /run/keepalived.pid 2>/dev/null)/exe" 2>/dev/null | sed 's/ (deleted)$//')
for c in "$b" /usr/local/keepalived/sbin/keepalived /usr/sbin/keepalived /usr/local/sbin/keepalived; do [ -n "$c" ] && [ -x "$c" ] && { "$c" -t -l -f ${tmp}; exit $?; }; done
exit 0`;

/** Reload, never restart: SIGHUP through the init system; a stopped keepalived stays stopped. */
export const RELOAD = sh`pid=$(cat /run/keepalived.pid 2>/dev/null)
if [ -z "$pid" ] || [ ! -d "/proc/$pid" ]; then echo 'keepalived is not running: not reloaded'; exit 0; fi
if [ -d /run/systemd/system ] && systemctl is-active -q keepalived 2>/dev/null; then systemctl reload keepalived
elif [ -x /etc/init.d/keepalived ]; then /etc/init.d/keepalived reload
else kill -HUP "$pid"; fi`;

type ConfChange = FileChange & { from: number[] };

/** The real server's weight in keepalived.conf; a change is checked by keepalived -t, then reloaded. */
export function confWeight(o: Target & { weight: number; path: string }): Resource<FileState, ConfChange, 'posix'> {
  const redactConf = (s: string) => redactKeepalivedConf(s);
  return defineResource<FileState, ConfChange>({
    id: `keepalived.conf weight ${o.address} (${o.host}) = ${o.weight}`,
    kind: 'keepalived-weight',
    shell: 'posix',
    read: fileFact(o.path, { content: true }),
    plan: (cur) => {
      if (cur.type !== 'file' || !cur.content) return null;
      const edit = setRealServerWeight(cur.content.toString('utf8'), o.address, o.weight);
      if (edit.found === 0) return null;
      const c = planFileContent(o.path, cur, Buffer.from(edit.text), {});
      return c ? { ...c, from: edit.before } : null;
    },
    describe: (c) => `weight ${[...new Set(c.from)].join('/')} → ${o.weight} for ${o.address} in ${o.path}, keepalived reloaded`,
    note: (cur) => (cur.type !== 'file' ? `no ${o.path} on this host` : `weight already ${o.weight} (or ${o.address} is not a real server in ${o.path})`),
    diff: (cur, c) => {
      const d = fileDiff(cur, c);
      return { ...d, before: redactConf(d.before), after: redactConf(d.after) };
    },
    apply: async (t, c) => {
      await applyFileChange(t, c, { validate });
      await runOk(t, RELOAD, 'reload keepalived');
    },
  });
}

interface Active {
  ipvs: boolean;
  listed: boolean;
  drained: boolean;
  active: number;
  waitedMs: number;
}

/**
 * Read-only: waits until IPVS shows no active connection to the real server (once its weight is
 * 0 everywhere), at most `seconds`; never a change. Its line says what remained.
 */
export function activeConns(o: Target & { seconds: number }): Resource<Active, never, 'posix'> {
  const script = sh`a=${o.address}; limit=$(( ${o.seconds} * 1000 ))
if [ ! -e /proc/net/ip_vs ] || ! command -v ipvsadm >/dev/null 2>&1; then echo ipvs=0; exit 0; fi
echo ipvs=1
start=$(date +%s%N)
while :; do
  set -- $(ipvsadm -L -n | awk -v a="$a" '$1 == "->" { h = $2; sub(/:[0-9]+$/, "", h); gsub(/[][]/, "", h); if (h == a) { n++; if ($4 != 0) w = 1; act += $5 } } END { print n + 0, w + 0, act + 0 }')
  waited=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ "$1" = 0 ] || [ "$2" = 1 ] || [ "$3" = 0 ] || [ $waited -ge $limit ]; then break; fi
  sleep 0.25
done
echo "listed=$1"; echo "weighted=$2"; echo "active=$3"; echo "waited=$waited"`;
  return defineResource<Active, never>({
    id: `active connections to ${o.address} (${o.host}), waiting at most ${o.seconds} s`,
    kind: 'drain-wait',
    shell: 'posix',
    read: async (t) => {
      const r = await t.run(script, { timeoutMs: (o.seconds + 30) * 1000 });
      if (r.code !== 0) throw commandError('waiting for active connections', r);
      const m = parseKv(r.stdout);
      return {
        ipvs: kv(m, 'ipvs') === '1',
        listed: (kv(m, 'listed') ?? '0') !== '0',
        drained: kv(m, 'weighted') === '0',
        active: Number(kv(m, 'active') ?? 0),
        waitedMs: Number(kv(m, 'waited') ?? 0),
      };
    },
    plan: () => null,
    note: (c) => {
      if (!c.ipvs) return 'no IPVS on this host: no connections to wait for';
      if (!c.listed) return `IPVS does not list ${o.address}: no connections to it`;
      const secs = (c.waitedMs / 1000).toFixed(1);
      if (!c.drained) return `${c.active} active connection(s) now; its weight is not 0 here, so nothing was waited for`;
      return c.active === 0 ? `0 active connections (after ${secs} s)` : `${c.active} active connection(s) remained after the ${o.seconds} s wait`;
    },
    apply: async () => {},
    verify: false,
  });
}


interface Listed {
  ipvs: boolean;
  weights: number[];
  waitedMs: number;
}

/**
 * Probe: waits (at most `seconds`) until IPVS lists the real server with `weight` in every service
 * (nothing to wait for without IPVS); fails when it does not, so a rolling maintenance stops there.
 */
export function backInService(o: Target & { weight: number; seconds: number }): Resource<Listed, string, 'posix'> {
  const script = sh`a=${o.address}; w=${o.weight}; limit=$(( ${o.seconds} * 1000 ))
if [ ! -e /proc/net/ip_vs ] || ! command -v ipvsadm >/dev/null 2>&1; then echo ipvs=0; exit 0; fi
echo ipvs=1
start=$(date +%s%N)
while :; do
  ws=$(ipvsadm -L -n | awk -v a="$a" '$1 == "->" { h = $2; sub(/:[0-9]+$/, "", h); gsub(/[][]/, "", h); if (h == a) printf "%s ", $4 }')
  waited=$(( ($(date +%s%N) - start) / 1000000 ))
  ok=1; [ -n "$ws" ] || ok=0
  for x in $ws; do [ "$x" = "$w" ] || ok=0; done
  if [ $ok = 1 ] || [ $waited -ge $limit ]; then break; fi
  sleep 0.25
done
echo "weights=$ws"; echo "waited=$waited"`;
  return defineResource<Listed, string>({
    id: `${o.address} (${o.host}) back in IPVS with weight ${o.weight}, waiting at most ${o.seconds} s`,
    kind: 'drain-back',
    shell: 'posix',
    probe: true,
    read: async (t) => {
      const r = await t.run(script, { timeoutMs: (o.seconds + 30) * 1000 });
      if (r.code !== 0) throw commandError('waiting for the real server in IPVS', r);
      const m = parseKv(r.stdout);
      return { ipvs: kv(m, 'ipvs') === '1', weights: (kv(m, 'weights') ?? '').trim().split(/\s+/).filter(Boolean).map(Number), waitedMs: Number(kv(m, 'waited') ?? 0) };
    },
    plan: (c) => {
      if (!c.ipvs || (c.weights.length > 0 && c.weights.every((w) => w === o.weight))) return null;
      return c.weights.length === 0
        ? `IPVS does not list ${o.address} after ${o.seconds} s: keepalived's health check of ${o.host} still fails`
        : `IPVS lists ${o.address} with weight ${c.weights.join('/')} after ${o.seconds} s, not ${o.weight}`;
    },
    describe: (c) => c,
    note: (c) => (c.ipvs ? `listed with weight ${o.weight} (after ${(c.waitedMs / 1000).toFixed(1)} s)` : 'no IPVS on this host: nothing to wait for'),
    apply: async () => {},
    verify: false,
  });
}

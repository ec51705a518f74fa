/**
 * Rollout health: a read-only resource that waits (bounded) until keepalived runs on the host and
 * every VRRP instance is in a known state (MASTER or BACKUP), from keepalived's own data dump
 * (`kill -<keepalived --signum=DATA> PID` → /tmp/keepalived.data). Plus `backupFirst`, the host
 * order for serial rollouts of directors (lowest VRRP priority first, so the MASTER goes last and
 * the VIP is never unserved because of the tool).
 */
import { defineResource, type HostView, type Resource, type RunResult, type ShellCommand } from 'lvs-play';
import { b64, fromZod, kv, parseKv, sh, z } from 'lvs-play/kit';

/** A VRRP instance's state, as keepalived's data dump says it. */
export type VrrpState = 'MASTER' | 'BACKUP' | 'FAULT' | 'INIT' | 'unknown';

/** The health check's options (the keepalived-health role's, plus where the daemon keeps its files). */
export const healthCheckOptions = z
  .object({
    binary: z.string().regex(/^\/[A-Za-z0-9_@%+=:,./-]*$/, 'the absolute path of the keepalived binary'),
    timeoutSeconds: z.number().positive('seconds above 0').max(600, 'at most 600 seconds').default(20),
    instances: z.array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a vrrp_instance name: letters, digits, "_", "-" or "."')).optional(),
    expect: z.record(z.enum(['MASTER', 'BACKUP'])).optional(),
    pidFile: z.string().optional(),
    dataFile: z.string().optional(),
  })
  .strict();

/** The options of keepalived's rollout health check (exported as KeepalivedHealthOptions). */
export interface HealthOptions {
  /** keepalived binary on the host (for `--signum=DATA`). */
  binary: string;
  /** Seconds to wait for a healthy state. Default 20. */
  timeoutSeconds?: number;
  /** VRRP instances that must be reported (default: at least one, whatever its name). */
  instances?: readonly string[];
  /** Wanted state per instance (default: MASTER or BACKUP is fine). */
  expect?: Readonly<Record<string, 'MASTER' | 'BACKUP'>>;
  pidFile?: string;
  dataFile?: string;
}

/** What the health check reads: installed, running, each VRRP instance's state (KeepalivedHealthState). */
export interface HealthState {
  installed: boolean;
  running: boolean;
  pid: number | null;
  /** instance name → state, from the last data dump. */
  states: Record<string, VrrpState>;
  /** `ADDR/PREFIX IFACE` of every IPv4/IPv6 global address on the host (for messages). */
  addresses: string[];
  waitedMs: number;
}

/** Why keepalived is not healthy, in one line (KeepalivedHealthProblem). */
export interface HealthProblem {
  problem: string;
}

const DEFAULT_PID_FILE = '/run/keepalived.pid';
const DEFAULT_DATA_FILE = '/tmp/keepalived.data';

/** Decides whether a state is healthy; the problem text when not (pure, exported for tests). */
export function healthProblem(o: Pick<HealthOptions, 'instances' | 'expect'>, st: HealthState): string | null {
  if (!st.installed) return 'keepalived is not installed';
  if (!st.running) return 'keepalived is not running';
  const names = Object.keys(st.states);
  if (names.length === 0) return 'keepalived runs but reports no VRRP instance (yet)';
  for (const n of o.instances ?? []) if (!(n in st.states)) return `VRRP instance ${n} is not reported by keepalived`;
  for (const [n, s] of Object.entries(st.states)) {
    if (s !== 'MASTER' && s !== 'BACKUP') return `VRRP instance ${n} is in state ${s}`;
    const want = o.expect?.[n];
    if (want && s !== want) return `VRRP instance ${n} is ${s}, expected ${want}`;
  }
  return null;
}

/** Instance states from a keepalived.data dump (pure, exported for tests). */
export function parseDataDump(text: string): Record<string, VrrpState> {
  const out: Record<string, VrrpState> = {};
  let current: string | null = null;
  for (const line of text.split('\n')) {
    const inst = /^ VRRP Instance = (\S+)/.exec(line);
    if (inst) {
      current = inst[1]!;
      continue;
    }
    const st = /^ {3}State = (\S+)/.exec(line);
    if (st && current !== null) {
      const s = st[1]!;
      out[current] = s === 'MASTER' || s === 'BACKUP' || s === 'FAULT' || s === 'INIT' ? s : 'unknown';
      current = null;
    }
  }
  return out;
}

/**
 * The waiting script: polls every 0.3 s until the instances are MASTER/BACKUP and, with `expect`,
 * in the expected state (the same rule as `healthProblem`), or the time is up; a keepalived that
 * does not run at all is given at most 5 s.
 */
export function healthScript(o: HealthOptions): ShellCommand {
  const timeout = o.timeoutSeconds ?? 20;
  const want = [...(o.instances ?? [])];
  const expected = Object.entries(o.expect ?? {}).map(([name, state]) => `${name} ${state}`);
  return sh`b=${o.binary}; pidf=${o.pidFile ?? DEFAULT_PID_FILE}; data=${o.dataFile ?? DEFAULT_DATA_FILE}
if [ ! -x "$b" ]; then echo installed=0; exit 0; fi
echo installed=1
sig=$("$b" --signum=DATA 2>/dev/null </dev/null)
start=$(date +%s%N); limit=$(( ${timeout} * 1000 )); down_limit=5000
running=0; pid=''; dump=''
while :; do
  now=$(( ($(date +%s%N) - start) / 1000000 ))
  pid=$(cat "$pidf" 2>/dev/null || true)
  case "$pid" in ''|*[!0-9]*) running=0 ;; *) if kill -0 "$pid" 2>/dev/null; then running=1; else running=0; fi ;; esac
  if [ $running = 1 ] && [ -n "$sig" ]; then
    rm -f -- "$data"; kill -"$sig" "$pid" 2>/dev/null
    i=0; while [ $i -lt 20 ] && ! grep -q '^ VRRP Instance = ' "$data" 2>/dev/null; do sleep 0.05; i=$((i+1)); done
    sleep 0.05
    dump=$(awk '/^ VRRP Instance = /{n=$4} /^   State = /{ if (n != "") { print n " " $3; n = "" } }' "$data" 2>/dev/null)
    ok=1
    [ -n "$dump" ] || ok=0
    for w in ${want}; do printf '%s\n' "$dump" | grep -q "^$w " || ok=0; done
    for e in ${expected}; do printf '%s\n' "$dump" | grep -qxF "$e" || ok=0; done
    if printf '%s\n' "$dump" | grep -qvE ' (MASTER|BACKUP)$'; then ok=0; fi
    [ $ok = 1 ] && break
  fi
  if [ $running = 0 ] && [ $now -ge $down_limit ]; then break; fi
  if [ $now -ge $limit ]; then break; fi
  sleep 0.3
done
echo "running=$running"; echo "pid=$pid"; echo "waited=$now"
printf '%s\n' "$dump" | while read -r n s; do [ -n "$n" ] && echo "inst=$n $s"; done
printf 'addrs='; ip -o addr show scope global 2>/dev/null | awk '{print $4 " " $2}' | base64 -w0; echo
:`;
}

/** Parses the script's output (exported for tests). */
function parseHealth(r: RunResult): HealthState {
  if (r.code !== 0) throw new Error(`keepalived health check could not run (exit ${r.code}): ${r.stderr.trim().slice(-300)}`);
  const m = parseKv(r.stdout);
  const states: Record<string, VrrpState> = {};
  for (const line of m.get('inst') ?? []) {
    const [n, s] = line.split(' ');
    if (n) states[n] = s === 'MASTER' || s === 'BACKUP' || s === 'FAULT' || s === 'INIT' ? s : 'unknown';
  }
  const pid = Number(kv(m, 'pid'));
  return {
    installed: kv(m, 'installed') === '1',
    running: kv(m, 'running') === '1',
    pid: Number.isInteger(pid) && pid > 0 ? pid : null,
    states,
    addresses: b64(kv(m, 'addrs') ?? '').toString('utf8').split('\n').filter(Boolean),
    waitedMs: Number(kv(m, 'waited') ?? 0),
  };
}

function summary(st: HealthState): string {
  const inst = Object.entries(st.states).map(([n, s]) => `${n}=${s}`).join(', ') || 'no instances';
  return `keepalived ${st.running ? `running (pid ${st.pid ?? '?'})` : 'not running'}; ${inst}; addresses: ${st.addresses.join(', ') || 'none'}`;
}

/**
 * Read-only: `ok` when healthy (within the timeout); otherwise a planned "change" whose apply fails
 * with the reason (check mode shows it as a would-be failure).
 */
export function keepalivedHealth(o: HealthOptions): Resource<HealthState, HealthProblem, 'posix'> {
  const parsed = healthCheckOptions.safeParse(o);
  if (!parsed.success) throw fromZod(parsed.error, o, { field: 'keepalivedHealth(options)' });
  const timeout = parsed.data.timeoutSeconds;
  const script = healthScript(o);
  return defineResource<HealthState, HealthProblem>({
    id: 'keepalived health',
    kind: 'keepalived-health',
    shell: 'posix',
    // A function read (not a batched fact): it runs at its turn, after the service started.
    read: async (t) => parseHealth(await t.run(script, { timeoutMs: (timeout + 15) * 1000 })),
    plan(st) {
      const p = healthProblem(o, st);
      return p === null ? null : { problem: `${p} after ${(st.waitedMs / 1000).toFixed(1)} s (${summary(st)})` };
    },
    describe: (c) => `keepalived is not healthy: ${c.problem}`,
    desired: () => ({ settings: [`check: keepalived runs and its VRRP instances settle${o.expect ? ` (${Object.entries(o.expect).map(([i, s]) => `${i} ${s}`).join(', ')})` : ''} within ${timeout} s`] }),
    // a probe: a problem fails the host (never a "change"); skipped in check mode after pending changes
    probe: true,
    async apply(_t, c) {
      throw new Error(`keepalived is not healthy: ${c.problem}`);
    },
    verify: false,
  });
}

function priorityOf(h: HostView): number | null {
  const v = (h.vars as { vrrp?: { priority?: unknown; state?: unknown } }).vrrp;
  return typeof v?.priority === 'number' ? v.priority : null;
}

function stateRank(h: HostView): number {
  const s = (h.vars as { vrrp?: { state?: unknown } }).vrrp?.state;
  return s === 'BACKUP' ? 0 : s === 'MASTER' ? 1 : 2;
}

/**
 * Play `order` for directors: BACKUPs first, lowest `vars.vrrp.priority` first; hosts without a
 * priority are ordered by `vars.vrrp.state` (BACKUP before MASTER) and go after those with one.
 * Use with `serial: 1`.
 */
export function backupFirst(a: HostView, b: HostView): number {
  const pa = priorityOf(a);
  const pb = priorityOf(b);
  if (pa !== null && pb !== null && pa !== pb) return pa - pb;
  if (pa === null && pb !== null) return 1;
  if (pa !== null && pb === null) return -1;
  return stateRank(a) - stateRank(b);
}

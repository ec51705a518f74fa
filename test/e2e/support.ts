/**
 * e2e helpers: tiny HTTP servers on the netns real servers, HTTP clients in the client namespace,
 * commands on the VM directors. Every loop is bounded.
 */
import { spawn } from 'node:child_process';
import { hostExec, labUp, type LabReservation } from '../../src/lab/index.js';
import { stopWeb } from '../../src/lab/web.js';
import { vmSsh } from '../../src/lab/vm/index.js';
import { sh } from '../../src/shell/quote.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs a shell script inside a netns lab host; stdout, or throws with the exit code and stderr. */
export async function onNetns(host: string, script: string, timeoutMs = 60_000): Promise<string> {
  const r = await hostExec(host, ['sh', '-c', script], { timeoutMs });
  if (r.code !== 0) throw new Error(`${host}: exit ${r.code}: ${script}\n${r.stderr.trim()}`);
  return r.stdout;
}

/** Runs a shell script (quoted with `sh` where it carries values) on a lab VM over ssh; stdout or throws. */
export async function onVm(address: string, script: string, timeoutMs = 60_000): Promise<string> {
  const r = await vmSsh(address, script, timeoutMs);
  if (r.code !== 0) throw new Error(`VM ${address}: exit ${r.code}: ${script}\n${r.stderr.trim()}`);
  return r.stdout;
}

// ───────────── HTTP servers on the real servers ─────────────

/** The lab's web server (src/lab/web.ts): answers with the host's name. */
export { startWeb as startHttp, stopWeb as stopHttp } from '../../src/lab/web.js';

/** Takes what the site put on the real servers off again (the VIP on lo, the ARP sysctls), as `lab up` left them. */
export async function resetRealServers(hosts: readonly string[], vip: string, log: (line: string) => void): Promise<void> {
  await Promise.all(hosts.map((h) => onNetns(h, sh`ip addr del ${`${vip}/32`} dev lo 2>/dev/null
rm -f /etc/sysctl.d/60-lvs-play-realserver.conf /etc/network/interfaces.d/lvs-play-vips
for k in all/arp_ignore all/arp_announce lo/arp_ignore lo/arp_announce; do echo 0 > /proc/sys/net/ipv4/conf/$k; done
:`).catch((e: Error) => log(`reset ${h}: ${e.message}`))));
}

/**
 * An e2e file's afterAll: the lab back as the other tests expect it — the web servers on `port`
 * stopped, the real servers without the VIP, the netns directors back (the VMs power off) — and
 * the lab lock released whatever happened.
 */
export async function giveLabBack(o: { realServers: readonly string[]; vip: string; port: number; reservation: LabReservation | undefined; log: (line: string) => void }): Promise<void> {
  await Promise.all(o.realServers.map((h) => stopWeb(h, o.port).catch((e: Error) => o.log(`stop http on ${h}: ${e.message}`))));
  await resetRealServers(o.realServers, o.vip, o.log);
  try {
    await labUp({ directors: 'netns', progress: o.log, ...(o.reservation ? { reservation: o.reservation } : {}) });
  } finally {
    await o.reservation?.release();
  }
}

/** Whether the VM director at `address` holds `vip` on eth0. */
export const vmHasVip = async (address: string, vip: string): Promise<boolean> =>
  (await onVm(address, 'ip -o -4 addr show dev eth0')).includes(` ${vip}/32 `);

// ───────────── the client ─────────────

/**
 * One fresh TCP connection per request (so IPVS schedules each), each with its own timeout; one
 * output line per request: `EPOCH_MS BODY` or `EPOCH_MS ERR:Reason`. Mode `count N` or `for SECONDS`.
 */
const CLIENT_PY = `import sys, time, urllib.request
url, mode, n, timeout, pause = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
end = time.time() + n
i = 0
while (i < n) if mode == "count" else (time.time() < end):
    i += 1
    t = time.time()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            body = r.read().decode().strip() or "EMPTY"
    except Exception as e:
        r = getattr(e, "reason", None)
        body = "ERR:" + type(e).__name__ + ("/" + type(r).__name__ if r is not None else "")
    print("%d %s" % (t * 1000, body), flush=True)
    if pause > 0:
        time.sleep(pause)
`;

export interface Answer {
  /** When the request was sent (epoch ms, the machine's clock). */
  at: number;
  /** The real server's name, or `ERR:…`. */
  body: string;
}

export interface ClientOptions {
  url: string;
  timeoutS?: number;
  pauseS?: number;
}

function parseAnswers(out: string): Answer[] {
  return out.trim().split('\n').filter(Boolean).map((l) => {
    const i = l.indexOf(' ');
    return { at: Number(l.slice(0, i)), body: l.slice(i + 1) };
  });
}

async function runClient(args: string[], timeoutMs: number): Promise<Answer[]> {
  const r = await hostExec('client', ['python3', '-c', CLIENT_PY, ...args], { timeoutMs });
  if (r.code !== 0) throw new Error(`client: exit ${r.code}: ${r.stderr.trim()}`);
  return parseAnswers(r.stdout);
}

/** `n` requests one after the other. */
export function requests(n: number, o: ClientOptions): Promise<Answer[]> {
  const t = o.timeoutS ?? 2;
  return runClient([o.url, 'count', String(n), String(t), String(o.pauseS ?? 0)], n * (t + (o.pauseS ?? 0)) * 1000 + 30_000);
}

/** Requests for `seconds`, `pauseS` apart. */
export function requestsFor(seconds: number, o: ClientOptions): Promise<Answer[]> {
  const t = o.timeoutS ?? 0.5;
  return runClient([o.url, 'for', String(seconds), String(t), String(o.pauseS ?? 0.05)], (seconds + t) * 1000 + 30_000);
}

/** Count of each body. */
export function tally(a: readonly Answer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of a) out[x.body] = (out[x.body] ?? 0) + 1;
  return out;
}

export const failed = (a: Answer): boolean => a.body.startsWith('ERR:');

/** Polls `probe` until it returns a value other than null/false, at most `timeoutMs`; throws with `what`. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | false>, everyMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== null && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

// ───────────── VRRP on the wire ─────────────

/** Prints `EPOCH_MS SRC VRID PRIORITY` for every VRRP packet (IP protocol 112) seen on a bridge. */
const VRRP_PY = `import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind((sys.argv[1], 0))
s.settimeout(0.2)
end = time.time() + float(sys.argv[2])
print("ready", flush=True)
while time.time() < end:
    try:
        pkt = s.recv(2048)
    except socket.timeout:
        continue
    ip = pkt[14:]
    if len(ip) < 24 or ip[9] != 112:
        continue
    v = ip[(ip[0] & 15) * 4:]
    print("%d %s %d %d" % (time.time() * 1000, socket.inet_ntoa(ip[12:16]), v[1], v[2]), flush=True)
`;

export interface VrrpAdvert {
  at: number;
  src: string;
  vrid: number;
  priority: number;
}

/**
 * Captures VRRP adverts on the control node's side of the lab bridge for `seconds` (one clock for
 * every director: the takeover is measured on the wire). Resolves once the capture runs; `done`
 * gives the adverts (`stop` ends the capture earlier and gives them). The python3 child is this
 * process's own and ends by itself (or is killed by pid).
 */
export async function captureVrrp(bridge: string, seconds: number): Promise<{ done: Promise<VrrpAdvert[]>; stop: () => Promise<VrrpAdvert[]> }> {
  const child = spawn('python3', ['-c', VRRP_PY, bridge, String(seconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let stopped = false;
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.startsWith('ready\n')) resolve();
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`VRRP capture exited (${code}): ${err.trim()}`)));
  });
  const done = new Promise<VrrpAdvert[]>((resolve, reject) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), (seconds + 10) * 1000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      if (code !== 0 && !stopped) return reject(new Error(`VRRP capture exited (${code}): ${err.trim()}`));
      resolve(out.split('\n').slice(1).filter(Boolean).map((l) => {
        const [at, src, vrid, priority] = l.split(' ');
        return { at: Number(at), src: src ?? '', vrid: Number(vrid), priority: Number(priority) };
      }));
    });
  });
  done.catch(() => undefined);
  await ready;
  const stop = (): Promise<VrrpAdvert[]> => {
    stopped = true;
    child.kill('SIGTERM');
    return done;
  };
  return { done, stop };
}

/**
 * The takeover on the wire after `from`: the old MASTER's last advert, whether it said goodbye
 * (priority 0), and the new MASTER's first advert.
 */
export function takeover(adverts: readonly VrrpAdvert[], oldMaster: string, newMaster: string, from: number): {
  lastOldAdvertAt: number | null; oldSentPriority0: boolean; firstNewAdvertAt: number | null; takeoverMs: number | null;
} {
  const newFirst = adverts.find((a) => a.src === newMaster && a.at >= from && a.priority > 0);
  const old = adverts.filter((a) => a.src === oldMaster && a.at >= from - 1500 && (!newFirst || a.at <= newFirst.at));
  const lastOld = old.filter((a) => a.priority > 0).at(-1);
  return {
    lastOldAdvertAt: lastOld?.at ?? null,
    oldSentPriority0: old.some((a) => a.priority === 0),
    firstNewAdvertAt: newFirst?.at ?? null,
    takeoverMs: lastOld && newFirst ? newFirst.at - lastOld.at : null,
  };
}

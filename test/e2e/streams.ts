/**
 * Long-lived TCP connections through the VIP, for the failover tests (failover.test.ts): a line echo
 * server on the real servers (each answer names the server), and one client process in the client
 * namespace that holds N connections — a line on each every ~100 ms, every echo checked (server,
 * connection, sequence) — while a second thread makes a fresh HTTP request every 50 ms. It stops
 * after `seconds` or once a stop file exists in the client's namespace, then waits (bounded) for the
 * outstanding echoes. Every loop is bounded.
 */
import { hostExec } from '../../src/lab/index.js';
import { raw, sh } from '../../src/shell/quote.js';

const ECHO_PY = `import socketserver, sys
name = sys.argv[1].encode()
class H(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            self.wfile.write(name + b" " + line)
class S(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
S(("0.0.0.0", int(sys.argv[2])), H).serve_forever()
`;

const echoPidfile = (port: number): string => `/run/lvs-e2e-echo-${port}.pid`;
const listening = (port: number) => sh`ss -ltnH ${`sport = :${port}`} | grep -q LISTEN`;

async function inHost(host: string, script: string): Promise<string> {
  const r = await hostExec(host, ['sh', '-c', script], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`${host}: exit ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Stops the echo server on `host` (by its recorded pid) and waits until the port is closed. */
export async function stopEcho(host: string, port: number): Promise<void> {
  const pf = echoPidfile(port);
  await inHost(host, sh`if [ -f ${pf} ]; then kill "$(cat ${pf})" 2>/dev/null; rm -f ${pf}; fi
for i in $(seq 100); do ${raw(listening(port))} || exit 0; sleep 0.05; done; echo port ${port} still open >&2; exit 1`);
}

/** Starts the line echo server on `host` (detached) and waits until it listens. */
export async function startEcho(host: string, port: number): Promise<void> {
  await stopEcho(host, port);
  await inHost(host, sh`env -u LVS_PLAY_RUN nohup python3 -c ${ECHO_PY} ${host} ${port} >/dev/null 2>&1 </dev/null & echo $! > ${echoPidfile(port)}
for i in $(seq 100); do ${raw(listening(port))} && exit 0; sleep 0.05; done; echo nothing listens on ${port} >&2; exit 1`);
}

const CLIENT_PY = `import json, os, selectors, socket, sys, threading, time, urllib.request
vip, port, n, seconds, every, url, stopfile = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6], sys.argv[7]
GRACE = 25.0
ms = lambda t: int(t * 1000)
conns, sel = [], selectors.DefaultSelector()
for i in range(n):
    s = socket.create_connection((vip, port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.setblocking(False)
    c = {"i": i, "s": s, "sent": 0, "echoed": 0, "wrong": 0, "server": None, "err": None, "errAt": None, "buf": b"", "last": time.time(), "maxGap": 0.0, "maxGapEnd": None}
    conns.append(c)
    sel.register(s, selectors.EVENT_READ, c)
echoes, answers, stop = [], [], threading.Event()
def fresh():
    while not stop.is_set():
        t = time.time()
        try:
            with urllib.request.urlopen(url, timeout=0.5) as r:
                body = r.read().decode().strip() or "EMPTY"
        except Exception as e:
            r = getattr(e, "reason", None)
            body = "ERR:" + type(e).__name__ + ("/" + type(r).__name__ if r is not None else "")
        answers.append((ms(t), body))
        time.sleep(0.05)
th = threading.Thread(target=fresh, daemon=True)
th.start()
def fail(c, e, now):
    if c["err"] is None:
        c["err"], c["errAt"] = type(e).__name__, ms(now)
        sel.unregister(c["s"])
        c["s"].close()
start = time.time()
end, nxt = start + seconds, start
while True:
    now = time.time()
    sending = now < end and not os.path.exists(stopfile)
    if not sending and end > now:
        end = now
    alive = [c for c in conns if c["err"] is None]
    if not sending and (all(c["echoed"] == c["sent"] for c in alive) or now > end + GRACE):
        break
    if sending and now >= nxt:
        for c in alive:
            try:
                c["s"].send(("%d %d\\n" % (c["i"], c["sent"])).encode())
                c["sent"] += 1
            except (BlockingIOError, InterruptedError):
                pass
            except Exception as e:
                fail(c, e, now)
        nxt += every
    for key, _ in sel.select(timeout=0.02):
        c = key.data
        try:
            data = c["s"].recv(65536)
        except (BlockingIOError, InterruptedError):
            continue
        except Exception as e:
            fail(c, e, time.time())
            continue
        t = time.time()
        if not data:
            fail(c, EOFError(), t)
            continue
        c["buf"] += data
        while b"\\n" in c["buf"]:
            line, c["buf"] = c["buf"].split(b"\\n", 1)
            parts = line.decode(errors="replace").split(" ")
            if c["server"] is None:
                c["server"] = parts[0]
            if len(parts) != 3 or parts[0] != c["server"] or parts[1] != str(c["i"]) or parts[2] != str(c["echoed"]):
                c["wrong"] += 1
            c["echoed"] += 1
            if t - c["last"] > c["maxGap"]:
                c["maxGap"], c["maxGapEnd"] = t - c["last"], ms(t)
            c["last"] = t
            echoes.append(ms(t))
stop.set()
th.join(2)
out = [{k: c[k] for k in ("i", "server", "sent", "echoed", "wrong", "err", "errAt", "maxGapEnd")} | {"maxGapMs": ms(c["maxGap"]), "lastEchoAt": ms(c["last"])} for c in conns]
print(json.dumps({"startedAt": ms(start), "stoppedAt": ms(end), "streams": out, "echoes": sorted(echoes), "answers": answers}))
`;

/** One held connection as the client saw it. */
export interface Stream {
  i: number;
  /** The real server that echoed (the first echo's name). */
  server: string | null;
  sent: number;
  echoed: number;
  /** Echoes with the wrong server, connection or sequence number. */
  wrong: number;
  /** Why it broke (Python exception name, e.g. ConnectionResetError, EOFError), or null. */
  err: string | null;
  errAt: number | null;
  /** The longest time between two echoes on it, and when that gap ended (epoch ms). */
  maxGapMs: number;
  maxGapEnd: number | null;
  lastEchoAt: number;
}

export interface StreamRun {
  startedAt: number;
  stoppedAt: number;
  streams: Stream[];
  /** When each echo arrived (any connection), sorted. */
  echoes: number[];
  /** The fresh requests (one every 50 ms, 0.5 s timeout): [sent at, body or ERR:…]. */
  answers: [number, string][];
}

export interface StreamOptions {
  vip: string;
  port: number;
  connections: number;
  /** The most it sends for; `stopStreams()` ends it earlier. */
  seconds: number;
  /** The fresh requests' URL (the site's web port). */
  url: string;
  everyS?: number;
}

const STOPFILE = '/tmp/lvs-e2e-streams.stop';

/** Starts the client (its promise resolves with what it saw, after it stopped). */
export async function holdStreams(o: StreamOptions): Promise<StreamRun> {
  await inHost('client', sh`rm -f ${STOPFILE}`);
  const args = [o.vip, String(o.port), String(o.connections), String(o.seconds), String(o.everyS ?? 0.1), o.url, STOPFILE];
  const r = await hostExec('client', ['python3', '-c', CLIENT_PY, ...args], { timeoutMs: (o.seconds + 60) * 1000 });
  if (r.code !== 0) throw new Error(`stream client: exit ${r.code}: ${r.stderr.trim().slice(-2000)}`);
  return JSON.parse(r.stdout) as StreamRun;
}

/** Tells a running client to stop sending (it then collects the outstanding echoes and ends). */
export async function stopStreams(): Promise<void> {
  await inHost('client', sh`touch ${STOPFILE}`);
}

/** Kept: never broke, every line echoed, in order, by the one server it started on. */
export const kept = (s: Stream): boolean => s.err === null && s.sent > 0 && s.echoed === s.sent && s.wrong === 0;

export interface FailoverFigures {
  kept: number;
  n: number;
  /** The longest time from `from` on in which the client got nothing through the VIP (no echo, no answered request). */
  vipGapMs: number;
  /** Fresh requests from `from` on: how many, how many failed, and the failures (`+ms body`). */
  requests: number;
  failedRequests: string[];
  /** How the lost connections broke. */
  lost: string[];
  /** Connections per real server. */
  servers: Record<string, number>;
}

/** The figures of a failover at `from` (epoch ms). */
export function figures(run: StreamRun, from: number): FailoverFigures {
  const answered = run.answers.filter(([, b]) => !b.startsWith('ERR:')).map(([t]) => t);
  // an answered request is known at its send time + its latency; the echo times are exact. Both
  // are "the VIP worked at t"; the gap is the longest interval without either, from `from` on.
  const events = [...run.echoes, ...answered].filter((t) => t >= from).sort((a, b) => a - b);
  let gap = 0;
  let prev = from;
  for (const t of events) {
    gap = Math.max(gap, t - prev);
    prev = t;
  }
  gap = Math.max(gap, run.stoppedAt - prev);
  const after = run.answers.filter(([t]) => t >= from);
  const servers: Record<string, number> = {};
  for (const s of run.streams) servers[s.server ?? '?'] = (servers[s.server ?? '?'] ?? 0) + 1;
  return {
    kept: run.streams.filter(kept).length,
    n: run.streams.length,
    vipGapMs: gap,
    requests: after.length,
    failedRequests: after.filter(([, b]) => b.startsWith('ERR:')).map(([t, b]) => `+${t - from}ms ${b}`),
    lost: run.streams.filter((s) => !kept(s)).map((s) => `#${s.i}@${s.server ?? '?'} ${s.err ?? 'no error'}${s.errAt ? ` at +${s.errAt - from}ms` : ''} (echoed ${s.echoed}/${s.sent}, wrong ${s.wrong})`),
    servers,
  };
}

/** `failover: connections kept K/N, VIP gap G ms` (the line issue 22 asks for). */
export const failoverLine = (f: FailoverFigures): string => `failover: connections kept ${f.kept}/${f.n}, VIP gap ${f.vipGapMs} ms`;

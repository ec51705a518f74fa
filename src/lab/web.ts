/**
 * The lab's real servers serve web, like the real ones an LVS site fronts: a tiny HTTP server that
 * answers every GET with the host's own name (so a client can tell who answered); `GET /slow/MS`
 * answers after MS milliseconds (a long request, for drains); while FAIL_FLAG exists on the host every
 * GET answers 500 (a broken application, for HTTP_GET health checks: `failWeb`). Hosts with a `web` port in
 * lab/topology.json get it at `lab up`; tests stop and start it to kill a real server, and
 * `restartWebScript` restarts it from a playbook (over ssh).
 */
import { raw, sh } from '../shell/quote.js';
import type { ShellCommand } from '../types.js';
import { hostExec } from './hostproc.js';
import type { LabHost } from './topology.js';

const SERVER_PY = `import http.server, os, sys, time
name = sys.argv[1].encode() + b"\\n"
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/slow/"):
            time.sleep(min(int(self.path[6:] or 0), 60000) / 1000)
        self.send_response(500 if os.path.exists("/run/lvs-lab-web.fail") else 200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(name)))
        self.end_headers()
        self.wfile.write(name)
    def log_message(self, *a):
        pass
class S(http.server.ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
S(("0.0.0.0", int(sys.argv[2])), H).serve_forever()
`;
const PIDFILE = '/run/lvs-lab-web.pid';
/** While this file exists on a host, its web server answers every GET with 500. */
export const FAIL_FLAG = '/run/lvs-lab-web.fail';

async function inHost(host: string, script: string): Promise<void> {
  const r = await hostExec(host, ['sh', '-c', script], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`lab web on ${host}: exit ${r.code}: ${r.stderr.trim()}`);
}

const listening = (port: number) => sh`ss -ltnH ${`sport = :${port}`} | grep -q LISTEN`;

const startScript = (host: string, port: number) =>
  sh`env -u LVS_PLAY_RUN nohup python3 -c ${SERVER_PY} ${host} ${port} >/dev/null 2>&1 </dev/null & echo $! > ${PIDFILE}
for i in $(seq 100); do ${raw(listening(port))} && exit 0; sleep 0.05; done; echo nothing listens on ${port} >&2; exit 1`;

const stopScript = (port: number) =>
  sh`if [ -f ${PIDFILE} ]; then kill "$(cat ${PIDFILE})" 2>/dev/null; rm -f ${PIDFILE}; fi
for i in $(seq 100); do ${raw(listening(port))} || exit 0; sleep 0.05; done; echo port ${port} still open >&2; exit 1`;

/** Starts the name server on `host` (detached, stdio redirected) and waits until it listens. */
export async function startWeb(host: string, port = 80): Promise<void> {
  await stopWeb(host, port);
  await inHost(host, startScript(host, port));
}

/** Stops it (SIGTERM by its recorded pid) and waits until the port is closed. */
export async function stopWeb(host: string, port = 80): Promise<void> {
  await inHost(host, stopScript(port));
}

/** Makes the web server on `host` answer 500 (`on`), or 200 again: no restart, the next request sees it. */
export async function failWeb(host: string, on: boolean): Promise<void> {
  await inHost(host, on ? sh`: > ${FAIL_FLAG}` : sh`rm -f -- ${FAIL_FLAG}`);
}

/** Stop, then start: one shell script, for a playbook task on the host (e.g. a maintenance play). */
export function restartWebScript(host: string, port = 80): ShellCommand {
  return sh`( ${raw(stopScript(port))}
) && ( ${raw(startScript(host, port))}
)`;
}

/** `lab up`: every host with a `web` port serves it (left alone when something listens already). */
export async function ensureWeb(hosts: readonly LabHost[]): Promise<void> {
  await Promise.all(
    hosts.map(async (h) => {
      if (!h.web) return;
      const r = await hostExec(h.name, ['sh', '-c', listening(h.web)]);
      if (r.code !== 0) await startWeb(h.name, h.web);
    }),
  );
}

/**
 * `lvs-play exporter -i INVENTORY [--listen 127.0.0.1:9469] [--interval 15s]`: the cluster as
 * Prometheus metrics (docs/operate.md "Prometheus exporter"). Every host is read in the background,
 * one round trip per host and interval over one persistent connection each (src/status/sampler.ts);
 * /metrics renders the last round (src/exporter): a scrape never reads a host, never waits on one.
 */
import { LvsError } from '../errors.js';
import { loadInputs } from './vault-options.js';
import { DEFAULT_FORKS, optionsOf } from './options.js';
import { SecretResolver } from '../inventory/secret.js';
import { Redactor } from '../run/redact.js';
import { StatusCollector } from '../status/collect.js';
import { Sampler } from '../status/sampler.js';
import { pointsOf, type Point } from '../exporter/points.js';
import { exporterRegistry, metricsText } from '../exporter/registry.js';
import { Retainer } from '../exporter/retain.js';
import { parseDuration } from './apply.js';
import { clusterTargets, parseClusterArgs, type ClusterOptions } from './cluster.js';
import { makeConnector } from './connect.js';
import { listenUrl, parseListen, serveHttp, serveUntilSignal, type Listen } from './listen.js';

export const EXPORTER_USAGE = `Usage: lvs-play exporter -i INVENTORY [-e K=V|@FILE] [--listen [ADDRESS:]PORT] [--interval 15s]

Serves the cluster's state as Prometheus metrics on http://ADDRESS:PORT/metrics (default
127.0.0.1:9469, loopback). Reads every director and real server once per interval (one round
trip per host, one persistent connection per host); scrapes return the last reading.
  --listen [ADDRESS:]PORT  where to serve (default 127.0.0.1:9469)
  --interval D             time between reads: 5s, 15s, 1m (default 15s; at least 1s)
  --vault-password-file FILE, --vault-id LABEL@SOURCE, --ask-vault-pass   as for a playbook run
  --ssh-config FILE, -T/--timeout N   as for a playbook run
Metrics, labels and help: docs/operate.md. Ends on Ctrl-C / SIGTERM (exit 0).`;

export interface ExporterOptions extends ClusterOptions {
  listen: Listen;
  intervalMs: number;
}

const FIX = EXPORTER_USAGE.split('\n')[0]!;
const usage = (msg: string) => new LvsError('E_USAGE', msg, { file: 'command line', fix: FIX });

export function parseExporterArgs(argv: readonly string[]): ExporterOptions | 'help' {
  const p = parseClusterArgs(argv, optionsOf('listen', 'interval'), FIX);
  if (p === 'help') return 'help';
  const values = p.values as { listen?: string; interval?: string };
  const intervalMs = parseDuration(values.interval ?? '15s');
  if (intervalMs === null || intervalMs < 1000 || intervalMs > 3600e3) throw usage(`--interval takes a duration from 1s to 1h, e.g. 15s or 1m (got ${values.interval})`);
  return { ...p.common, listen: parseListen(values.listen ?? '127.0.0.1:9469', '--listen', FIX), intervalMs };
}

export async function exporterCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const o = parseExporterArgs(argv);
  if (o === 'help') return out.write(`${EXPORTER_USAGE}\n`), 0;
  const cwd = process.cwd();
  const { inv } = await loadInputs(o, cwd);
  const targets = clusterTargets(inv);
  const redactor = new Redactor().add(...(inv.secrets ?? []));
  const connect = makeConnector({ secrets: new SecretResolver({}, redactor), redactor, acceptNewHostKeys: o.acceptNewHostKeys, ...(o.sshConfig ? { sshConfig: o.sshConfig } : {}), ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}) });
  // a host slower than the interval (at least 5 s, at most 30 s) counts as down for that round
  const collector = new StatusCollector(targets, connect, inv.source, { forks: DEFAULT_FORKS, timeoutMs: Math.min(30_000, Math.max(5_000, o.intervalMs)) });
  const sampler = new Sampler(collector, o.intervalMs);
  const retainer = new Retainer();
  let points: readonly Point[] = [];
  sampler.onSample((r) => (points = retainer.merge(pointsOf(r, collector.stats))));
  const registry = exporterRegistry(() => points);
  const server = await serveHttp(o.listen, async (req, res) => {
    if (req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(req.url === '/' ? 200 : 404, { 'content-type': 'text/plain; charset=utf-8' }).end('lvs-play exporter: metrics at /metrics\n');
      return;
    }
    const body = redactor.redact(await metricsText(registry));
    res.writeHead(200, { 'content-type': registry.contentType }).end(body);
  });
  const hostCount = targets.directors.length + targets.realServers.length;
  out.write(`lvs-play exporter: ${listenUrl(o.listen)}/metrics, ${hostCount} hosts of ${inv.source} read every ${o.intervalMs / 1000} s\n`);
  return serveUntilSignal(sampler, server);
}

/**
 * The prom-client registry: one metric per METRICS entry, each filled at scrape time from the last
 * sample (`current()`): a scrape never reads a host. prom-client encodes the text format. The
 * exporter's own cost: the conventional process_cpu_seconds_total and process_resident_memory_bytes
 * (prom-client's default metrics are not used: three of its gauges end in _total, which
 * `promtool check metrics` rejects).
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { METRICS, type MetricName } from './metrics.js';
import type { Point } from './points.js';

export function exporterRegistry(current: () => readonly Point[]): Registry {
  const registry = new Registry();
  processMetrics(registry);
  const of = (name: MetricName) => current().filter((p) => p.metric === name);
  for (const [name, def] of Object.entries(METRICS) as [MetricName, (typeof METRICS)[MetricName]][]) {
    const common = { name, help: def.help, labelNames: [...def.labels], registers: [registry] };
    if (def.type === 'counter') {
      new Counter({
        ...common,
        collect() {
          this.reset();
          for (const p of of(name)) this.inc(p.labels, p.value);
        },
      });
    } else {
      new Gauge({
        ...common,
        collect() {
          this.reset();
          for (const p of of(name)) this.set(p.labels, p.value);
        },
      });
    }
  }
  return registry;
}

/**
 * The text format of the registry. prom-client 15 writes NaN as `Nan`; the exposition format's
 * spelling is `NaN` (Prometheus parses either: Go's ParseFloat ignores case; other parsers may not).
 */
export async function metricsText(registry: Registry): Promise<string> {
  return (await registry.metrics()).replace(/ Nan$/gm, ' NaN');
}

function processMetrics(registry: Registry): void {
  new Counter({
    name: 'process_cpu_seconds_total',
    help: 'CPU time (user and system) of the exporter process, in seconds.',
    registers: [registry],
    collect() {
      const u = process.cpuUsage();
      this.reset();
      this.inc((u.user + u.system) / 1e6);
    },
  });
  new Gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident memory of the exporter process, in bytes.',
    registers: [registry],
    collect() {
      this.set(process.memoryUsage().rss);
    },
  });
}

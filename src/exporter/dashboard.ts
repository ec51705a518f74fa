/**
 * The Grafana dashboard's queries (dashboards/lvs-play.json), for the tests that check them against
 * the metric names, promtool and a real Prometheus: every `expr` of every panel, with Grafana's
 * variables replaced by what Prometheus understands.
 */
export interface DashboardQuery {
  panel: string;
  expr: string;
}

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

/** `$vip` → `.*` (all VIPs), `$__rate_interval` → `rate` (e.g. 1m). */
export function promql(expr: string, rate = '1m'): string {
  return expr.replace(/\$__rate_interval|\$\{__rate_interval\}/g, rate).replace(/\$\{?vip\}?/g, '.*');
}

export function dashboardQueries(model: { panels?: Panel[] }): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  const walk = (ps: readonly Panel[]) => {
    for (const p of ps) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ panel: p.title ?? '', expr: t.expr });
      walk(p.panels ?? []);
    }
  };
  walk(model.panels ?? []);
  return out;
}

/** The lvs_ metric names an expression reads. */
export function metricNames(expr: string): string[] {
  return [...new Set(expr.match(/\blvs_[a-z_]+\b/g) ?? [])];
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dashboardQueries, metricNames, promql } from '../../../src/exporter/dashboard.js';
import { METRICS } from '../../../src/exporter/metrics.js';

const model = JSON.parse(readFileSync(new URL('../../../dashboards/lvs-play.json', import.meta.url), 'utf8'));

describe('dashboards/lvs-play.json', () => {
  const qs = dashboardQueries(model);

  it('is a Grafana dashboard with the panels the issue names', () => {
    expect(model).toMatchObject({ uid: 'lvs-play', schemaVersion: expect.any(Number) });
    const titles = model.panels.map((p: { title: string }) => p.title).join('\n');
    for (const t of [/VIP holder over time/, /connections per real server/i, /Traffic per real server/, /Drained \/ unhealthy/, /Read latency/]) expect(titles).toMatch(t);
    expect(qs.length).toBeGreaterThanOrEqual(10);
  });

  it('every query reads only metrics the exporter serves', () => {
    for (const q of qs) {
      const names = metricNames(q.expr);
      expect(names.length, q.panel).toBeGreaterThan(0);
      for (const n of names) expect(Object.keys(METRICS), `${q.panel}: ${n}`).toContain(n);
    }
  });

  it('Grafana variables become PromQL', () => {
    expect(promql('rate(lvs_ipvs_bytes_total{vip=~"$vip"}[$__rate_interval])')).toBe('rate(lvs_ipvs_bytes_total{vip=~".*"}[1m])');
  });
});

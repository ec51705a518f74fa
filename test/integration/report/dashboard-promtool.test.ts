/**
 * Every query of dashboards/lvs-play.json parses as PromQL for the real parser: promtool checks
 * them as recording rules.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardQueries, promql } from '../../../src/exporter/dashboard.js';

describe('dashboard queries', () => {
  it('promtool check rules accepts every expression', () => {
    const model = JSON.parse(readFileSync(new URL('../../../dashboards/lvs-play.json', import.meta.url), 'utf8'));
    const qs = dashboardQueries(model);
    const rules = qs.map((q, i) => `      - record: lvs:dashboard_query_${i}\n        expr: ${JSON.stringify(promql(q.expr))}`).join('\n');
    const file = join(mkdtempSync(join(tmpdir(), 'lvs-dash-')), 'rules.yml');
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
    const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`${qs.length} rules found`);
  });
});

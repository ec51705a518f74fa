/**
 * How the e2e runs the project's real site playbook (playbooks/site.ts) on the VM variant of the
 * lab: through the CLI, as a user would (`lvs-play playbooks/site.ts -i lab …`, from the sources
 * with jiti so no build is needed), with a JSON report to assert on.
 *
 * What the VM variant needs from the site comes from `-i lab` itself (src/lab/inventory.ts gives a
 * director running as a VM these host vars):
 * - keepalived_install 'package': Debian's keepalived, already in the VM base image. Building it
 *   from source inside a VM under TCG (no usable KVM here) would take many minutes; the source build
 *   is proven on the netns lab by the keepalived role's own tests. keepalived_args ['-D']: the full
 *   keepalived (VRRP + checkers → IPVS), not the netns lab's --vrrp. The VMs run systemd:
 *   init-service takes its systemd path there.
 * - ipvs_tuning true: ip_vs loaded and net.ipv4.vs.expire_nodest_conn=1, so a client whose reused
 *   source port still maps to a removed real server is not silently dropped.
 * And as extra vars (-e, highest precedence):
 * - delay_loop 2: health checks every 2 s so the test is quick (the site's default is 6).
 * - realserver_groups [linux_realservers]: rs1/rs2 only; the lab's win1 is not an HTTP server.
 * The run is limited to directors and Linux real servers (the Windows play is not this test's).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { RunReport } from '../../src/types.js';
import { ROOT } from '../lab/support.js';

export const SITE = 'playbooks/site.ts';
export const PORT = 80;
export const SITE_EXTRA_VARS = {
  delay_loop: 2,
  realserver_groups: ['linux_realservers'],
} as const;
export const SITE_LIMIT = 'directors:linux_realservers';

export interface SiteRun {
  code: number | null;
  report: RunReport | null;
  output: string;
  seconds: number;
}

/** `lvs-play playbooks/site.ts -i lab -l … -e '{…}' --json FILE`, from the sources. */
export async function runSite(timeoutMs = 20 * 60_000, extraVars: Record<string, unknown> = {}): Promise<SiteRun> {
  const dir = await mkdtemp(join(tmpdir(), 'lvs-e2e-'));
  const json = join(dir, 'report.json');
  const args = [
    join(ROOT, 'node_modules/jiti/lib/jiti-cli.mjs'), join(ROOT, 'src/cli/main.ts'),
    SITE, '-i', 'lab', '-l', SITE_LIMIT, '-e', JSON.stringify({ ...SITE_EXTRA_VARS, ...extraVars }), '--json', json,
  ];
  const t0 = Date.now();
  try {
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (out += b.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve({ code: c, output: out });
      });
    });
    const report = await readFile(json, 'utf8').then((t) => JSON.parse(t) as RunReport, () => null);
    return { code, report, output, seconds: Math.round((Date.now() - t0) / 100) / 10 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const failedRows = (r: RunReport): string =>
  r.results.filter((x) => x.status === 'failed' || x.status === 'unreachable').map((x) => `${x.host} ${x.resource}: ${x.error ?? ''}`).join('\n');
/** The report of a site run that must have worked (its output in the message otherwise). */
export function okReport(run: SiteRun): RunReport {
  if (!run.report) throw new Error(`${SITE} wrote no report (exit ${run.code}):\n${run.output.slice(-4000)}`);
  expect(failedRows(run.report), run.output.slice(-4000)).toBe('');
  expect(run.code, run.output.slice(-4000)).toBe(0);
  return run.report;
}

/** The health-check timing keepalived really got (read back from the rendered keepalived.conf). */
export interface CheckTiming {
  delayLoop: number;
  connectTimeout: number;
  /** keepalived's defaults when absent: retry 1, delay_before_retry 1. */
  retry: number;
  delayBeforeRetry: number;
}

export function checkTiming(conf: string): CheckTiming {
  const num = (key: string, dflt: number | null): number => {
    const m = new RegExp(`^\\s*${key}\\s+([0-9.]+)\\s*$`, 'm').exec(conf);
    if (m?.[1]) return Number(m[1]);
    if (dflt === null) throw new Error(`keepalived.conf has no ${key}`);
    return dflt;
  };
  return { delayLoop: num('delay_loop', null), connectTimeout: num('connect_timeout', null), retry: num('retry', 1), delayBeforeRetry: num('delay_before_retry', 1) };
}

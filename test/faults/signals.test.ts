/**
 * Ctrl-C (SIGINT) and SIGTERM at several points of a run on the lab: during the reads, during an
 * apply step, during a file write, during a keepalived build. Each: exit 99, the recap printed
 * (and the --json report says aborted), every connection closed (no sshd session left on the
 * hosts), no orphan remote process (the run's commands are killed on the hosts), no half-written
 * file (the target is old, no temp file), the running keepalived untouched.
 */
import { describe, expect, it } from 'vitest';
import { ensureKeepalivedTarball, KEEPALIVED_SHA256 } from '../../src/lab/sources.js';
import { recordFault } from './record.js';
import { local, MARK, MARK_HOSTS, MARK_PLAYBOOK, markOf, onHost, onHostRaw, procs, readReport, reportPath, setMarks, startCli, waitFor, withStandardLab, type CliRun } from './support.js';

/** Processes on a host that carry an LVS_PLAY_RUN token (commands of a run), and sshd sessions. */
async function leftovers(host: string): Promise<{ tokened: number; sessions: number }> {
  const r = await local(['ip', 'netns', 'pids', `lvs-${host}`]);
  let tokened = 0;
  let sshd = 0;
  for (const p of r.stdout.split('\n').filter(Boolean)) {
    try {
      const { readFileSync } = await import('node:fs');
      if (readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').some((e) => e.startsWith('LVS_PLAY_RUN='))) tokened++;
      if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'sshd') sshd++;
    } catch {
      /* gone */
    }
  }
  return { tokened, sessions: Math.max(0, sshd - 1) };
}

async function allLeftovers(hosts: readonly string[]): Promise<Record<string, { tokened: number; sessions: number }>> {
  // the host side may take a moment to notice the closed connection
  let out: Record<string, { tokened: number; sessions: number }> = {};
  await waitFor(async () => {
    out = Object.fromEntries(await Promise.all(hosts.map(async (h) => [h, await leftovers(h)] as const)));
    return Object.values(out).every((v) => v.tokened === 0 && v.sessions === 0);
  }, 5000);
  return out;
}

const clean = (l: Record<string, { tokened: number; sessions: number }>) => Object.values(l).every((v) => v.tokened === 0 && v.sessions === 0);

async function interrupted(run: CliRun, sig: NodeJS.Signals, json: string) {
  const t0 = Date.now();
  run.kill(sig);
  const res = await run.result;
  const report = readReport(json);
  return { res, afterSignalMs: Date.now() - t0, report, recap: /PLAY RECAP/.test(res.stdout), aborted: report.aborted };
}

describe('signals during a run', () => {
  withStandardLab('/usr/local/src/keepalived-2.2.8*');

  for (const [sig, phase] of [['SIGINT', 'read'], ['SIGTERM', 'apply']] as const) {
    it(`${sig} during the ${phase === 'read' ? 'reads' : 'apply of a command'}: exit 99, recap, connections closed, no orphan remote process, nothing written`, async () => {
      await setMarks('old');
      const json = reportPath(`${sig}-${phase}`);
      const run = startCli([MARK_PLAYBOOK, '-i', 'lab', '--json', json, '-e', 'fault_mark=new', '-e', `fault_${phase}_s=30`], 90_000);
      const started = await waitFor(async () => (await Promise.all(MARK_HOSTS.map((h) => procs(h, 'sleep', '30')))).every((p) => p.length > 0), 30_000);
      const r = await interrupted(run, sig, json);
      const left = await allLeftovers(MARK_HOSTS);
      const marks = await Promise.all(MARK_HOSTS.map(markOf));
      const ok = started && r.res.code === 99 && r.recap && r.aborted && clean(left) && marks.every((m) => m === 'old');
      recordFault(`${sig} during ${phase === 'read' ? 'the reads' : 'an apply step'}`, `exit ${r.res.code} ${r.afterSignalMs} ms after the signal; recap ${r.recap ? 'printed' : 'MISSING'}; report aborted=${r.aborted}; left on hosts ${JSON.stringify(left)}; marks ${marks.join(',')}`, ok);
      expect(started).toBe(true);
      expect(r.res.code, r.res.stdout + r.res.stderr).toBe(99);
      expect(r.recap).toBe(true);
      expect(r.aborted).toBe(true);
      expect(left).toEqual(Object.fromEntries(MARK_HOSTS.map((h) => [h, { tokened: 0, sessions: 0 }])));
      expect(marks).toEqual(['old', 'old', 'old', 'old']);
    });
  }

  it('SIGINT during a file write (8 MB on a slow link): exit 99, the target old (never partial), no temp file', async () => {
    await setMarks('old');
    const tc = await local(['tc', 'qdisc', 'add', 'dev', 'lvs-rs1', 'root', 'tbf', 'rate', '16mbit', 'burst', '32kb', 'latency', '2s']);
    if (tc.code !== 0) throw new Error(tc.stderr);
    const json = reportPath('sigint-write');
    const run = startCli([MARK_PLAYBOOK, '-i', 'lab', '--limit', 'rs1', '--json', json, '-e', 'fault_mark=new', '-e', 'fault_pad=8000000'], 90_000);
    const writing = await waitFor(async () => (await onHostRaw('rs1', `[ "$(stat -c %s /var/tmp/lvs-fault/.mark.lvs-* 2>/dev/null | head -n 1)" -gt 100000 ]`)).code === 0, 60_000);
    const r = await interrupted(run, 'SIGINT', json);
    const left = await allLeftovers(['rs1']);
    const mark = await markOf('rs1');
    const temps = (await onHostRaw('rs1', "ls -A /var/tmp/lvs-fault | grep -c '^.mark.lvs-' || true")).stdout.trim();
    const size = (await onHost('rs1', `stat -c %s ${MARK}`)).trim();
    const ok = writing && r.res.code === 99 && r.recap && mark === 'old' && size === '4' && temps === '0' && clean(left);
    recordFault('SIGINT during a file write', `exit ${r.res.code} ${r.afterSignalMs} ms after the signal; target ${mark === 'old' ? 'old' : mark} (${size} bytes); temps ${temps}; left on rs1 ${JSON.stringify(left.rs1)}`, ok);
    expect(writing).toBe(true);
    expect(r.res.code, r.res.stdout + r.res.stderr).toBe(99);
    expect({ mark, size, temps }).toEqual({ mark: 'old', size: '4', temps: '0' });
    expect(clean(left)).toBe(true);
  });

  it('SIGINT during a keepalived build: exit 99, the build killed on both directors (no make/cc left), nothing installed, keepalived untouched', async () => {
    const tarball = await ensureKeepalivedTarball();
    const bin = async (h: string) => (await onHostRaw(h, 'sha256sum < /usr/local/keepalived/sbin/keepalived | cut -c1-16; cat /run/keepalived.pid 2>/dev/null')).stdout.trim();
    const before = await Promise.all(['lvs1', 'lvs2'].map(bin));
    const json = reportPath('sigint-build');
    // an "upgrade" to 2.2.8 from the 2.2.7 tarball: the build runs for real (configure, make)
    const run = startCli(['test/faults/fixtures/build.ts', '-i', 'lab', '--json', json, '-e', `fault_tarball=${tarball}`, '-e', `fault_sha256=${KEEPALIVED_SHA256}`], 240_000);
    const building = await waitFor(async () => (await Promise.all(['lvs1', 'lvs2'].map(async (h) => (await procs(h, 'configure')).length + (await procs(h, 'make')).length))).every((n) => n > 0), 120_000);
    const r = await interrupted(run, 'SIGINT', json);
    const left = await allLeftovers(['lvs1', 'lvs2']);
    const builders = (await Promise.all(['lvs1', 'lvs2'].flatMap((h) => ['make', 'cc1', 'configure', 'gcc'].map((n) => procs(h, n))))).flat().length;
    const after = await Promise.all(['lvs1', 'lvs2'].map(bin));
    const ok = building && r.res.code === 99 && r.recap && clean(left) && builders === 0 && JSON.stringify(after) === JSON.stringify(before);
    recordFault('SIGINT during a keepalived build', `exit ${r.res.code} ${r.afterSignalMs} ms after the signal; build processes left ${builders}; left on hosts ${JSON.stringify(left)}; binary and keepalived pid ${JSON.stringify(after) === JSON.stringify(before) ? 'unchanged' : 'CHANGED'}`, ok);
    expect(building).toBe(true);
    expect(r.res.code, r.res.stdout + r.res.stderr).toBe(99);
    expect(r.recap).toBe(true);
    expect(builders).toBe(0);
    expect(clean(left)).toBe(true);
    expect(after).toEqual(before);
  });
});

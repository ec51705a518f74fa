/**
 * Interrupted writes on the lab: the connection to rs1 dropped (its sshd session killed) while a
 * file's content is on its way — through the file-write path (stdin into a temp file) and through
 * an upload (sftp into a temp file). rs1's link is slowed (tbf) so the cut lands mid-transfer.
 * The target must be the old file or the new one, never partial; no temp file is left after the
 * next run.
 */
import { randomBytes, createHash } from 'node:crypto';
import { writeFileSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordFault } from './record.js';
import { badRow, local, MARK, MARK_PLAYBOOK, markOf, onHost, onHostRaw, procs, readReport, reportPath, runCli, setMarks, startCli, waitFor, withStandardLab } from './support.js';

/** rs1's sshd processes other than the listener (the sessions of the run). */
async function sessions(): Promise<number[]> {
  const listener = (await onHostRaw('rs1', 'cat /run/sshd.pid')).stdout.trim();
  return (await procs('rs1', 'sshd')).filter((p) => !readFileSync(`/proc/${p}/status`, 'utf8').includes(`NSpid:\t${p}\t${listener}\n`));
}

async function dropConnection(): Promise<number> {
  const s = await sessions();
  for (const p of s) process.kill(p, 'SIGKILL');
  return s.length;
}

/** Temp files beside a target on rs1. */
async function temps(path: string): Promise<string[]> {
  const dir = path.slice(0, path.lastIndexOf('/'));
  const base = path.slice(path.lastIndexOf('/') + 1);
  return (await onHostRaw('rs1', `ls -A ${dir} | grep -F '.${base}.lvs-' || true`)).stdout.split('\n').filter(Boolean);
}

const sha = async (path: string) => (await onHostRaw('rs1', `sha256sum < ${path} 2>/dev/null | cut -d' ' -f1`)).stdout.trim();

describe('interrupted writes', () => {
  withStandardLab();

  const slowRs1 = async () => {
    const r = await local(['tc', 'qdisc', 'add', 'dev', 'lvs-rs1', 'root', 'tbf', 'rate', '16mbit', 'burst', '32kb', 'latency', '2s']);
    if (r.code !== 0) throw new Error(r.stderr);
  };

  it('the connection drops during a file write (8 MB through the write path): old file kept, never partial; no temp after the next run', async () => {
    await setMarks('old');
    const oldSha = await sha(MARK);
    await slowRs1();
    const args = (mark: string, json: string) => [MARK_PLAYBOOK, '-i', 'lab', '--limit', 'rs1', '--json', json, '-e', `fault_mark=${mark}`, '-e', 'fault_pad=8000000'];
    const json1 = reportPath('write-cut');
    const run = startCli(args('new', json1), 120_000);
    const seen = await waitFor(async () => (await onHostRaw('rs1', `[ "$(stat -c %s /var/tmp/lvs-fault/.mark.lvs-* 2>/dev/null | head -n 1)" -gt 100000 ]`)).code === 0, 60_000);
    const killed = seen ? await dropConnection() : 0;
    const res = await run.result;
    const row = badRow(readReport(json1, res), 'rs1');
    const afterCut = { sha: await sha(MARK), mark: await markOf('rs1'), temps: await temps(MARK) };
    await local(['tc', 'qdisc', 'del', 'dev', 'lvs-rs1', 'root']);
    const json2 = reportPath('write-next');
    const next = await runCli(args('new', json2), 120_000);
    const afterNext = { mark: await markOf('rs1'), size: (await onHost('rs1', `stat -c %s ${MARK}`)).trim(), temps: await temps(MARK) };
    const ok = seen && killed > 0 && res.code === 2 && afterCut.sha === oldSha && next.code === 0 && afterNext.mark === 'new' && afterNext.size === String(4 + 8_000_000) && afterNext.temps.length === 0;
    recordFault('connection dropped during a file write', `cut mid-transfer (${killed} session(s) killed): exit ${res.code}, rs1 ${row?.status} at ${row?.resource}; target ${afterCut.sha === oldSha ? 'the old file' : `CHANGED (${afterCut.mark})`}, temps ${afterCut.temps.length}; next run exit ${next.code}: target new (${afterNext.size} bytes), temps ${afterNext.temps.length}`, ok);
    expect(seen).toBe(true);
    expect(res.code, res.stdout.slice(-1500)).toBe(2);
    expect(afterCut.sha).toBe(oldSha);
    expect(next.code, next.stdout.slice(-1500)).toBe(0);
    expect(afterNext).toEqual({ mark: 'new', size: String(4 + 8_000_000), temps: [] });
  });

  it('the connection drops during an upload (8 MB over sftp): old file kept, never partial; no temp after the next run', async () => {
    await setMarks('old');
    const dir = mkdtempSync(join(tmpdir(), 'lvs-faults-'));
    const oldBlob = join(dir, 'old.bin');
    const newBlob = join(dir, 'new.bin');
    writeFileSync(oldBlob, randomBytes(1000));
    writeFileSync(newBlob, randomBytes(8_000_000));
    const newSha = createHash('sha256').update(readFileSync(newBlob)).digest('hex');
    const args = (blob: string, json: string) => [MARK_PLAYBOOK, '-i', 'lab', '--limit', 'rs1', '--json', json, '-e', `fault_upload=${blob}`, '-e', 'fault_mark=m'];
    const first = await runCli(args(oldBlob, reportPath('upload-old')), 60_000);
    expect(first.code, first.stdout.slice(-1500)).toBe(0);
    const oldSha = await sha('/var/tmp/lvs-fault/blob');
    await slowRs1();
    const json1 = reportPath('upload-cut');
    const run = startCli(args(newBlob, json1), 120_000);
    const seen = await waitFor(async () => (await onHostRaw('rs1', `[ "$(stat -c %s /var/tmp/lvs-fault/.blob.lvs-* 2>/dev/null | head -n 1)" -gt 100000 ]`)).code === 0, 60_000);
    const killed = seen ? await dropConnection() : 0;
    const res = await run.result;
    const row = badRow(readReport(json1, res), 'rs1');
    const afterCut = { sha: await sha('/var/tmp/lvs-fault/blob'), temps: await temps('/var/tmp/lvs-fault/blob') };
    await local(['tc', 'qdisc', 'del', 'dev', 'lvs-rs1', 'root']);
    const next = await runCli(args(newBlob, reportPath('upload-next')), 120_000);
    const afterNext = { sha: await sha('/var/tmp/lvs-fault/blob'), temps: await temps('/var/tmp/lvs-fault/blob') };
    const ok = seen && killed > 0 && res.code === 2 && afterCut.sha === oldSha && next.code === 0 && afterNext.sha === newSha && afterNext.temps.length === 0;
    recordFault('connection dropped during an upload (sftp)', `cut mid-transfer (${killed} session(s) killed): exit ${res.code}, rs1 ${row?.status} at ${row?.resource}; target ${afterCut.sha === oldSha ? 'the old file' : 'CHANGED'}, temps left by the cut ${afterCut.temps.length}; next run exit ${next.code}: target ${afterNext.sha === newSha ? 'the new file' : 'WRONG'}, temps ${afterNext.temps.length}`, ok);
    expect(seen).toBe(true);
    expect(res.code, res.stdout.slice(-1500)).toBe(2);
    expect(afterCut.sha).toBe(oldSha);
    expect(next.code, next.stdout.slice(-1500)).toBe(0);
    expect(afterNext).toEqual({ sha: newSha, temps: [] });
  });
});

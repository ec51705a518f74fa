/**
 * Interrupted writes on the lab: the connection to rs1 dropped (its sshd session killed) while a
 * file's content is on its way — through the file-write path (stdin into a temp file), for a file's
 * content and for an upload (both streamed in chunks: issue 27), and during a large streamed upload
 * to two hosts. rs1's link is slowed (tbf) so the cut lands mid-transfer.
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

  /** Runs the CLI with rs1's link slowed, drops rs1's connection once its temp file `glob` holds more than `atLeast` bytes, and waits for the run. */
  const cutRs1 = async (argv: string[], json: string, glob: string, atLeast: number, boundMs = 120_000) => {
    await slowRs1();
    const run = startCli(argv, boundMs);
    const seen = await waitFor(async () => (await onHostRaw('rs1', `[ "$(stat -c %s ${glob} 2>/dev/null | head -n 1)" -gt ${atLeast} ]`)).code === 0, 60_000);
    const killed = seen ? await dropConnection() : 0;
    const res = await run.result;
    return { seen, killed, res, row: badRow(readReport(json, res), 'rs1') };
  };

  /** An old (1000 bytes) and a new (`size` bytes) local file to upload, and the new one's sha256. */
  const blobs = (size: number) => {
    const dir = mkdtempSync(join(tmpdir(), 'lvs-faults-'));
    const oldBlob = join(dir, 'old.bin');
    const newBlob = join(dir, 'new.bin');
    writeFileSync(oldBlob, randomBytes(1000));
    writeFileSync(newBlob, randomBytes(size));
    return { oldBlob, newBlob, newSha: createHash('sha256').update(readFileSync(newBlob)).digest('hex') };
  };

  it('the connection drops during a file write (8 MB through the write path): old file kept, never partial; no temp after the next run', async () => {
    await setMarks('old');
    const oldSha = await sha(MARK);
    const args = (mark: string, json: string) => [MARK_PLAYBOOK, '-i', 'lab', '--limit', 'rs1', '--json', json, '-e', `fault_mark=${mark}`, '-e', 'fault_pad=8000000'];
    const json1 = reportPath('write-cut');
    const { seen, killed, res, row } = await cutRs1(args('new', json1), json1, '/var/tmp/lvs-fault/.mark.lvs-*', 100_000);
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

  it('the connection drops during an upload (8 MB streamed through the write path): old file kept, never partial; no temp after the next run', async () => {
    await setMarks('old');
    const { oldBlob, newBlob, newSha } = blobs(8_000_000);
    const args = (blob: string, json: string) => [MARK_PLAYBOOK, '-i', 'lab', '--limit', 'rs1', '--json', json, '-e', `fault_upload=${blob}`, '-e', 'fault_mark=m'];
    const first = await runCli(args(oldBlob, reportPath('upload-old')), 60_000);
    expect(first.code, first.stdout.slice(-1500)).toBe(0);
    const oldSha = await sha('/var/tmp/lvs-fault/blob');
    const json1 = reportPath('upload-cut');
    const { seen, killed, res, row } = await cutRs1(args(newBlob, json1), json1, '/var/tmp/lvs-fault/.blob.lvs-*', 100_000);
    const afterCut = { sha: await sha('/var/tmp/lvs-fault/blob'), temps: await temps('/var/tmp/lvs-fault/blob') };
    await local(['tc', 'qdisc', 'del', 'dev', 'lvs-rs1', 'root']);
    const next = await runCli(args(newBlob, reportPath('upload-next')), 120_000);
    const afterNext = { sha: await sha('/var/tmp/lvs-fault/blob'), temps: await temps('/var/tmp/lvs-fault/blob') };
    const ok = seen && killed > 0 && res.code === 2 && afterCut.sha === oldSha && next.code === 0 && afterNext.sha === newSha && afterNext.temps.length === 0;
    recordFault('connection dropped during an upload (streamed)', `cut mid-transfer (${killed} session(s) killed): exit ${res.code}, rs1 ${row?.status} at ${row?.resource}; target ${afterCut.sha === oldSha ? 'the old file' : 'CHANGED'}, temps left by the cut ${afterCut.temps.length}; next run exit ${next.code}: target ${afterNext.sha === newSha ? 'the new file' : 'WRONG'}, temps ${afterNext.temps.length}`, ok);
    expect(seen).toBe(true);
    expect(res.code, res.stdout.slice(-1500)).toBe(2);
    expect(afterCut.sha).toBe(oldSha);
    expect(next.code, next.stdout.slice(-1500)).toBe(0);
    expect(afterNext).toEqual({ sha: newSha, temps: [] });
  });

  it('the connection to one host drops during a large streamed upload (64 MB from a path to rs1 and rs2): rs1 keeps the old file, rs2 gets the new one; the next run completes rs1 and sends rs2 nothing', async () => {
    await setMarks('old');
    const { oldBlob, newBlob, newSha } = blobs(64 * 1024 * 1024);
    const blob = '/var/tmp/lvs-fault/blob';
    const shaOn = async (host: string) => (await onHostRaw(host, `sha256sum < ${blob} 2>/dev/null | cut -d' ' -f1`)).stdout.trim();
    const args = (src: string, json: string) => [MARK_PLAYBOOK, '-i', 'lab', '--limit', 'rs1,rs2', '--json', json, '-e', `fault_upload=${src}`, '-e', 'fault_mark=m'];
    const first = await runCli(args(oldBlob, reportPath('big-upload-old')), 60_000);
    expect(first.code, first.stdout.slice(-1500)).toBe(0);
    const oldSha = await shaOn('rs1');
    const json1 = reportPath('big-upload-cut');
    const { seen, killed, res, row } = await cutRs1(args(newBlob, json1), json1, '/var/tmp/lvs-fault/.blob.lvs-*', 1_000_000, 180_000);
    const afterCut = { rs1: await shaOn('rs1'), rs2: await shaOn('rs2'), temps: await temps(blob) };
    await local(['tc', 'qdisc', 'del', 'dev', 'lvs-rs1', 'root']);
    const json2 = reportPath('big-upload-next');
    const next = await runCli(args(newBlob, json2), 180_000);
    const rows = readReport(json2, next).results.filter((r) => r.resource === `upload ${blob}`);
    const statusOf = (h: string) => rows.find((r) => r.host === h)?.status;
    const afterNext = { rs1: await shaOn('rs1'), rs2: await shaOn('rs2'), rs1Upload: statusOf('rs1'), rs2Upload: statusOf('rs2'), temps: await temps(blob) };
    const ok = seen && killed > 0 && res.code === 2 && afterCut.rs1 === oldSha && afterCut.rs2 === newSha && next.code === 0 &&
      afterNext.rs1 === newSha && afterNext.rs2Upload === 'ok' && afterNext.rs1Upload === 'changed' && afterNext.temps.length === 0;
    recordFault('connection dropped during a large streamed upload (64 MB, 2 hosts)', `cut rs1 mid-transfer (${killed} session(s) killed): exit ${res.code}, rs1 ${row?.status} at ${row?.resource}; rs1 ${afterCut.rs1 === oldSha ? 'the old file' : 'CHANGED'}, rs2 ${afterCut.rs2 === newSha ? 'the new file' : 'WRONG'}; next run exit ${next.code}: rs1 ${afterNext.rs1 === newSha ? 'the new file' : 'WRONG'} (${afterNext.rs1Upload}), rs2 ${afterNext.rs2Upload} (nothing sent), temps ${afterNext.temps.length}`, ok);
    expect(seen).toBe(true);
    expect(res.code, res.stdout.slice(-1500)).toBe(2);
    expect(row?.resource).toBe(`upload ${blob}`);
    expect(afterCut).toMatchObject({ rs1: oldSha, rs2: newSha });
    expect(next.code, next.stdout.slice(-1500)).toBe(0);
    expect(afterNext).toEqual({ rs1: newSha, rs2: newSha, rs1Upload: 'changed', rs2Upload: 'ok', temps: [] });
  });
});

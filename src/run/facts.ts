import { randomBytes } from 'node:crypto';
import type { Fact, PosixTransport, RunResult, ShellCommand } from '../types.js';
import { batchable, fileBatchScript, fileLines, parseFileBatch, wanted } from './file-batch.js';
import { kernelBatchable, kernelBatchScript, kernelLine, parseKernelBatch } from './kernel-batch.js';

export type FactOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

const MARK = '@@LVS-FACT';

/**
 * One shell script that runs every fact command in its own subshell, its stdout and stderr going
 * straight to the channel, each followed by a boundary line carrying a random nonce (and, on
 * stdout, the exit code): many reads, one round trip, and no process on the host beyond each
 * fact's subshell and its own commands (no temp files, no base64).
 */
function batchScript(commands: readonly ShellCommand[], nonce: string = randomBytes(9).toString('hex')): ShellCommand {
  const b = `${MARK}-${nonce}`;
  return commands
    .map((cmd, i) => `(\n${cmd}\n) </dev/null; r=$?; printf '\\n%s %s %s\\n' '${b}' ${i} "$r"; printf '\\n%s %s\\n' '${b}' ${i} >&2`)
    .join('\n') as ShellCommand;
}

/** Splits one stream at the boundaries: text before each, and the rest of each boundary line. */
function frames(text: string, b: string): { index: number; body: string; tail: string }[] {
  const out: { index: number; body: string; tail: string }[] = [];
  const sep = `\n${b} `;
  let at = 0;
  for (;;) {
    const k = text.indexOf(sep, at);
    if (k < 0) return out;
    const lineEnd = text.indexOf('\n', k + sep.length);
    const line = text.slice(k + sep.length, lineEnd < 0 ? undefined : lineEnd);
    const [idx = '', ...rest] = line.split(' ');
    out.push({ index: Number(idx), body: text.slice(at, k), tail: rest.join(' ') });
    if (lineEnd < 0) return out;
    at = lineEnd + 1;
  }
}

/** Splits a batch's output back into one RunResult per command. */
function parseBatch(stdout: string, stderr: string, count: number, nonce: string): RunResult[] {
  const b = `${MARK}-${nonce}`;
  const results: RunResult[] = [];
  for (const f of frames(stdout, b)) {
    const rc = f.tail.trim();
    results[f.index] = { code: rc === '' ? null : Number(rc), stdout: f.body, stderr: '' };
  }
  for (const f of frames(stderr, b)) if (results[f.index]) results[f.index]!.stderr = f.body;
  for (let i = 0; i < count; i++) {
    if (!results[i]) results[i] = { code: null, stdout: '', stderr: 'fact batch output missing' };
  }
  return results;
}

function parseOne<T>(fact: Fact<T>, r: RunResult): FactOutcome<T> {
  try {
    return { ok: true, value: fact.parse(r) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** A fact whose file and kernel reads join the batch's one file read and one kernel read (src/run/file-batch.ts, kernel-batch.ts). */
function splits(f: Fact<unknown>): boolean {
  const kernel = f.split?.kernel ?? [];
  return Boolean(f.split && f.split.files.length + kernel.length > 0 && f.split.files.every(batchable) && kernel.every(kernelBatchable));
}

/**
 * Reads several facts in a single round trip (one for a lone fact). The paths that facts read
 * with fileFactScript, and the kernel files they read with kernelFactScript (Fact.split), are read
 * together by one more command each in the same script.
 */
export async function readFacts(t: PosixTransport, facts: readonly Fact<unknown>[]): Promise<FactOutcome<unknown>[]> {
  if (facts.length === 0) return [];
  if (facts.length === 1) {
    const fact = facts[0]!;
    return [parseOne(fact, await t.run(fact.command))];
  }
  const nonce = randomBytes(9).toString('hex');
  const split = facts.map(splits);
  const paths = wanted(facts.flatMap((f, i) => (split[i] ? f.split!.files : [])));
  // the commands of the script: each fact's (or the rest of a split one), then the file read
  const cmds: ShellCommand[] = [];
  const slot = facts.map((f, i) => {
    const cmd = split[i] ? f.split!.rest : f.command;
    return cmd === undefined ? -1 : cmds.push(cmd) - 1;
  });
  const mark = `@@LVS-FILES-${nonce}`;
  const fileSlot = paths.size ? cmds.push(fileBatchScript(paths, mark)) - 1 : -1;
  const kernelPaths = [...new Set(facts.flatMap((f, i) => (split[i] ? (f.split!.kernel ?? []).map((r) => r.path) : [])))];
  const kernelMark = `@@LVS-KERNEL-${nonce}`;
  const kernelSlot = kernelPaths.length ? cmds.push(kernelBatchScript(kernelPaths, kernelMark)) - 1 : -1;
  const res = await t.run(batchScript(cmds, nonce));
  if (res.code !== 0) {
    const why = `fact batch failed (exit ${res.code}): ${res.stderr.trim().slice(-500)}`;
    return facts.map(() => ({ ok: false, error: why }));
  }
  const results = parseBatch(res.stdout, res.stderr, cmds.length, nonce);
  const fb = fileSlot < 0 || results[fileSlot]!.code !== 0 ? null : parseFileBatch(results[fileSlot]!.stdout, mark, paths);
  const kb = kernelSlot < 0 || results[kernelSlot]!.code !== 0 ? null : parseKernelBatch(results[kernelSlot]!.stdout, kernelMark, kernelPaths);
  return facts.map((f, i) => {
    const own = slot[i]! < 0 ? { code: 0, stdout: '', stderr: '' } : results[slot[i]!]!;
    if (!split[i]) return parseOne(f, own);
    const kernel = f.split!.kernel ?? [];
    if (kernel.length && !kb) return { ok: false, error: 'its kernel files could not be read with the batch (a read error, or text the batch cannot carry exactly): read on its own' };
    const lines = f.split!.files.map((r) => (fb ? fileLines(r, fb) : null));
    if (lines.some((l) => l === null)) return { ok: false, error: 'its files could not be read with the batch (changed meanwhile, above 1 MiB or unreadable): read on its own' };
    return parseOne(f, { ...own, stdout: `${kernel.map((r) => kernelLine(r, kb!)).join('')}${lines.join('')}${own.stdout}` });
  });
}

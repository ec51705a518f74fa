import type { Fact, PosixTransport, RunResult, ShellCommand } from '../types.js';

export type FactOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

const MARK = '@@LVS-FACT';

/**
 * One shell script that runs every fact command in its own subshell and prints each one's
 * stdout, stderr (base64) and exit code: many reads, one round trip.
 */
function batchScript(commands: readonly ShellCommand[]): ShellCommand {
  const lines = ['d=$(mktemp -d) || exit 97'];
  commands.forEach((cmd, i) => {
    lines.push(`(\n${cmd}\n) >"$d/${i}.o" 2>"$d/${i}.e" </dev/null; echo $? >"$d/${i}.r"`);
  });
  lines.push(
    `for i in $(seq 0 ${commands.length - 1}); do printf '%s %s\\n' '${MARK}' "$i"; ` +
      `base64 -w0 "$d/$i.o"; printf '\\n'; base64 -w0 "$d/$i.e"; printf '\\n'; cat "$d/$i.r"; done`,
    'rm -rf "$d"',
  );
  return lines.join('\n') as ShellCommand;
}

/** Splits a batch's output back into one RunResult per command. */
function parseBatch(stdout: string, count: number): RunResult[] {
  const results: RunResult[] = [];
  const parts = stdout.split(`${MARK} `).slice(1);
  for (const part of parts) {
    const [idx, out = '', err = '', rc = ''] = part.split('\n');
    const i = Number(idx);
    results[i] = {
      code: rc.trim() === '' ? null : Number(rc.trim()),
      stdout: Buffer.from(out, 'base64').toString('utf8'),
      stderr: Buffer.from(err, 'base64').toString('utf8'),
    };
  }
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

/** Reads several facts in a single round trip (one for a lone fact). */
export async function readFacts(t: PosixTransport, facts: readonly Fact<unknown>[]): Promise<FactOutcome<unknown>[]> {
  if (facts.length === 0) return [];
  if (facts.length === 1) {
    const fact = facts[0]!;
    return [parseOne(fact, await t.run(fact.command))];
  }
  const res = await t.run(batchScript(facts.map((f) => f.command)));
  if (res.code !== 0) {
    const why = `fact batch failed (exit ${res.code}): ${res.stderr.trim().slice(-500)}`;
    return facts.map(() => ({ ok: false, error: why }));
  }
  const results = parseBatch(res.stdout, facts.length);
  return facts.map((f, i) => parseOne(f, results[i]!));
}

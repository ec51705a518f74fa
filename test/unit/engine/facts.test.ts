import { describe, expect, it } from 'vitest';
import { readFacts } from '../../../src/run/facts.js';
import { LocalTransport } from '../../../src/transport/local.js';
import type { Fact, RunResult, ShellCommand } from '../../../src/types.js';

const raw = (command: string): Fact<RunResult> => ({ command: command as ShellCommand, parse: (r) => r });

describe('readFacts: many reads in one round trip', () => {
  it('gives each fact its exact stdout, stderr and exit code, whatever they contain', async () => {
    const t = new LocalTransport('local');
    let runs = 0;
    const counted = { ...t, shell: t.shell, host: t.host, run: (c: ShellCommand, o?: object) => (runs++, t.run(c, o)) } as unknown as LocalTransport;
    const facts = [
      raw("printf 'no newline'"),
      raw("printf 'two\\n\\n'; echo err >&2"),
      raw('exit 3'),
      raw("printf '\\n@@LVS-FACT-0000 0 0\\n'"),
      raw('cat; echo "stdin closed"'),
      raw("printf 'é ✓\\n'; printf 'partial' >&2; false"),
    ];
    const out = await readFacts(counted, facts);
    expect(runs).toBe(1);
    const v = out.map((o) => (o.ok ? o.value : o.error)) as RunResult[];
    expect(v[0]).toEqual({ code: 0, stdout: 'no newline', stderr: '' });
    expect(v[1]).toEqual({ code: 0, stdout: 'two\n\n', stderr: 'err\n' });
    expect(v[2]).toMatchObject({ code: 3, stdout: '' });
    expect(v[3]).toMatchObject({ code: 0, stdout: '\n@@LVS-FACT-0000 0 0\n' });
    expect(v[4]).toMatchObject({ code: 0, stdout: 'stdin closed\n' });
    expect(v[5]).toEqual({ code: 1, stdout: 'é ✓\n', stderr: 'partial' });
  });
});

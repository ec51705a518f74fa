/** Shared by the Windows unit tests: real pwsh, run once with a script file. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pwshCandidates } from '../../../src/transport/pwsh-find.js';
import { existsSync } from 'node:fs';

export const pwshPath: string | undefined = pwshCandidates().find((p) => existsSync(p));

/** Runs `script` (a .ps1 body) in a fresh pwsh with `input` as JSON in $InputJson; returns stdout parsed as JSON. */
export function runPwshJson<T>(script: string, input: unknown): T {
  if (!pwshPath) throw new Error('pwsh missing');
  const dir = mkdtempSync(join(tmpdir(), 'lvs-pwsh-test-'));
  try {
    writeFileSync(join(dir, 'input.json'), JSON.stringify(input));
    writeFileSync(join(dir, 'run.ps1'), `$InputJson = Get-Content -Raw -LiteralPath '${join(dir, 'input.json')}'\n${script}`);
    const r = spawnSync(pwshPath, ['-NoProfile', '-NonInteractive', '-File', join(dir, 'run.ps1')], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`pwsh failed (${r.status}): ${r.stderr}\n${r.stdout}`);
    return JSON.parse(r.stdout) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

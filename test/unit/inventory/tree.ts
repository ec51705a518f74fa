/** Test helpers for inventories on disk: a temporary tree of files, and the one error a load fails with. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { LvsError, ValidationErrors } from '../../../src/errors.js';

/** A temporary directory holding `files` (relative path → text). */
export function tree(files: Record<string, string>, prefix = 'lvs-inv-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** The (first) LvsError `p` rejects with; fails the test when it resolves. */
export async function loadFailure(p: Promise<unknown>): Promise<LvsError> {
  const e = await p.then(() => new Error('expected a failure'), (x: unknown) => x);
  const one = e instanceof ValidationErrors ? e.errors[0] : e;
  expect(one).toBeInstanceOf(LvsError);
  return one as LvsError;
}

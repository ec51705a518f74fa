/**
 * Output files a run writes at its end (--json, --plan-out, --junit): checked writable when the
 * run starts, before anything is loaded or any host contacted — a report that cannot be written
 * is a bad command line (exit 5), not a surprise after the whole run.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LvsError } from '../errors.js';

export function checkWritable(path: string, flag: string): void {
  const abs = resolve(path);
  const bad = (why: string): never => {
    throw new LvsError('E_USAGE', `${flag} ${path}: ${why}`, { file: 'command line', fix: `give ${flag} a file in an existing, writable directory` });
  };
  let st;
  try {
    st = statSync(abs);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory()) bad('is a directory');
  try {
    accessSync(st ? abs : dirname(abs), constants.W_OK);
  } catch (e) {
    bad(st ? `not writable (${(e as NodeJS.ErrnoException).code})` : `its directory ${dirname(abs)} does not exist or is not writable`);
  }
}

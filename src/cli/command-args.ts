/** A subcommand's options (node:util parseArgs), a bad one as a usage error (exit 5) naming the usage line. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LvsError } from '../errors.js';

export function parseCommandArgs<const C extends ParseArgsConfig>(config: C, usage: string): ReturnType<typeof parseArgs<C>> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new LvsError('E_USAGE', e instanceof Error ? e.message : String(e), { file: 'command line', fix: usage });
  }
}

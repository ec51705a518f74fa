/** `lvs-play undrain HOST -i INVENTORY [--check] [--diff]`: see src/cli/drain.ts. */
import { drainCommand } from './drain.js';

export function undrainCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  return drainCommand('undrain', argv, out);
}

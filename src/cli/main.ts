#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { LvsError } from '../errors.js';
import { parseCli, USAGE } from './args.js';
import { EXIT, runPlaybook } from './run.js';

function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      dir = dirname(dir);
    }
  }
  return 'unknown';
}

async function main(argv: string[]): Promise<number> {
  let cmd;
  try {
    cmd = parseCli(argv);
  } catch (e) {
    process.stderr.write(`lvs-play: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (cmd.kind === 'help') return process.stdout.write(`${USAGE}\n`), EXIT.ok;
  if (cmd.kind === 'version') return process.stdout.write(`${version()}\n`), EXIT.ok;
  try {
    if (cmd.kind === 'lab') {
      const { labCommand } = await import('../lab/index.js');
      return await labCommand(cmd.argv);
    }
    return await runPlaybook(cmd.options);
  } catch (e) {
    if (e instanceof LvsError) {
      process.stderr.write(`lvs-play: error [${e.code}]: ${e.message}\n`);
      return e.code === 'E_USAGE' ? EXIT.usage : EXIT.invalid;
    }
    process.stderr.write(`lvs-play: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.internal;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`lvs-play: ${String(e)}\n`);
    process.exit(EXIT.internal);
  },
);

#!/usr/bin/env node
import { LvsError } from '../errors.js';
import { parseCli, USAGE } from './args.js';
import { EXIT, runPlaybook } from './run.js';
import { lvsPlayVersion as version } from './version.js';

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
    if (cmd.kind === 'report') return await (await import('./report-merge.js')).reportCommand(cmd.argv);
    if (cmd.kind === 'apply') return await (await import('./apply.js')).applyCommand(cmd.argv);
    if (cmd.kind === 'render') return await (await import('./render.js')).renderCommand(cmd.argv);
    if (cmd.kind === 'vault') return await (await import('./vault.js')).vaultCommand(cmd.argv);
    if (cmd.kind === 'init') return await (await import('./init.js')).initCommand(cmd.argv);
    if (cmd.kind === 'show') return await (await import('./show.js')).showCommand(cmd.argv);
    if (cmd.kind === 'status') return await (await import('./status.js')).statusCommand(cmd.argv);
    if (cmd.kind === 'drain') return await (await import('./drain.js')).drainCommand('drain', cmd.argv);
    if (cmd.kind === 'undrain') return await (await import('./undrain.js')).undrainCommand(cmd.argv);
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

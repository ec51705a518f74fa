#!/usr/bin/env node
// The lvs-play command. Built: the bundle, its large files compiled once per machine and Node
// (src/launch.ts); from the sources (jiti runs src/cli/main.ts, as test/e2e does): src/cli/cli.ts.
import { loadCli, type CacheAs } from '../launch.js';

const argv = process.argv.slice(2);

/** Which code cache this command uses (src/launch.ts): a listing's, a playbook run's (`lvs-play site.ts …`) or a subcommand's. */
function cacheAs(): CacheAs {
  if (argv.includes('--list-hosts') || argv.includes('--list-tasks')) return 'listing';
  return /\.[cm]?[jt]s$/.test(argv.find((a) => !a.startsWith('-')) ?? '') ? 'full' : 'command';
}

if (import.meta.url.endsWith('.ts')) (await import('./cli.js')).runCli(argv);
else loadCli(cacheAs()).runCli(argv);

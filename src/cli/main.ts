#!/usr/bin/env node
// The lvs-play command. Built: the one bundle, compiled once per machine and Node (src/launch.ts);
// from the sources (jiti runs src/cli/main.ts, as test/e2e does): src/cli/cli.ts itself.
import { loadBundle } from '../launch.js';

const argv = process.argv.slice(2);
/** --version, --help or nothing: only the command line front runs (its own, smaller code cache). */
const front = argv.length === 0 || argv.some((a) => a === '--version' || a === '--help' || a === '-h');
if (import.meta.url.endsWith('.ts')) (await import('./cli.js')).runCli(argv);
else loadBundle(front ? 'front' : 'engine').runCli(argv);

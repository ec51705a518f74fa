#!/usr/bin/env node
// The lvs-play command. Built: the bundle, its large files compiled once per machine and Node
// (src/launch.ts); from the sources (jiti runs src/cli/main.ts, as test/e2e does): src/cli/cli.ts.
import { loadCli } from '../launch.js';

const argv = process.argv.slice(2);
if (import.meta.url.endsWith('.ts')) (await import('./cli.js')).runCli(argv);
else loadCli(argv.includes('--list-hosts') || argv.includes('--list-tasks') ? 'listing' : 'full').runCli(argv);

#!/usr/bin/env node
// The API report of each package entry (api/*.api.md), made by API Extractor from the BUILT .d.ts:
//   npm run api                       build, then rewrite the reports (commit the diff: it IS the API change)
//   node scripts/api-report.mjs --check   fail when a report differs from the built package (the unit suite runs this)
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRIES = ['lvs-play', 'lvs-play.kit', 'lvs-play.roles', 'lvs-play.lab'];
const check = process.argv.includes('--check');

const configs = ENTRIES.map((n) => ExtractorConfig.loadFileAndPrepare(join(root, 'api', `${n}.extractor.json`)));
for (const c of configs) {
  if (!existsSync(c.mainEntryPointFilePath)) {
    console.error(`api: ${relative(root, c.mainEntryPointFilePath)} is missing: npm run build first`);
    process.exit(2);
  }
}
// one TypeScript program for all four entries
const compilerState = CompilerState.create(configs[0], { additionalEntryPoints: configs.map((c) => c.mainEntryPointFilePath) });

const problems = [];
const drifted = [];
for (const config of configs) {
  const result = Extractor.invoke(config, {
    localBuild: !check,
    compilerState,
    messageCallback: (m) => {
      m.handled = true;
      if (m.logLevel === ExtractorLogLevel.Error || (m.category === 'Compiler' && m.logLevel === ExtractorLogLevel.Warning)) problems.push(m.formatMessageWithLocation(root));
    },
  });
  const report = relative(root, config.reportFilePath);
  if (result.apiReportChanged) drifted.push(check ? `${report} differs from the built package (new text: ${relative(root, config.reportTempFilePath)})` : `${report} updated`);
  if (result.errorCount > 0 && !result.apiReportChanged) problems.push(`${report}: ${result.errorCount} error(s)`);
}
for (const p of problems) console.error(`api: ${p}`);
for (const d of drifted) console.log(`api: ${d}`);
if (check && drifted.length > 0) console.log('api: the public surface changed; if that is meant, run `npm run api` and commit the reports');
console.log(`api: ${ENTRIES.length} entries, ${drifted.length} ${check ? 'drifted' : 'changed'}`);
process.exit(problems.length > 0 || (check && drifted.length > 0) ? 1 : 0);

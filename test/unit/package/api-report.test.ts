// The public surface is a visible diff: api/*.api.md (API Extractor's report of each built entry:
// lvs-play, lvs-play/kit, lvs-play/roles, lvs-play/lab) must match the package as built.
// A change that is meant: `npm run api`, then commit the reports with it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;

it('api/*.api.md match the built entries (npm run api regenerates them)', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts/api-report.mjs'), '--check'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain('api: 4 entries, 0 drifted');
  expect(r.status).toBe(0);
}, 120_000);

it('a type a public signature names but the entry does not export fails the report (ae-forgotten-export is an error)', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { Extractor, ExtractorConfig, ExtractorLogLevel } = await import('@microsoft/api-extractor');
  const dir = mkdtempSync(join(tmpdir(), 'lvs-api-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{ "name": "forgotten", "version": "1.0.0", "types": "index.d.ts" }');
    writeFileSync(join(dir, 'tsconfig.json'), '{ "compilerOptions": { "strict": true, "module": "NodeNext", "moduleResolution": "NodeNext" }, "files": ["index.d.ts"] }');
    writeFileSync(join(dir, 'hidden.d.ts'), 'export interface Hidden { x: number }\n');
    writeFileSync(join(dir, 'index.d.ts'), "import type { Hidden } from './hidden.js';\nexport declare function f(h: Hidden): void;\n");
    writeFileSync(join(dir, 'api-extractor.json'), JSON.stringify({
      extends: join(root, 'api/extractor.base.json'),
      projectFolder: dir,
      mainEntryPointFilePath: '<projectFolder>/index.d.ts',
      compiler: { tsconfigFilePath: '<projectFolder>/tsconfig.json' },
      apiReport: { enabled: false },
    }));
    const errors: string[] = [];
    Extractor.invoke(ExtractorConfig.loadFileAndPrepare(join(dir, 'api-extractor.json')), {
      localBuild: true,
      messageCallback: (m) => {
        m.handled = true;
        if (m.logLevel === ExtractorLogLevel.Error) errors.push(`${m.messageId}: ${m.text}`);
      },
    });
    expect(errors).toEqual([expect.stringMatching(/^ae-forgotten-export: The symbol "Hidden" needs to be exported/)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

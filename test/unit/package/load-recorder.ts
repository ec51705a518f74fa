// A child node that records every file: URL Node's loader loads (a module.register() hook preloaded
// with --import, and Module.prototype._compile for CommonJS files), for the tests of what an entry or
// a CLI command loads. Files jiti reads never pass Node's loader, so they are not in the record.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOOKS = `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) { appendFileSync(log, url + '\\n'); return next(url, context); }`;

// CommonJS files Node compiles (a require(), or a package imported from ESM, on a Node whose
// require() passes no ESM hook): recorded from Module.prototype._compile in the main thread
const CJS = `import { appendFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';
const M = nodeModule.default ?? nodeModule.Module;
const compile = M.prototype._compile;
M.prototype._compile = function (content, filename) { appendFileSync(LOG, pathToFileURL(filename).href + '\\n'); return compile.call(this, content, filename); };`;

export interface Recorded { urls: string[]; status: number | null; stdout: string; stderr: string }

/** Runs `node --import <recorder> ...args` in `cwd`; the file: URLs it loaded, in order. */
export function nodeLoads(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Recorded {
  const dir = mkdtempSync(join(tmpdir(), 'lvs-loads-'));
  try {
    const log = join(dir, 'loads.log');
    const preload = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}), import.meta.url, { data: { log: ${JSON.stringify(log)} } });
${CJS.replace('LOG', JSON.stringify(log))}`)}`;
    const r = spawnSync(process.execPath, ['--import', preload, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env });
    let text = '';
    try {
      text = readFileSync(log, 'utf8');
    } catch {
      text = '';
    }
    return { urls: text.split('\n').filter((u) => u.startsWith('file:')), status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

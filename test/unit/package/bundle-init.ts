// Which parts of the built bundle (dist/bundle/*.cjs) a fresh node INITIALISES: every module of it
// is a lazy init (rolldown: `var init_x = __esmMin(…)`, a CommonJS dependency `var require_x =
// __commonJSMin(…)`) that runs on its first use. A child node runs with V8's precise coverage
// (NODE_V8_COVERAGE); a part ran when the innermost coverage range holding its body counted a call.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Range { startOffset: number; endOffset: number; count: number }
interface Coverage { result: { url: string; functions: { ranges: Range[] }[] }[] }

export interface Initialised { ran(part: string): boolean; status: number | null; stdout: string; stderr: string }

/** Runs `node ...args` in `root` and tells which of the bundle's parts (`init_x`, `require_x`) ran. */
export function bundleInits(root: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Initialised {
  const bundle = join(root, 'dist/bundle');
  const texts = new Map(readdirSync(bundle).filter((f) => f.endsWith('.cjs')).map((f) => [f, readFileSync(join(bundle, f), 'latin1')]));
  const dir = mkdtempSync(join(tmpdir(), 'lvs-cov-'));
  try {
    // without the code cache: Node's own loader compiles the bundle, so offsets are the file's
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env, NODE_V8_COVERAGE: dir, NODE_DISABLE_COMPILE_CACHE: '1' } });
    const scripts = readdirSync(dir).flatMap((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as Coverage).result);
    const ran = (part: string): boolean => {
      const marker = new RegExp(`\\b${part.replace(/\$/g, '\\$')} = (?:/\\* @__PURE__ \\*/ )?(?:require_rolldown_runtime\\.)?__(?:esm|commonJS)Min\\(\\(`);
      const found = [...texts].map(([f, text]) => ({ f, m: marker.exec(text) })).find((x) => x.m);
      if (!found?.m) throw new Error(`${part}: no such part in dist/bundle/`);
      const ranges = scripts.filter((s) => s.url.endsWith(`/dist/bundle/${found.f}`)).flatMap((s) => s.functions.flatMap((fn) => fn.ranges));
      const at = found.m.index + found.m[0].length + 1; // inside the part's function
      const inner = ranges.filter((x) => x.startOffset <= at && at < x.endOffset).sort((a, b) => a.endOffset - a.startOffset - (b.endOffset - b.startOffset))[0];
      return (inner?.count ?? 0) > 0;
    };
    return { ran, status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

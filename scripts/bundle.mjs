// The build's second step (package.json "build", after tsc): tsc's JavaScript becomes a bundle in
// dist/bundle/ (rolldown, CommonJS) that src/launch.ts loads and compiles once per machine:
//   main.cjs   the command (src/cli/cli.ts: runCli)        lib.cjs   every package entry (scripts/bundle-entry.cjs)
//   front.cjs  the command line front: what --version, --help and a usage error run (src/cli/cli.ts's static imports)
//   engine.cjs everything else, each module started on its first use (rolldown's strictExecutionOrder)
// What stays of tsc's output: the declarations (.d.ts), the command (dist/src/cli/main.js) and the
// loader (dist/src/launch.js); each package entry's module becomes a few lines that hand out its part
// of lib.cjs, so `import 'lvs-play'` and the CLI share one instance. Dependencies are bundled but those
// loaded on demand (jiti, node-powershell) and native add-ons (found at run time by their package path).
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'rolldown';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const OUT = join(DIST, 'bundle');
/** tsc's output that stays JavaScript (besides the entries' modules, written below). */
const KEEP = new Set(['src/cli/main.js', 'src/launch.js']);
/** The package entries (package.json "exports"): their module, and the part of lib.cjs they hand out. */
const ENTRIES = [
  ['src/index.js', 'lib', "'lvs-play'"],
  ['src/kit/index.js', 'kit', "'lvs-play/kit'"],
  ['roles/index.js', 'roles', "'lvs-play/roles'"],
  ['src/lab/index.js', 'lab', "'lvs-play/lab'"],
];

/** A native add-on a dependency requires by a relative path: required by its package path at run time. */
const nativeAddons = {
  name: 'native-addons',
  resolveId(id, importer) {
    if (!id.endsWith('.node') || !importer) return null;
    const path = resolve(dirname(importer), id);
    const i = path.lastIndexOf('/node_modules/');
    return i < 0 ? null : { id: path.slice(i + '/node_modules/'.length), external: true };
  },
};

/** The files a module of tsc's output imports statically (a relative `import … from`/`export … from`), and theirs. */
function staticClosure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gm)) staticClosure(resolve(dirname(file), m[1]), seen);
  return seen;
}
const CLI = join(DIST, 'src/cli/cli.js');
const FRONT = staticClosure(CLI);

await build({
  input: { main: CLI, lib: join(ROOT, 'scripts/bundle-entry.cjs') },
  platform: 'node',
  external: [/^node:/, 'jiti', 'node-powershell', 'cpu-features'],
  plugins: [nativeAddons],
  logLevel: 'warn',
  checks: { ineffectiveDynamicImport: false },
  output: {
    dir: OUT,
    format: 'cjs',
    entryFileNames: '[name].cjs',
    chunkFileNames: '[name].cjs',
    charset: 'ascii', // and no JSDoc: a file of ASCII alone takes Node's quick UTF-8 path (engine.cjs read in 3 ms, not 8, on Node 20)
    comments: { legal: true, annotation: true, jsdoc: false },
    strictExecutionOrder: true,
    codeSplitting: {
      groups: [
        { name: 'front', test: (id) => FRONT.has(id), priority: 2 },
        { name: 'engine', test: (id) => !FRONT.has(id), priority: 1 },
      ],
    },
  },
});

// a function Node 20 brings back from a code cache cannot import() (src/launch.ts): engine.cjs may hold
// only the loader's import() of a playbook, which runs where Node strips types (Node ≥ 22.18: no code cache of ours)
const imports = [...readFileSync(join(OUT, 'engine.cjs'), 'latin1').matchAll(/(?<![\w.$])import\(/g)].length;
if (imports > 1) throw new Error(`dist/bundle/engine.cjs holds ${imports} import() calls; only the loader's may be there (load a dependency with createRequire)`);

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}
for (const file of [...files(DIST)]) {
  const rel = relative(DIST, file);
  if (/\.js(\.map)?$/.test(rel) && !KEEP.has(rel.replace(/\.map$/, ''))) rmSync(file);
}

const lib = createRequire(import.meta.url)(join(OUT, 'lib.cjs'));
for (const [rel, part, name] of ENTRIES) {
  const names = Object.keys(lib[part]()).filter((n) => n !== 'default' && n !== '__esModule').sort();
  const launch = relative(dirname(join(DIST, rel)), join(DIST, 'src/launch.js')).replace(/^(?!\.)/, './');
  writeFileSync(join(DIST, rel), [
    `// Written by scripts/bundle.mjs: the package entry ${name}, a part of the bundle (src/launch.ts).`,
    `import { loadLibrary } from '${launch}';`,
    '',
    `export const { ${names.join(', ')} } = loadLibrary().${part}();`,
    '',
  ].join('\n'));
}
chmodSync(join(DIST, 'src/cli/main.js'), 0o755);

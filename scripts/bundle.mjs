// The build's second step (package.json "build", after tsc): tsc's JavaScript becomes one bundle,
// dist/lvs-play.cjs (scripts/bundle-entry.cjs: the command and every package entry, each part
// initialised on first use), which src/launch.ts loads and compiles once per machine. What stays of
// tsc's output: the declarations (.d.ts), the command (dist/src/cli/main.js) and the loader
// (dist/src/launch.js); each package entry's module becomes a few lines that hand out the bundle's
// part, so `import 'lvs-play'` and the CLI share one instance. Dependencies are bundled but for those
// loaded on demand (jiti, node-powershell) and native add-ons (found at run time by their package path).
import { chmodSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'rolldown';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const BUNDLE = join(DIST, 'lvs-play.cjs');
/** tsc's output that stays JavaScript (besides the entries' modules, written below). */
const KEEP = new Set(['src/cli/main.js', 'src/launch.js']);
/** The package entries (package.json "exports"): their module, and the bundle part they hand out. */
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

await build({
  input: join(ROOT, 'scripts/bundle-entry.cjs'),
  platform: 'node',
  external: [/^node:/, 'jiti', 'node-powershell', 'cpu-features'],
  plugins: [nativeAddons],
  logLevel: 'warn',
  output: { file: BUNDLE, format: 'cjs', codeSplitting: false, charset: 'ascii', comments: { legal: true, annotation: true, jsdoc: false } },
});

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

const bundle = createRequire(import.meta.url)(BUNDLE);
for (const [rel, part, name] of ENTRIES) {
  const names = Object.keys(bundle[part]()).filter((n) => n !== 'default' && n !== '__esModule').sort();
  const launch = relative(dirname(join(DIST, rel)), join(DIST, 'src/launch.js')).replace(/^(?!\.)/, './');
  writeFileSync(join(DIST, rel), [
    `// Written by scripts/bundle.mjs: the package entry ${name}, a part of the one bundle (src/launch.ts).`,
    `import { loadBundle } from '${launch}';`,
    '',
    `export const { ${names.join(', ')} } = loadBundle().${part}();`,
    '',
  ].join('\n'));
}
chmodSync(join(DIST, 'src/cli/main.js'), 0o755);

// The public surface says what it means (issue 25 point 6): every name an entry exports carries a
// one-line comment (API Extractor marks the others "(undocumented)" in api/*.api.md, which
// api-report.test.ts holds equal to the build), and the entries list what they export by name.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);
const REPORTS = ['lvs-play', 'lvs-play.kit', 'lvs-play.roles', 'lvs-play.lab'];
const ENTRIES = ['src/index.ts', 'src/kit/index.ts', 'roles/index.ts', 'src/lab/index.ts'];

describe('the public entries', () => {
  it.each(REPORTS)('%s: every exported name has a doc comment', (name) => {
    const lines = readFileSync(new URL(`api/${name}.api.md`, root), 'utf8').split('\n');
    const bare = lines.flatMap((l, i) => (l.startsWith('// @public (undocumented)') && lines[i + 1]?.startsWith('export') ? [lines[i + 1]!.slice(0, 80)] : []));
    expect(bare).toEqual([]);
  });

  it.each(ENTRIES)('%s exports by name (no export * / export type *)', (file) => {
    expect(readFileSync(new URL(file, root), 'utf8')).not.toMatch(/^export (?:type )?\*/m);
  });
});

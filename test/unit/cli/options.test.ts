// One table of command-line options (src/cli/options.ts) that every subcommand draws from.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LvsError } from '../../../src/errors.js';
import { forksOf, OPTIONS, optionsOf, SHOW_OPTIONS } from '../../../src/cli/options.js';

const cli = new URL('../../../src/cli/', import.meta.url);
const TABLES = ['options.ts', 'ssh-options.ts', 'vault-options.ts'];

describe('the CLI option table', () => {
  it('is the only place an option is defined: no other file of src/cli writes { type: … } for parseArgs', () => {
    const defining = readdirSync(cli).filter((f) => f.endsWith('.ts') && !TABLES.includes(f) && /\{\s*type:\s*'(?:string|boolean)'/.test(readFileSync(new URL(f, cli), 'utf8')));
    expect(defining).toEqual([]);
  });

  it('gives each short letter to one option: -i is --inventory, -e --extra-vars everywhere', () => {
    const shorts = Object.entries(OPTIONS).flatMap(([name, o]) => ('short' in o ? [[o.short, name] as const] : []));
    expect(new Set(shorts.map(([s]) => s)).size).toBe(shorts.length);
    expect(optionsOf('inventory', 'extra-vars')).toEqual({ inventory: { type: 'string', short: 'i' }, 'extra-vars': { type: 'string', short: 'e', multiple: true } });
  });

  it('says its one exception: show --json is a flag; everywhere else --json takes a FILE', () => {
    expect(OPTIONS.json.type).toBe('string');
    expect(SHOW_OPTIONS.json.type).toBe('boolean');
  });

  it('checks --forks one way (a run and apply): 1..1000, default 10, else E_USAGE with the fix', () => {
    expect(forksOf(undefined, 'x')).toBe(10);
    expect(forksOf('20', 'x')).toBe(20);
    for (const bad of ['0', '1001', '2.5', 'many']) {
      expect(() => forksOf(bad, 'e.g. --forks 20')).toThrow(expect.objectContaining({ code: 'E_USAGE', detail: expect.objectContaining({ fix: 'e.g. --forks 20' }) }) as LvsError);
    }
  });
});

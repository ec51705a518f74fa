import { describe, expect, it } from 'vitest';
import { parseCli } from '../../../src/cli/args.js';

describe('command line', () => {
  it('parses the full option set', () => {
    const cmd = parseCli(['site.ts', '-i', 'prod', '--check', '--diff', '-l', 'web*', '-t', 'a,b', '--skip-tags', 'c', '-e', 'x=1', '-e', '@v.json', '-f', '3', '--json', 'r.json', '-vv', '--max-fail-percentage', '25']);
    expect(cmd).toEqual({
      kind: 'run',
      options: {
        playbook: 'site.ts', inventory: 'prod', check: true, diff: true, limit: 'web*', tags: ['a', 'b'], skipTags: ['c'],
        extraVars: ['x=1', '@v.json'], forks: 3, listHosts: false, listTasks: false, json: 'r.json', verbose: 2,
        maxFailPercentage: 25, acceptNewHostKeys: false,
      },
    });
  });

  it('routes lab subcommands, help and version', () => {
    expect(parseCli(['lab', 'up', '--fresh'])).toEqual({ kind: 'lab', argv: ['up', '--fresh'] });
    expect(parseCli(['--help'])).toEqual({ kind: 'help' });
    expect(parseCli(['--version'])).toEqual({ kind: 'version' });
  });

  it.each([
    [['-i', 'prod'], /no playbook given/],
    [['site.ts'], /no inventory given.*\n.*fix: add -i INVENTORY/],
    [['site.ts', '-i', 'prod', '--forks', '0'], /--forks must be an integer 1..1000 \(got 0\)/],
    [['site.ts', '-i', 'prod', '--max-fail-percentage', '120'], /--max-fail-percentage must be 0..100/],
    [['a.ts', 'b.ts', '-i', 'prod'], /unexpected arguments: b.ts/],
  ])('rejects %j', (argv, msg) => {
    expect(() => parseCli(argv)).toThrow(msg);
  });

  it('rejects unknown options', () => {
    expect(() => parseCli(['site.ts', '-i', 'prod', '--chekc'])).toThrow(/Unknown option '--chekc'/);
  });
});

describe('drift alarm options', () => {
  it('--check --detailed-exitcode --junit FILE; --detailed-exitcode alone is refused', () => {
    expect(parseCli(['site.ts', '-i', 'lab', '--check', '--detailed-exitcode', '--junit', 'j.xml'])).toMatchObject({ kind: 'run', options: { check: true, detailedExitcode: true, junit: 'j.xml' } });
    expect(() => parseCli(['site.ts', '-i', 'lab', '--detailed-exitcode'])).toThrow(/needs --check/);
  });
});

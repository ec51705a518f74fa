import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineResource } from '../../../src/dsl/resource.js';
import { defineRole } from '../../../src/dsl/role.js';
import { play, playbook } from '../../../src/dsl/play.js';
import { sh } from '../../../src/shell/quote.js';
import type { Playbook, RoleInstance, ShellCommand } from '../../../src/types.js';

describe('DSL types', () => {
  it('defineResource infers Current and Change from read into plan/apply', () => {
    const r = defineResource({
      id: 'x',
      kind: 'x',
      shell: 'posix',
      read: { command: sh`true`, parse: (res) => res.stdout.length },
      plan: (cur) => (cur > 0 ? null : { grow: cur + 1 }),
      apply: async (_t, change) => {
        expectTypeOf(change).toEqualTypeOf<{ grow: number }>();
      },
    });
    expectTypeOf(r.plan).parameter(0).toEqualTypeOf<number>();
  });

  it('sh returns a branded ShellCommand; plain strings are not commands', () => {
    expectTypeOf(sh`ls ${'/tmp'}`).toEqualTypeOf<ShellCommand>();
    // @ts-expect-error a raw string is not a ShellCommand
    const bad: ShellCommand = 'rm -rf /';
    void bad;
  });

  it('defineRole takes the schema input type (defaults optional) and returns a RoleInstance', () => {
    const r = defineRole({
      name: 'demo',
      options: z.object({ port: z.number().int().default(80), vip: z.string() }).strict(),
      build: (o) => {
        expectTypeOf(o).toEqualTypeOf<{ port: number; vip: string }>();
        return { resources: [] };
      },
    });
    expectTypeOf(r).parameter(0).toEqualTypeOf<{ port?: number | undefined; vip: string }>();
    expectTypeOf(r({ vip: '10.77.0.10' })).toEqualTypeOf<RoleInstance>();
    // @ts-expect-error vip is required
    r({ port: 80 });
    // @ts-expect-error port must be a number
    r({ vip: '10.77.0.10', port: '80' });
  });

  it('a role whose options all have defaults can be called without options', () => {
    const r = defineRole({ name: 'd', options: z.object({ port: z.number().default(80) }).strict(), build: () => ({ resources: [] }) });
    expectTypeOf(r()).toEqualTypeOf<RoleInstance>();
    expectTypeOf(r({ port: 8080 })).toEqualTypeOf<RoleInstance>();
  });

  it('play options are typed', () => {
    const pb = playbook('p', [play('x', { hosts: 'all', serial: '50%' }, () => [])]);
    expectTypeOf(pb).toEqualTypeOf<Playbook>();
    // @ts-expect-error serial must be a number or "N%"
    play('y', { hosts: 'all', serial: 'half' }, () => []);
  });
});

import type { ZodType, ZodTypeDef } from 'zod';
import type { AnyResource, RoleInstance } from '../types.js';
import { fromZod } from './zod-errors.js';
import { PlainCache, plainKey } from './plain-key.js';

/** What a role's use may carry beside its options: tags and `when`. */
export interface RoleMeta {
  tags?: readonly string[];
  when?: boolean;
}

/** What `defineRole` takes: the role's name, its options schema (defaults included) and `build`. */
export interface RoleDefinition<Input, Options> {
  name: string;
  /** Options schema: defaults live here (zod `.default()`), so types and defaults cannot drift. */
  options: ZodType<Options, ZodTypeDef, Input>;
  build(options: Options): { resources: readonly AnyResource[]; handlers?: Readonly<Record<string, AnyResource>> };
}

/**
 * A role's factory: validates options (throws before any host is touched), then builds resources.
 * When every option has a default, the options object may be left out: `directorBase()`.
 */
export type RoleFactory<Input> = {} extends Input
  ? (options?: Input, meta?: RoleMeta) => RoleInstance
  : (options: Input, meta?: RoleMeta) => RoleInstance;

/** Defines a role; exists for type inference of its options. */
export function defineRole<Input, Options>(def: RoleDefinition<Input, Options>): RoleFactory<Input> {
  // a role is a function of its options: hosts giving equal plain options (every real server of a
  // site) share one validation and one build, and so one set of resources (values, never mutated)
  const builds = new PlainCache<ReturnType<typeof def.build>>(64);
  const factory = (input: Input | undefined, meta: RoleMeta = {}): RoleInstance => {
    const key = plainKey(input ?? {});
    let built = builds.get(key);
    if (!built) {
      const parsed = def.options.safeParse(input ?? {});
      if (!parsed.success) throw fromZod(parsed.error, input, { field: `${def.name}(options)` });
      built = def.build(parsed.data);
      builds.set(key, built);
    }
    return {
      type: 'role',
      name: def.name,
      resources: built.resources,
      ...(built.handlers ? { handlers: built.handlers } : {}),
      ...(meta.tags ? { tags: meta.tags } : {}),
      ...(meta.when !== undefined ? { when: meta.when } : {}),
    };
  };
  return factory as RoleFactory<Input>;
}

/** Groups resources as a named role without an options schema (for playbook-local roles). */
export function role(name: string, resources: readonly AnyResource[], extra: RoleMeta & { handlers?: Readonly<Record<string, AnyResource>> } = {}): RoleInstance {
  return { type: 'role', name, resources, ...extra };
}

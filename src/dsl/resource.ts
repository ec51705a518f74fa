import type { Resource, ShellKind } from '../types.js';

/**
 * Identity helper that exists for type inference: `Current` and `Change` flow from `read` into
 * `plan`, `diff` and `apply`.
 */
export function defineResource<Current, Change, S extends ShellKind = 'posix'>(
  r: Resource<Current, Change, S>,
): Resource<Current, Change, S> {
  return r;
}

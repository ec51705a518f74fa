import type { InventorySpec } from '../types.js';

/**
 * Declares an inventory. Identity at run time: it exists so editors type-check the literal
 * (unknown keys, wrong connection types and plain-string passwords fail to compile).
 * The loader still validates the value, since user files are untrusted input.
 */
export function inventory(spec: InventorySpec): InventorySpec {
  return spec;
}

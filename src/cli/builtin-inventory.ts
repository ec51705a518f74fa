/**
 * The CLI's fallback for `-i REF` naming no inventory file: `-i lab` with no inventory/lab.* in the
 * working directory is the built-in lab (`lvs-play lab up`). The lab's code loads only here, on
 * that path, so no other run loads it (test/unit/package/entries-load.test.ts).
 */
import type { InventorySpec } from '../types.js';

export async function builtinInventory(ref: string): Promise<InventorySpec | undefined> {
  if (ref !== 'lab') return undefined;
  const { labInventory } = await import('../lab/inventory.js');
  return labInventory();
}

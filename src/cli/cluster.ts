/**
 * The cluster the read-only commands watch (status, status --serve, exporter): which hosts are
 * directors and real servers, and the VIPs — the site model (src/site), as status reads it.
 */
import { requireDirectors, type Site } from '../site/index.js';
import { targetsOf } from '../status/collect.js';
import type { Inventory } from '../types.js';

export function clusterTargets(inv: Inventory): Site {
  const site = targetsOf(inv);
  requireDirectors(site);
  return site;
}

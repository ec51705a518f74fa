/**
 * `lvs-play init`: the lvs-play a new site repository depends on — one that installs on the machine
 * init ran on. The registry's (`^VERSION`) when this version is published there (asked with the
 * ordinary npm client, `npm view lvs-play@VERSION version`, bounded in time); else the package init
 * runs from, as a `file:` path (an unpublished checkout or a package installed from a tarball).
 */
import { execFile } from 'node:child_process';

const REGISTRY_TIMEOUT_MS = 15_000;

export interface LvsPlayDependency {
  /** The package.json spec: `^0.1.0` or `file:/path/to/lvs-play`. */
  spec: string;
  /** Where it comes from, for the message init prints. */
  from: 'registry' | 'local';
}

/** Whether `npm view NAME@VERSION version` names that version (false: not published, no npm, offline, slow). */
export function publishedOnRegistry(name: string, version: string, timeoutMs = REGISTRY_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('npm', ['view', `${name}@${version}`, 'version', '--json'], { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout) => {
      if (err) return resolve(false);
      try {
        const v: unknown = JSON.parse(stdout.trim() || 'null');
        resolve(v === version || (Array.isArray(v) && v.includes(version)));
      } catch {
        resolve(false);
      }
    });
  });
}

/** The dependency spec for `lvs-play` of version `version` running from `packageRoot`. */
export async function lvsPlayDependency(packageRoot: string, version: string, published = publishedOnRegistry): Promise<LvsPlayDependency> {
  if (await published('lvs-play', version)) return { spec: `^${version}`, from: 'registry' };
  return { spec: `file:${packageRoot}`, from: 'local' };
}

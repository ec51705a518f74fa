/** Shared by the keepalived lab tests: the directors' plays on the lab, and who holds the VIP. */
import { execFile } from 'node:child_process';
import { playbook } from '../../src/dsl/play.js';
import { KEEPALIVED_SHA256 } from '../../src/lab/sources.js';
import { directorsPlays } from '../../roles/keepalived/plays.js';
import type { DirectorSite } from '../../roles/keepalived/site.js';
import type { Playbook } from '../../src/types.js';

export const VIP = '10.77.0.10';

/** Build from the cached tarball, then the BACKUP-first rollout; VRRP only (the lab has no IPVS). */
export function labPlaybook(name: string, tarball: string, site: DirectorSite): Playbook {
  return playbook(name, directorsPlays({
    site,
    build: { version: '2.2.7', tarball, sha256: KEEPALIVED_SHA256 },
    service: { args: ['-D', '--vrrp'] },
  }));
}

/** Which directors hold the VIP on eth0 (read from the host side, no ssh). */
export function holders(): Promise<string[]> {
  const one = (h: string) =>
    new Promise<string | null>((res) => {
      execFile('ip', ['netns', 'exec', `lvs-${h}`, 'ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'], (err, out) => res(!err && out.includes(` ${VIP}/`) ? h : null));
    });
  return Promise.all(['lvs1', 'lvs2'].map(one)).then((l) => l.filter((x): x is string => x !== null));
}

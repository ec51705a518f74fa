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

/**
 * What the lab's directors run now (keepalived.conf and whether keepalived runs), and a function
 * that puts that back: the file restored, keepalived restarted on it (or left stopped), a VIP a
 * SIGKILLed keepalived left behind removed first. For tests that roll out configs of their own.
 */
export async function snapshotDirectors(onHost: (h: string, s: string) => Promise<string>): Promise<() => Promise<void>> {
  const CONF = '/etc/keepalived/keepalived.conf';
  const saved: Record<string, { conf: string | null; running: boolean }> = {};
  for (const h of ['lvs1', 'lvs2']) {
    const conf = await onHost(h, `[ -r ${CONF} ] && base64 -w0 ${CONF}; :`);
    const running = (await onHost(h, 'p=$(cat /run/keepalived.pid 2>/dev/null); [ -n "$p" ] && [ -d "/proc/$p" ] && echo yes; :')).trim() === 'yes';
    saved[h] = { conf: conf.trim() || null, running };
  }
  return async () => {
    for (const h of ['lvs2', 'lvs1']) {
      const s = saved[h]!;
      await onHost(h, `/etc/init.d/keepalived stop >/dev/null 2>&1; rm -f /run/keepalived.pid; ip addr del ${VIP}/32 dev eth0 2>/dev/null; :`);
      await onHost(h, s.conf ? `echo ${s.conf} | base64 -d > ${CONF}` : `rm -f ${CONF}`);
    }
    for (const h of ['lvs1', 'lvs2']) if (saved[h]!.running) await onHost(h, '/etc/init.d/keepalived start >/dev/null');
  };
}

/** Polls the VIP holders every `everyMs` until `ok`; returns the ms since `t0` (throws after `ms`). */
export async function untilHolders(what: string, ok: (l: string[]) => boolean, ms: number, t0: number, everyMs = 20): Promise<number> {
  for (;;) {
    const l = await holders();
    const elapsed = performance.now() - t0;
    if (ok(l)) return elapsed;
    if (elapsed > ms) throw new Error(`${what}: not within ${ms} ms (holders now: ${l.join(', ') || 'none'})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

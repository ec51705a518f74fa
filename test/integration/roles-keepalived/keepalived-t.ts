/** This machine's keepalived (Debian's package) for `keepalived -t` on rendered configs, and a real interface for VRRP. */
import { execFile, execFileSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';

/** /usr/sbin/keepalived when it runs here, else null (the tests that need it are skipped). */
export const KEEPALIVED_BIN: string | null = (() => {
  try {
    execFileSync('/usr/sbin/keepalived', ['--version'], { stdio: 'ignore' });
    return '/usr/sbin/keepalived';
  } catch {
    return null;
  }
})();

/** keepalived refuses VRRP on a missing or loopback interface: the first real one of this machine. */
export const REAL_IFACE = Object.entries(networkInterfaces()).filter(([, a]) => (a ?? []).some((x) => !x.internal)).map(([n]) => n).sort()[0] ?? 'eth0';

/** `keepalived -t -l -f FILE`: its exit code (0 = accepted) and output. */
export function keepalivedTest(file: string): Promise<{ code: number; out: string }> {
  return new Promise((res) =>
    execFile(KEEPALIVED_BIN ?? 'keepalived', ['-t', '-l', '-f', file], { timeout: 30_000 }, (e, so, se) => res({ code: e ? (typeof e.code === 'number' ? e.code : -1) : 0, out: `${so}${se}` })),
  );
}

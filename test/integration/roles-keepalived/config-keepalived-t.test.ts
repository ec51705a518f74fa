/**
 * keepalived.config's validate hook is `keepalived -t`, run for real with the control node's
 * keepalived (Debian's package): a rejected config leaves the live file untouched.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keepalived } from '../../../roles/keepalived/index.js';
import { directorConfig, type DirectorSite } from '../../../roles/keepalived/site.js';
import { converge } from '../../../src/run/converge.js';
import { LocalTransport } from '../../../src/transport/local.js';

const PASS = 'S3cr-t!x'.replace('!', '9');

const site: DirectorSite = {
  vips: ['10.77.0.10'],
  interface: 'eth0',
  virtualRouterId: 51,
  authPass: PASS,
  services: [{ port: 80, lbAlgo: 'wrr', persistenceTimeout: 300, delayLoop: 6, realServers: [{ address: '10.77.0.16', weight: 3 }, { address: '10.77.0.17' }] }],
};
const pair = { lvs1: { state: 'MASTER' as const, priority: 150 }, lvs2: { state: 'BACKUP' as const, priority: 100 } };

// ───────────────────── keepalived -t as the validate hook, for real ─────────────────────

function keepalivedBin(): string | null {
  try {
    execFileSync('/usr/sbin/keepalived', ['--version'], { stdio: 'ignore' });
    return '/usr/sbin/keepalived';
  } catch {
    return null;
  }
}
const iface = Object.entries(networkInterfaces()).filter(([, a]) => (a ?? []).some((x) => !x.internal)).map(([n]) => n).sort()[0];
const bin = keepalivedBin();

describe.skipIf(!bin || !iface)('validate hook with the real keepalived -t (control node)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvs-ka-conf-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const t = new LocalTransport();
  const good = directorConfig({ ...site, interface: iface ?? 'eth0' }, 'lvs1', pair.lvs1);

  it('writes a config keepalived accepts; refuses one it rejects and leaves the live file alone', async () => {
    const path = join(dir, 'keepalived.conf');
    const ok = keepalived.config({ config: good, path, binary: bin ?? '' }).resources[0]!;
    expect((await converge(ok, t, { check: false })).status).toBe('changed');
    expect((await converge(ok, t, { check: false })).status).toBe('ok');
    const live = readFileSync(path, 'utf8');

    const broken = keepalived.config({ config: { ...good, raw: 'bogus_keyword_x 1' }, path, binary: bin ?? '' }).resources[0]!;
    const out = await converge(broken, t, { check: false });
    expect(out.status).toBe('failed');
    expect(out.error).toContain("Unknown keyword 'bogus_keyword_x'");
    expect(out.error).toContain('left unchanged');
    expect(readFileSync(path, 'utf8')).toBe(live);
    writeFileSync(join(dir, 'marker'), '');
    expect(execFileSync('ls', ['-a', dir]).toString()).not.toContain('.lvs-');
  });
});

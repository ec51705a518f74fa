/**
 * Rendered configs must pass keepalived's own checker (`keepalived -t`, 2.0.4+, exits non-zero on
 * config errors). Needs the keepalived binary (Debian: `apt-get install keepalived`); skipped
 * with the reason when it is missing. `-t` parses and exits: nothing is left running.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmod, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderKeepalivedConf } from '../../../roles/keepalived/render.js';
import { validateDirectorPair, validateKeepalived } from '../../../roles/keepalived/validate.js';
import type { KeepalivedConfig } from '../../../roles/keepalived/model.js';
import { directorConfigs, type DirectorSite } from '../../../roles/keepalived/site.js';
import { fullConfig, siteConfig } from '../../unit/keepalived/fixtures.js';

function findKeepalived(): string | null {
  for (const p of ['/usr/sbin/keepalived', '/usr/local/sbin/keepalived', '/usr/local/keepalived/sbin/keepalived']) {
    try {
      execFileSync(p, ['--version'], { stdio: 'ignore' });
      return p;
    } catch {
      // not there
    }
  }
  return null;
}

/** keepalived refuses VRRP on a missing or loopback interface: use a real one of this machine. */
function realInterface(): string | null {
  const names = Object.entries(networkInterfaces())
    .filter(([, addrs]) => (addrs ?? []).some((a) => !a.internal))
    .map(([name]) => name)
    .sort();
  return names[0] ?? null;
}

const bin = findKeepalived();
const iface = realInterface();
const skip = !bin ? 'keepalived binary not installed (apt-get install keepalived)' : !iface ? 'no non-loopback interface for VRRP' : null;

function check(file: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(bin ?? 'keepalived', ['-t', '-l', '-f', file], { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

describe.skipIf(skip !== null)(`keepalived -t on rendered configs${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dir = '';
  const write = async (name: string, cfg: KeepalivedConfig | string): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, typeof cfg === 'string' ? cfg : renderKeepalivedConf(cfg));
    return file;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lvs-play-ka-'));
    // The scripts fullConfig names must exist (keepalived checks them), in a folder with a space.
    const scripts = join(dir, 'lvs play');
    await mkdir(scripts);
    for (const f of ['check web.sh', 'notify.sh', 'dns check']) {
      await writeFile(join(scripts, f), '#!/bin/sh\nexit 0\n');
      await chmod(join(scripts, f), 0o755);
    }
    await chmod(dir, 0o755);
    await chmod(scripts, 0o755);
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('accepts the reference MASTER and BACKUP', async () => {
    const pair = validateDirectorPair({ lvs1: siteConfig('lvs1', iface ?? ''), lvs2: siteConfig('lvs2', iface ?? '') }, { field: 'hosts' });
    for (const [host, cfg] of Object.entries(pair)) {
      const r = await check(await write(`${host}.conf`, cfg));
      expect(r, r.output).toMatchObject({ code: 0 });
    }
  });

  it('accepts the config with every optional part (scripts with spaces, checks, fwmark, raw)', async () => {
    const cfg = validateKeepalived(fullConfig(iface ?? '', join(dir, 'lvs play')), { field: 'keepalived' });
    const r = await check(await write('full.conf', cfg));
    expect(r, r.output).toMatchObject({ code: 0 });
  });

  it('accepts VRRPv3 with advert_int 0.2, connection sync and tracked interface/script, without a warning that it ignores or rounds something', async () => {
    const site: DirectorSite = {
      vips: ['10.77.0.10'],
      interface: iface ?? '',
      virtualRouterId: 51,
      advertInt: 0.2,
      vrrpVersion: 3,
      trackInterfaces: [{ name: 'lo', weight: -60 }],
      trackScripts: [{ name: 'chk_self', script: { path: '/bin/bash', args: ['-c', '</dev/tcp/127.0.0.1/80'] }, interval: 1, weight: -60 }],
      lvsSync: { syncId: 51, maxlen: 1400 },
      services: [{ port: 80, realServers: [{ address: '10.77.0.16' }] }],
    };
    const variants: Record<string, DirectorSite> = { v3: site, v2: { ...site, vrrpVersion: 2, advertInt: 1, authPass: 'pw' }, 'v3-unicast': { ...site, unicast: true } };
    for (const [name, s] of Object.entries(variants)) {
      const configs = directorConfigs(s, { lvs1: { state: 'MASTER', priority: 150, address: '10.77.0.14' }, lvs2: { state: 'BACKUP', priority: 100, address: '10.77.0.15' } });
      for (const [host, cfg] of Object.entries(configs)) {
        const r = await check(await write(`${name}-${host}.conf`, cfg));
        expect(r, r.output).toMatchObject({ code: 0 });
        expect(r.output, `${name} ${host}`).not.toMatch(/ignor|round|unknown keyword/i);
      }
    }
  });

  it('rejects broken configs (exit code non-zero)', async () => {
    const badVrid = siteConfig('lvs1', iface ?? '');
    badVrid.vrrpInstances[0]!.virtualRouterId = 300; // what validateKeepalived refuses
    for (const [name, text] of [
      ['vrid.conf', renderKeepalivedConf(badVrid)],
      ['missing-script.conf', renderKeepalivedConf(fullConfig(iface ?? '', join(dir, 'no such folder')))],
      ['syntax.conf', `${renderKeepalivedConf(siteConfig('lvs1', iface ?? ''))}virtual_server 10.77.0.10 {\n`],
    ] as const) {
      const r = await check(await write(name, text));
      expect(r.code, `${name}: ${r.output}`).not.toBe(0);
    }
  });

  it('leaves no keepalived of its own running', () => {
    let running = '';
    try {
      running = execFileSync('pgrep', ['-a', 'keepalived'], { encoding: 'utf8' });
    } catch {
      running = ''; // pgrep exits 1 when nothing matches
    }
    // only this test's keepalived (its configs are in its temp dir): lab hosts may run their own
    expect(running.split('\n').filter((l) => l.includes('lvs-play-ka-'))).toEqual([]);
  });
});

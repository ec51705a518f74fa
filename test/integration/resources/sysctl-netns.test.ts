// sysctl for real, in a throwaway network namespace (net.* sysctls are per namespace): root, ip netns.
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converge } from '../../../src/run/converge.js';
import { sysctl } from '../../../src/resources/sysctl.js';
import { sh } from '../../../src/shell/quote.js';
import { NetnsTransport } from './netns.js';
import { tempDir, treeHash } from '../../unit/resources/helpers.js';

const ns = `lvs-res-test-${process.pid}`;
let haveNetns = false;
beforeAll(() => {
  try {
    execFileSync('ip', ['netns', 'add', ns], { stdio: 'ignore' });
    haveNetns = true;
  } catch {
    haveNetns = false;
  }
});
afterAll(() => {
  if (haveNetns) execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
});

describe('sysctl: real run in a throwaway network namespace', () => {
  it('sets net.ipv4.ip_forward live and persisted; check changes nothing; second run ok', async (ctx) => {
    if (!haveNetns) ctx.skip();
    const hostValue = await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8');
    const d = await tempDir();
    const file = join(d, 'sysctl.d/99-test.conf');
    const t = new NetnsTransport(ns);
    const res = sysctl({ name: 'net.ipv4.ip_forward', value: hostValue.trim() === '1' ? 0 : 1, file });
    const want = hostValue.trim() === '1' ? '0' : '1';
    const before = await treeHash(d);
    const check = await converge(res, t, { check: true });
    expect(check.status).toBe('changed');
    expect(check.diff?.after).toContain(`net.ipv4.ip_forward = ${want}`);
    expect(await treeHash(d)).toBe(before);
    const first = await converge(res, t, { check: false });
    expect(first.error).toBeUndefined();
    expect(first.status).toBe('changed');
    expect((await t.run(sh`cat /proc/sys/net/ipv4/ip_forward`)).stdout.trim()).toBe(want);
    expect(await readFile(file, 'utf8')).toBe(`net.ipv4.ip_forward = ${want}\n`);
    expect((await converge(res, t, { check: false })).status).toBe('ok');
    // the machine's own value is untouched
    expect(await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8')).toBe(hostValue);
  });

  it('keeps other lines of an existing persisted file', async (ctx) => {
    if (!haveNetns) ctx.skip();
    const d = await tempDir();
    const file = join(d, 'x.conf');
    await writeFile(file, '# managed\nnet.ipv4.conf.all.arp_ignore=0\nvm.swappiness = 10\n');
    const t = new NetnsTransport(ns);
    const res = sysctl({ name: 'net.ipv4.conf.all.arp_ignore', value: 1, file });
    expect((await converge(res, t, { check: false })).status).toBe('changed');
    expect(await readFile(file, 'utf8')).toBe('# managed\nnet.ipv4.conf.all.arp_ignore = 1\nvm.swappiness = 10\n');
    expect((await converge(res, t, { check: false })).status).toBe('ok');
  });
});

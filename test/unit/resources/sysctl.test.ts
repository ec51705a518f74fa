import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converge } from '../../../src/plan/converge.js';
import { normaliseValue, planSysctl, procPath, sysctl } from '../../../src/resources/sysctl.js';
import { sh } from '../../../src/shell/quote.js';
import { LocalTransport } from '../../../src/transport/local.js';
import type { PosixTransport, RunOptions, RunResult, ShellCommand } from '../../../src/types.js';
import { tempDir, treeHash } from './helpers.js';

const fileState = (text: string | null) =>
  text === null ? { type: 'absent' as const } : { type: 'file' as const, content: Buffer.from(text), sha256: 'x'.repeat(64), size: text.length };

describe('sysctl: parser and plan (pure fixtures)', () => {
  const r = sysctl({ name: 'net.ipv4.ip_forward', value: 1 });
  const fact = r.read as { command: ShellCommand; parse(x: RunResult): unknown };
  const o = { name: 'net.ipv4.ip_forward', value: '1', persist: true, file: '/etc/sysctl.d/99-lvs-play.conf', live: true };

  it('parses the fact output', () => {
    const stdout = `live=${Buffer.from('0\n').toString('base64')}\nf.type=file\nf.stat=644 0 0 root root 3\nf.sha256=${'a'.repeat(64)}\nf.content=${Buffer.from('# x\n').toString('base64')}\n`;
    expect(fact.parse({ code: 0, stdout, stderr: '' })).toMatchObject({ live: '0', file: { type: 'file', mode: 0o644, content: Buffer.from('# x\n') } });
    expect(fact.parse({ code: 0, stdout: 'live-missing=1\nf.type=absent\n', stderr: '' })).toMatchObject({ live: null, file: { type: 'absent' } });
  });

  it('plans live and persisted changes; nothing when both match', () => {
    expect(planSysctl(o, { live: '0', file: fileState(null) })).toEqual({
      live: '1',
      fileContent: Buffer.from('net.ipv4.ip_forward = 1\n'),
      createFile: true,
    });
    expect(planSysctl(o, { live: '1', file: fileState('# keep\nnet.ipv4.ip_forward=0\n') })).toEqual({
      fileContent: Buffer.from('# keep\nnet.ipv4.ip_forward = 1\n'),
      createFile: false,
    });
    expect(planSysctl(o, { live: '1', file: fileState('net.ipv4.ip_forward = 1\n') })).toBeNull();
    expect(planSysctl({ ...o, persist: false }, { live: '1', file: fileState(null) })).toBeNull();
    expect(() => planSysctl(o, { live: null, file: fileState(null) })).toThrow(/no such kernel parameter/);
  });

  it('diff shows the short state', () => {
    const cur = { live: '0', file: fileState(null) };
    const c = planSysctl(o, cur)!;
    expect(r.diff!(cur, c)).toEqual({
      before: 'net.ipv4.ip_forward = 0\n/etc/sysctl.d/99-lvs-play.conf: (not set)\n',
      after: 'net.ipv4.ip_forward = 1\n/etc/sysctl.d/99-lvs-play.conf: net.ipv4.ip_forward = 1\n',
      label: 'sysctl net.ipv4.ip_forward',
    });
  });

  it('normalises values and names', () => {
    expect(normaliseValue(' 32768\t60999 \n')).toBe('32768 60999');
    expect(planSysctl({ ...o, name: 'net.ipv4.ip_local_port_range', value: '32768 60999', persist: false }, { live: '32768 60999', file: fileState(null) })).toBeNull();
    expect(procPath('net.ipv4.conf.eth0/100.rp_filter')).toBe('/proc/sys/net/ipv4/conf/eth0.100/rp_filter');
    // the slash spelling of an existing line is recognised and replaced
    const c = planSysctl({ ...o, live: false }, { live: null, file: fileState('net/ipv4/ip_forward = 0\n') });
    expect(c?.fileContent?.toString()).toBe('net.ipv4.ip_forward = 1\n');
  });

  it('validates at construction', () => {
    expect(() => sysctl({ name: 'net.ipv4.ip_forward; reboot', value: 1 })).toThrow(/sysctl\.name/);
    expect(() => sysctl({ name: '../../etc/passwd', value: 1 })).toThrow(/sysctl\.name/);
    expect(() => sysctl({ name: 'net.ipv4.ip_forward', value: '  ' })).toThrow(/sysctl\.value/);
    expect(() => sysctl({ name: 'a.b', value: 1, file: 'rel' })).toThrow(/sysctl\.file/);
  });
});

/** Runs every command inside a network namespace (net.* sysctls are per namespace). */
class NetnsTransport implements PosixTransport {
  readonly shell = 'posix' as const;
  readonly host = 'netns';
  private local = new LocalTransport('netns');
  constructor(private ns: string) {}
  run(cmd: ShellCommand, opts?: RunOptions): Promise<RunResult> {
    return this.local.run(sh`ip netns exec ${this.ns} sh -c ${cmd}`, opts);
  }
  put(path: string, content: string | Buffer): Promise<void> {
    return this.local.put(path, content);
  }
  get(path: string): Promise<Buffer> {
    return this.local.get(path);
  }
  async close(): Promise<void> {}
}

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

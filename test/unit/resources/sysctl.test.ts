// sysctl: the fact's parser and the plan, on fixtures. For real (a network namespace): test/integration/resources/sysctl-netns.test.ts.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { normaliseValue, planSysctl, procPath, sysctl, sysctlFact } from '../../../src/resources/sysctl.js';
import { LocalTransport } from '../../../src/transport/local.js';
import type { RunResult, ShellCommand } from '../../../src/types.js';

const fileState = (text: string | null) =>
  text === null ? { type: 'absent' as const } : { type: 'file' as const, content: Buffer.from(text), sha256: 'x'.repeat(64), size: text.length };

describe('sysctl: parser and plan (pure fixtures)', () => {
  const r = sysctl({ name: 'net.ipv4.ip_forward', value: 1 });
  const fact = r.read as { command: ShellCommand; parse(x: RunResult): unknown };
  const o = { name: 'net.ipv4.ip_forward', value: '1', persist: true, file: '/etc/sysctl.d/99-lvs-play.conf', live: true };

  it('parses the fact output', () => {
    // content without a host-side checksum: computed here
    const stdout = `live=${Buffer.from('0\n').toString('base64')}\nf.type=file\nf.stat=644 0 0 root root 4\nf.content=${Buffer.from('# x\n').toString('base64')}\n`;
    expect(fact.parse({ code: 0, stdout, stderr: '' })).toMatchObject({
      live: '0',
      file: { type: 'file', mode: 0o644, content: Buffer.from('# x\n'), sha256: createHash('sha256').update('# x\n').digest('hex') },
    });
    const liveOnly = sysctl({ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456', persist: false }).read as typeof fact;
    expect(liveOnly.parse({ code: 0, stdout: `live=${Buffer.from('4096\t87380\t6291456\n').toString('base64')}\n`, stderr: '' })).toMatchObject({ live: '4096 87380 6291456' });
    expect(fact.parse({ code: 0, stdout: 'live-missing=1\nf.type=absent\n', stderr: '' })).toMatchObject({ live: null, file: { type: 'absent' } });
  });

  it('reads a multi-digit running value whole, through the host shell (dash reads byte by byte; /proc/sys ends a read past offset 0)', async () => {
    const f = sysctlFact('kernel.pid_max', null);
    const got = f.parse(await new LocalTransport('here').run(f.command));
    expect(got.live).toBe(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim());
    expect(got.live!.length).toBeGreaterThan(1);
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

/**
 * Rollout health: the data-dump parser, the health rule, the waiting script run for real against
 * a fake keepalived (answers --signum=DATA, dumps its state on that signal), and `backupFirst`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backupFirst, healthProblem, keepalivedHealth, parseDataDump, type HealthState } from '../../../roles/keepalived/health.js';
import { converge } from '../../../src/run/converge.js';
import { LocalTransport } from '../../../src/transport/local.js';
import type { HostView } from '../../../src/types.js';
import { makeHostView } from '../../../src/inventory/host-view.js';

const DUMP = `------< VRRP Topology >------
 VRRP Instance = VI_1
   VRRP Version = 2
   State = MASTER
   Flags: none
   Wantstate = MASTER
 VRRP Instance = VI_2
   VRRP Version = 2
   State = BACKUP
   Master router = 10.77.0.14
------< VRRP Scripts >------
 VRRP Script = chk
   State = idle
`;

const st = (p: Partial<HealthState>): HealthState => ({ installed: true, running: true, pid: 42, states: {}, addresses: [], waitedMs: 0, ...p });

describe('health rule', () => {
  it('parses instance states from keepalived.data (not script states)', () => {
    expect(parseDataDump(DUMP)).toEqual({ VI_1: 'MASTER', VI_2: 'BACKUP' });
  });

  it('healthy only when running with every instance MASTER or BACKUP', () => {
    expect(healthProblem({}, st({ states: { VI_1: 'MASTER' } }))).toBeNull();
    expect(healthProblem({}, st({ installed: false }))).toMatch(/not installed/);
    expect(healthProblem({}, st({ running: false }))).toMatch(/not running/);
    expect(healthProblem({}, st({}))).toMatch(/no VRRP instance/);
    expect(healthProblem({}, st({ states: { VI_1: 'FAULT' } }))).toMatch(/VI_1 is in state FAULT/);
    expect(healthProblem({ instances: ['VI_2'] }, st({ states: { VI_1: 'MASTER' } }))).toMatch(/VI_2 is not reported/);
    expect(healthProblem({ expect: { VI_1: 'MASTER' } }, st({ states: { VI_1: 'BACKUP' } }))).toMatch(/expected MASTER/);
  });
});

describe('health resource against a fake keepalived', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvs-health-'));
  const pidFile = join(dir, 'ka.pid');
  const data = join(dir, 'ka.data');
  const bin = join(dir, 'keepalived');
  let daemon: ChildProcess | undefined;
  afterAll(() => {
    daemon?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(bin, '#!/bin/sh\n[ "$1" = --signum=DATA ] && { printf 10; exit 0; }\necho "Keepalived v2.2.7 (fake)" >&2\n', { mode: 0o755 });
  const t = new LocalTransport();
  const res = (timeoutSeconds = 3) => keepalivedHealth({ binary: bin, pidFile, dataFile: data, timeoutSeconds, instances: ['VI_1'] });

  it('fails (bounded) when keepalived does not run', async () => {
    const t0 = Date.now();
    const out = await converge(res(), t, { check: false });
    expect(out.status).toBe('failed');
    expect(out.error).toMatch(/keepalived is not running after/);
    expect(Date.now() - t0).toBeLessThan(8000);
    // a probe: unhealthy now is a failure in check mode too; after a pending change it is skipped
    expect((await converge(res(1), t, { check: true })).status).toBe('failed');
    expect((await converge(res(1), t, { check: true, pendingChanges: true })).status).toBe('skipped');
  }, 20_000);

  it('waits for a known state: ok once the dump says MASTER', async () => {
    // answers SIGUSR1 (signum 10) with a dump; INIT for its first second (ms clock: a whole-second clock made this flaky)
    writeFileSync(join(dir, 'd.sh'), `start=$(date +%s%N)
trap 'if [ $(( ($(date +%s%N) - start) / 1000000 )) -ge 1000 ]; then s=MASTER; else s=INIT; fi; printf " VRRP Instance = VI_1\\n   State = %s\\n" "$s" > ${data}' USR1
while :; do sleep 0.05; done`);
    daemon = spawn('sh', [join(dir, 'd.sh')], { stdio: 'ignore' });
    writeFileSync(pidFile, `${daemon.pid}\n`);
    const t0 = Date.now();
    const out = await converge(res(10), t, { check: false });
    expect(out.error).toBeUndefined();
    expect(out.status).toBe('ok');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
  }, 20_000);

  it('with expect, waits until the instance is in the expected state (BACKUP first, then MASTER)', async () => {
    daemon?.kill('SIGKILL');
    writeFileSync(join(dir, 'e.sh'), `start=$(date +%s%N)
trap 'if [ $(( ($(date +%s%N) - start) / 1000000 )) -ge 1000 ]; then s=MASTER; else s=BACKUP; fi; printf " VRRP Instance = VI_1\n   State = %s\n" "$s" > ${data}' USR1
while :; do sleep 0.05; done`);
    daemon = spawn('sh', [join(dir, 'e.sh')], { stdio: 'ignore' });
    writeFileSync(pidFile, `${daemon.pid}\n`);
    const t0 = Date.now();
    const out = await converge(keepalivedHealth({ binary: bin, pidFile, dataFile: data, timeoutSeconds: 10, expect: { VI_1: 'MASTER' } }), t, { check: false });
    expect(out.error).toBeUndefined();
    expect(out.status).toBe('ok');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
  }, 20_000);
});

describe('backupFirst', () => {
  const host = (name: string, vrrp?: unknown): HostView => makeHostView({ name, address: '', vars: vrrp === undefined ? {} : { vrrp }, groups: [], connection: { type: 'local' } }, { source: 'inventory/test.ts', group: () => [] });
  it('puts BACKUPs (lower priority) first and the MASTER last', () => {
    const hosts = [host('lvs1', { state: 'MASTER', priority: 150 }), host('other'), host('lvs2', { state: 'BACKUP', priority: 100 }), host('lvs3', { state: 'BACKUP', priority: 120 })];
    expect([...hosts].sort(backupFirst).map((h) => h.name)).toEqual(['lvs2', 'lvs3', 'lvs1', 'other']);
    const byState = [host('a', { state: 'MASTER' }), host('b', { state: 'BACKUP' })];
    expect([...byState].sort(backupFirst).map((h) => h.name)).toEqual(['b', 'a']);
  });
});

describe('keepalivedHealth options', () => {
  it('validated by its zod schema (as the role): every bad field at once, named', () => {
    expect(() => keepalivedHealth({ binary: '/usr/sbin/keepalived', timeoutSeconds: 0, instances: ['bad name'] })).toThrow(
      /keepalivedHealth\(options\)\.timeoutSeconds: invalid value \(got 0\)\n {2}fix: seconds above 0[\s\S]*keepalivedHealth\(options\)\.instances\[0\]: invalid value \(got "bad name"\)\n {2}fix: a vrrp_instance name/,
    );
  });
});

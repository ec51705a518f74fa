/**
 * Runs that must not happen together, and a host that is not who it was:
 * - two runs at once against the same hosts: the second is refused on every host by the host's
 *   lock (/run/lvs-play.lock, held by the first run's connection, as apt's lock), clearly (the
 *   host, the holder), and never writes; the first completes; the lock goes with the first run;
 * - a host's key regenerated: refused with a message naming the host, nothing changed there,
 *   the others complete; accepted only explicitly (the old key removed from known_hosts, then
 *   --accept-new-host-keys).
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labPaths, startSshd, stopSshd } from '../../src/lab/index.js';
import { recordFault } from './record.js';
import { badRow, local, MARK_HOSTS, MARK_PLAYBOOK, markOf, onHost, onHostRaw, procs, readReport, reportPath, runCli, setMarks, startCli, waitFor, withStandardLab } from './support.js';

describe('concurrent runs and host keys', () => {
  withStandardLab();

  it('two runs at once: the second is refused on every host by the host lock (never interleaves), the first completes', async () => {
    await setMarks('old');
    const jsonA = reportPath('lock-a');
    const a = startCli([MARK_PLAYBOOK, '-i', 'lab', '--json', jsonA, '-e', 'fault_mark=A', '-e', 'fault_apply_s=6'], 90_000);
    const busy = await waitFor(async () => (await Promise.all(MARK_HOSTS.map((h) => procs(h, 'sleep', '6')))).every((p) => p.length > 0), 30_000);
    const jsonB = reportPath('lock-b');
    const b = await runCli([MARK_PLAYBOOK, '-i', 'lab', '--json', jsonB, '-e', 'fault_mark=B'], 60_000);
    const aDoneWhenBEnded = (await Promise.race([a.result.then(() => true), new Promise((r) => setTimeout(() => r(false), 0))])) as boolean;
    const marksWhileA = await Promise.all(MARK_HOSTS.map(markOf));
    const resA = await a.result;
    const marks = await Promise.all(MARK_HOSTS.map(markOf));
    const rb = readReport(jsonB);
    const rows = MARK_HOSTS.map((h) => badRow(rb, h));
    const bChanged = rb.results.filter((x) => x.status === 'changed').length;
    // the lock went with run A's connection: a third run goes through
    const c = await runCli([MARK_PLAYBOOK, '-i', 'lab', '-e', 'fault_mark=C'], 60_000);
    const marksC = await Promise.all(MARK_HOSTS.map(markOf));
    const ok = busy && b.code === 2 && !aDoneWhenBEnded && rows.every((r) => r?.resource === 'host lock' && r.status === 'failed') && bChanged === 0 && marksWhileA.every((m) => m === 'old') && resA.code === 0 && marks.every((m) => m === 'A') && c.code === 0 && marksC.every((m) => m === 'C');
    recordFault('two runs at once (host lock)', `second run exit ${b.code} after ${b.ms} ms while the first ran: ${rows.map((r) => `${r?.host} ${r?.status} at ${r?.resource}`).join(', ')}, ${bChanged} changes; first run exit ${resA.code}, marks ${marks.join(',')}; a third run after it: exit ${c.code}`, ok);
    expect(busy).toBe(true);
    expect(b.code, b.stdout.slice(-2000)).toBe(2);
    expect(aDoneWhenBEnded).toBe(false);
    for (const r of rows) {
      expect(r).toMatchObject({ resource: 'host lock', status: 'failed' });
      expect(r?.error).toMatch(new RegExp(`^${r?.host} is locked by another lvs-play run \\(/run/lvs-play\\.lock: lvs-play pid ${a.pid} on `));
    }
    expect(bChanged).toBe(0);
    expect(marksWhileA).toEqual(['old', 'old', 'old', 'old']);
    expect(resA.code, resA.stdout.slice(-2000)).toBe(0);
    expect(marks).toEqual(['A', 'A', 'A', 'A']);
    expect(c.code).toBe(0);
    expect(marksC).toEqual(['C', 'C', 'C', 'C']);
  });

  it("a host's key regenerated: refused, naming the host, nothing changed there; accepted only explicitly", async () => {
    await setMarks('old');
    const knownHosts = join(mkdtempSync(join(tmpdir(), 'lvs-faults-')), 'known_hosts');
    copyFileSync(labPaths.knownHosts(), knownHosts);
    const env = { LVS_FAULT_KNOWN_HOSTS: knownHosts };
    try {
      await onHost('rs1', 'set -e; rm -rf /root/lvs-fault-keys; mkdir -p /root/lvs-fault-keys; cp -a /etc/ssh/ssh_host_* /root/lvs-fault-keys/; rm -f /etc/ssh/ssh_host_*; ssh-keygen -A >/dev/null');
      await stopSshd('rs1');
      await startSshd('rs1');
      const json = reportPath('hostkey');
      const res = await runCli([MARK_PLAYBOOK, '-i', 'test/faults/fixtures/lab-faults.ts', '--json', json, '-e', 'fault_mark=new'], 60_000, env);
      const row = badRow(readReport(json), 'rs1');
      const marks = await Promise.all(MARK_HOSTS.map(markOf));
      const before = readFileSync(knownHosts, 'utf8');
      // --accept-new-host-keys alone does not accept a CHANGED key
      const again = await runCli([MARK_PLAYBOOK, '-i', 'test/faults/fixtures/lab-faults.ts', '--accept-new-host-keys', '-e', 'fault_mark=new'], 60_000, env);
      const stillOld = await markOf('rs1');
      // explicit: remove the old key (the message's fix), then accept the new one
      const rm = await local(['ssh-keygen', '-R', '10.77.0.16', '-f', knownHosts]);
      const accepted = await runCli([MARK_PLAYBOOK, '-i', 'test/faults/fixtures/lab-faults.ts', '--accept-new-host-keys', '-e', 'fault_mark=new'], 60_000, env);
      const markAccepted = await markOf('rs1');
      const ok = res.code === 3 && row?.status === 'unreachable' && /HOST KEY CHANGED for rs1 \(10\.77\.0\.16:22\)/.test(row.error ?? '') && marks[2] === 'old' && marks.filter((m) => m === 'new').length === 3 && again.code === 3 && stillOld === 'old' && rm.code === 0 && accepted.code === 0 && markAccepted === 'new' && readFileSync(knownHosts, 'utf8') !== before;
      recordFault('host key changed', `exit ${res.code}: rs1 ${row?.status}: "${row?.error?.slice(0, 60)}…"; rs1 mark ${marks[2]}, others ${marks.filter((m) => m === 'new').length}/3 new; with --accept-new-host-keys alone: exit ${again.code}, rs1 ${stillOld}; after ssh-keygen -R + --accept-new-host-keys: exit ${accepted.code}, rs1 ${markAccepted}`, ok);
      expect(res.code, res.stdout.slice(-2000)).toBe(3);
      expect(row?.status).toBe('unreachable');
      expect(row?.error).toMatch(/HOST KEY CHANGED for rs1 \(10\.77\.0\.16:22\)/);
      expect(marks).toEqual(['new', 'new', 'old', 'new']);
      expect(again.code).toBe(3);
      expect(stillOld).toBe('old');
      expect(accepted.code, accepted.stdout.slice(-2000)).toBe(0);
      expect(markAccepted).toBe('new');
    } finally {
      await onHostRaw('rs1', 'if [ -d /root/lvs-fault-keys ]; then rm -f /etc/ssh/ssh_host_*; cp -a /root/lvs-fault-keys/. /etc/ssh/; rm -rf /root/lvs-fault-keys; fi');
      await stopSshd('rs1');
      await startSshd('rs1');
    }
  });
});

// The batch's one file read (src/run/file-batch.ts) gives every fact exactly what its own command
// gives, on real files (LocalTransport): each kind of path, each option, a path several facts read.
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFacts } from '../../../src/run/facts.js';
import { CONTENT_CAP, fileFact } from '../../../src/resources/filewrite.js';
import { sysctlFact } from '../../../src/resources/sysctl.js';
import type { Fact, ShellCommand } from '../../../src/types.js';
import { Counting, t, tempDir } from './helpers.js';


describe('the batch reads the paths of all facts together', () => {
  it('each fact gets what its own command gives: every kind of path, every option, content above the cap', async () => {
    const d = await tempDir();
    await writeFile(join(d, 'small'), 'a = 1\n');
    await writeFile(join(d, 'empty'), '');
    await writeFile(join(d, 'no newline'), 'x');
    await writeFile(join(d, "it's binary"), Buffer.from([0, 1, 2, 255, 10, 0]));
    await writeFile(join(d, 'big'), Buffer.alloc(CONTENT_CAP + 1, 0x61));
    await writeFile(join(d, 'line\nbreak'), 'n\n');
    await writeFile(join(d, 'g[1]*?'), 'glob characters\n');
    await writeFile(join(d, 'g1'), 'what the glob would match\n');
    await mkdir(join(d, 'dir'), { mode: 0o750 });
    await symlink('small', join(d, 'link'));
    execFileSync('mkfifo', [join(d, 'fifo')]);
    const names = ['small', 'empty', 'no newline', "it's binary", 'big', 'line\nbreak', 'g[1]*?', 'g1', 'dir', 'link', 'fifo', 'absent'];
    const facts: Fact<unknown>[] = [];
    for (const n of names) {
      for (const opts of [{ content: true }, {}, { sha256: false }]) facts.push(fileFact(join(d, n), opts) as Fact<unknown>);
    }
    facts.push(sysctlFact('kernel.ostype', join(d, 'small')) as Fact<unknown>, sysctlFact('kernel.hostname', join(d, 'absent')) as Fact<unknown>);
    facts.push({ command: sh('echo plain=1'), parse: (r) => r.stdout });
    const counting = new Counting();
    const batched = await readFacts(counting, facts);
    expect(counting.calls).toBe(1);
    const alone = await Promise.all(facts.map(async (f) => f.parse(await t.run(f.command))));
    const leftToOwn: string[] = [];
    batched.forEach((b, i) => {
      if (b.ok) expect(b.value, `fact ${i}`).toEqual(alone[i]);
      else leftToOwn.push(`${i}: ${b.error}`);
    });
    expect(leftToOwn).toEqual([]);
  });

  it('never reads a fifo (a checksum-only read of one gives type=other, no hang), nor content above the cap', async () => {
    const d = await tempDir();
    execFileSync('mkfifo', [join(d, 'fifo')]);
    await writeFile(join(d, 'f'), 'x\n');
    const facts = [fileFact(join(d, 'fifo')), fileFact(join(d, 'f'))] as Fact<unknown>[];
    const out = await readFacts(new Counting(), facts);
    expect(out).toEqual([{ ok: true, value: { type: 'other' } }, { ok: true, value: expect.objectContaining({ type: 'file', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }) }]);
  });

  it('the batch script lists every path once, whatever number of facts read it', async () => {
    const d = await tempDir();
    await writeFile(join(d, 'sysctl.conf'), 'net.ipv4.ip_forward = 1\n');
    const file = join(d, 'sysctl.conf');
    const facts = ['net.ipv4.ip_forward', 'net.ipv4.conf.all.send_redirects', 'net.ipv4.conf.default.send_redirects'].map((n) => sysctlFact(n, file) as Fact<unknown>);
    let script = '';
    const spy = new Counting();
    spy.run = (cmd, o) => ((script = cmd), t.run(cmd, o));
    const out = await readFacts(spy, facts);
    expect(out.every((o) => o.ok)).toBe(true);
    expect(script.split(file).length - 1).toBe(3); // find listing, the absent check, the content list: once each
  });
});

function sh(s: string): ShellCommand {
  return s as ShellCommand;
}

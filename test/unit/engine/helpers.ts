import { PassThrough } from 'node:stream';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineResource } from '../../../src/dsl/resource.js';
import { sh } from '../../../src/shell/quote.js';
import { makeHostView } from '../../../src/inventory/host-view.js';
import type { HostView, Vars } from '../../../src/types.js';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lvs-engine-'));
}

/** A host view on the control node (local transport) for engine tests. */
export function localHost(name: string, groups: string[] = ['all'], vars: Vars = {}): HostView {
  return makeHostView({ name, address: '127.0.0.1', vars, groups, connection: { type: 'local' } }, { source: 'test-inventory.ts', group: () => [] });
}

/** A real resource: a marker file with content, read through a batched fact. */
export function marker(path: string, content: string, extra: { notify?: string[]; tags?: string[]; when?: boolean } = {}) {
  return defineResource<string | null, string>({
    id: `marker ${path}`,
    kind: 'marker',
    shell: 'posix',
    ...extra,
    read: { command: sh`cat ${path} 2>/dev/null || printf '\\001'`, parse: (r) => (r.stdout === '\u0001' ? null : r.stdout) },
    plan: (cur) => (cur === content ? null : content),
    describe: (c) => `write ${c.length} bytes`,
    diff: (cur, c) => ({ before: cur ?? '', after: c, label: path }),
    apply: async (t, c) => {
      if (t.shell !== 'posix') throw new Error('posix only');
      await t.put(path, c);
    },
  });
}

/** A resource that always fails when applied (when its file is missing). */
export function failing(path: string) {
  return defineResource<boolean, true>({
    id: `failing ${path}`,
    kind: 'failing',
    shell: 'posix',
    read: { command: sh`test -e ${path} && echo yes || echo no`, parse: (r) => r.stdout.trim() === 'yes' },
    plan: (exists) => (exists ? null : true),
    apply: async () => {
      throw new Error('boom: deliberate failure');
    },
  });
}

/** A handler that appends a line to a log file each time it runs. */
export function appendLog(path: string, line: string) {
  return defineResource<null, true>({
    id: `log ${line}`,
    kind: 'handler',
    shell: 'posix',
    read: async () => null,
    plan: () => true,
    apply: async (t) => {
      if (t.shell !== 'posix') throw new Error('posix only');
      const r = await t.run(sh`printf '%s\n' ${line} >> ${path}`);
      if (r.code !== 0) throw new Error(r.stderr);
    },
    verify: false,
  });
}

export function read(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

export function write(path: string, s: string): void {
  writeFileSync(path, s);
}

/** A stream that keeps what is written to it (a CLI command's `out`). */
export function textSink(): PassThrough & { text(): string } {
  const s = new PassThrough() as PassThrough & { text(): string };
  const chunks: string[] = [];
  s.on('data', (c: Buffer) => chunks.push(c.toString()));
  s.text = () => chunks.join('');
  return s;
}

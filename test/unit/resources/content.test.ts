/**
 * The content a write sends: hashed once per content (a Buffer by identity, a file by path + inode +
 * size + mtime), streamed in chunks that are views of the Buffer or reads of the file.
 */
import { createHash } from 'node:crypto';
import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import * as crypto from 'node:crypto';
import { bufferStream, CHUNK_BYTES, fileKey, localFile, sha256 } from '../../../src/resources/content.js';
import { feedStdin, stdinSize } from '../../../src/transport/stdin.js';
import { tempDir } from './helpers.js';

const hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of it) out.push(c);
  return out;
}

vi.mock('node:crypto', async (orig) => {
  const real = await orig<typeof import('node:crypto')>();
  return { ...real, createHash: vi.fn(real.createHash) };
});

describe('content hashing: once per content', () => {
  it('a Buffer is hashed once, however often it is asked (plan, diff, apply, verify on N hosts)', () => {
    const b = Buffer.from('x'.repeat(100_000));
    const want = hex(b);
    const calls = vi.mocked(crypto.createHash).mock.calls.length;
    for (let i = 0; i < 50; i++) expect(sha256(b)).toBe(want);
    expect(vi.mocked(crypto.createHash).mock.calls.length - calls).toBe(1);
  });

  it('another Buffer with other bytes gets its own hash; text is hashed as UTF-8', () => {
    expect(sha256(Buffer.from('a'))).toBe(hex('a'));
    expect(sha256(Buffer.from('b'))).toBe(hex('b'));
    expect(sha256('é')).toBe(hex(Buffer.from('é', 'utf8')));
  });

  it('a file is hashed once while path, inode, size and mtime stay; a change is hashed again', async () => {
    const d = await tempDir();
    const p = join(d, 'f.bin');
    writeFileSync(p, 'one');
    const want = hex('one');
    const before = vi.mocked(crypto.createHash).mock.calls.length;
    const a = localFile(p);
    const b = localFile(p);
    expect(a.sha256).toBe(want);
    expect(b.sha256).toBe(a.sha256);
    expect(vi.mocked(crypto.createHash).mock.calls.length - before).toBe(1);
    writeFileSync(p, 'two!');
    expect(localFile(p).sha256).toBe(hex('two!'));
    // same size, new bytes, new mtime: a new key
    const t = statSync(p);
    writeFileSync(p, 'six!');
    utimesSync(p, t.atime, new Date(t.mtimeMs + 5000));
    expect(localFile(p).sha256).toBe(hex('six!'));
  });

  it('the key names path, device/inode, size, mtime and ctime', () => {
    expect(fileKey('/x', { dev: 1, ino: 2, size: 3, mtimeMs: 4, ctimeMs: 5 })).toBe('/x\u00001:2\u00003\u00004\u00005');
  });

  it('a missing file or a directory throws (the resource names its field)', async () => {
    const d = await tempDir();
    expect(() => localFile(join(d, 'none'))).toThrow(/ENOENT/);
    expect(() => localFile(d)).toThrow(/not a regular file/);
  });
});

describe('content streams: chunks, no copies', () => {
  it('a Buffer streams as views of itself, CHUNK_BYTES each, in order', async () => {
    const b = Buffer.alloc(CHUNK_BYTES * 2 + 10, 7);
    const s = bufferStream(b);
    const chunks = await collect(s.chunks());
    expect(s.size).toBe(b.length);
    expect(chunks.map((c) => c.length)).toEqual([CHUNK_BYTES, CHUNK_BYTES, 10]);
    expect(chunks.every((c) => c.buffer === b.buffer)).toBe(true); // same memory: slices, not copies
    expect(Buffer.concat(chunks).equals(b)).toBe(true);
    expect(await collect(bufferStream(Buffer.alloc(0)).chunks())).toEqual([]);
  });

  it('a file streams its bytes as of its stat (each pass starts again); an empty file yields nothing', async () => {
    const d = await tempDir();
    const p = join(d, 'f.bin');
    const bytes = crypto.randomBytes(CHUNK_BYTES + 123);
    writeFileSync(p, bytes);
    const f = localFile(p);
    expect(Buffer.concat(await collect(f.stream.chunks())).equals(bytes)).toBe(true);
    expect(Buffer.concat(await collect(f.stream.chunks())).equals(bytes)).toBe(true);
    writeFileSync(join(d, 'e'), '');
    expect(await collect(localFile(join(d, 'e')).stream.chunks())).toEqual([]);
  });
});

describe('stdin: parts written in order with backpressure', () => {
  it('writes text, a Buffer and a stream in order, then ends', async () => {
    const sink = new PassThrough();
    const got = collect(sink);
    const parts = ['pw\n', Buffer.from('head|'), bufferStream(Buffer.alloc(CHUNK_BYTES + 1, 1))];
    await feedStdin(sink, parts);
    const all = Buffer.concat(await got);
    expect(all.length).toBe(stdinSize(parts));
    expect(all.subarray(0, 8).toString()).toBe('pw\nhead|');
  });

  it('waits for the reader: at most a chunk or two beyond the sink buffer is ever pending', async () => {
    let pendingMax = 0;
    let release: (() => void) | undefined;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(_c, _e, cb) {
        pendingMax = Math.max(pendingMax, slow.writableLength);
        release = cb;
        setImmediate(() => release?.());
      },
    });
    await feedStdin(slow, [bufferStream(Buffer.alloc(CHUNK_BYTES * 8))]);
    expect(pendingMax).toBeLessThanOrEqual(CHUNK_BYTES * 2);
  });

  it('stops reading when the reader goes away (the command exited, the connection dropped)', async () => {
    let read = 0;
    const source = {
      size: CHUNK_BYTES * 100,
      async *chunks() {
        for (let i = 0; i < 100; i++) {
          read++;
          yield Buffer.alloc(CHUNK_BYTES);
        }
      },
    };
    // the reader takes two chunks, then goes away while the third is being written (no timer: the
    // loop must not depend on how fast this machine is)
    let written = 0;
    const sink: Writable = new Writable({ highWaterMark: 1, write: (_c, _e, cb) => (++written === 3 ? sink.destroy() : setImmediate(cb)) });
    await feedStdin(sink, [source]);
    expect(written).toBe(3);
    expect(read).toBeLessThanOrEqual(4);
  });
});

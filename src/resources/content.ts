/**
 * The content a file write sends, hashed once per run and streamed to every host from the one
 * source: a Buffer the playbook holds (sent as slices of it, never copied) or a file on the control
 * node (read in chunks while it is sent, never whole). The sha256 is cached by content identity —
 * the Buffer object itself, or the file's path + device/inode + size + mtime — so planning,
 * --diff, applying and verifying on N hosts hash the bytes once, not 4 × N times.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync, type Stats } from 'node:fs';
import type { ByteStream } from '../types.js';

/** Bytes per chunk sent (ssh2 splits them into its packets; a file is read this much at a time). */
export const CHUNK_BYTES = 256 * 1024;

const bufferSums = new WeakMap<Buffer, string>();
const fileSums = new Map<string, string>();

/** sha256 (hex) of a Buffer or text; a Buffer's is computed once and remembered for that Buffer. */
export function sha256(data: Buffer | string): string {
  if (typeof data === 'string') return createHash('sha256').update(data).digest('hex');
  let sum = bufferSums.get(data);
  if (sum === undefined) {
    sum = createHash('sha256').update(data).digest('hex');
    bufferSums.set(data, sum);
  }
  return sum;
}

/** A Buffer as a ByteStream: slices of it (views, no copies). */
export function bufferStream(data: Buffer): ByteStream {
  return {
    size: data.length,
    async *chunks() {
      for (let at = 0; at < data.length; at += CHUNK_BYTES) yield data.subarray(at, at + CHUNK_BYTES);
    },
  };
}

/** A file on the control node as it is now: its size and sha256, and its bytes as a ByteStream. */
export interface LocalFile {
  path: string;
  size: number;
  sha256: string;
  stream: ByteStream;
}

/** What identifies a file's content without reading it (a changed file has a new key). */
export function fileKey(path: string, st: Pick<Stats, 'dev' | 'ino' | 'size' | 'mtimeMs' | 'ctimeMs'>): string {
  return `${path}\0${st.dev}:${st.ino}\0${st.size}\0${st.mtimeMs}\0${st.ctimeMs}`;
}

/** sha256 of a file read in chunks (its memory: one chunk). */
function hashFile(path: string): string {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(4 * CHUNK_BYTES);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/**
 * The file at `path` (absolute), hashed at most once per content: a second call for an unchanged
 * file is a stat. Throws fs errors (missing, unreadable, not a regular file) to the caller.
 */
export function localFile(path: string): LocalFile {
  const st = statSync(path);
  if (!st.isFile()) throw new Error(`${path} is not a regular file`);
  const key = fileKey(path, st);
  let sum = fileSums.get(key);
  if (sum === undefined) {
    sum = hashFile(path);
    fileSums.set(key, sum);
  }
  const size = st.size;
  return {
    path,
    size,
    sha256: sum,
    stream: {
      size,
      // read while sent; a file changed meanwhile fails the host's sha256 check (old file kept)
      async *chunks() {
        if (size > 0) yield* createReadStream(path, { highWaterMark: CHUNK_BYTES, start: 0, end: size - 1 }) as AsyncIterable<Buffer>;
      },
    },
  };
}

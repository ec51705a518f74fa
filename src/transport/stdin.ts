/**
 * A command's stdin, written by every POSIX transport the same way: text or a Buffer at once, a
 * ByteStream chunk by chunk with backpressure (the next chunk is read only when the channel or pipe
 * took the last one), so a large file costs a few chunks of memory per host, not its size.
 */
import type { Writable } from 'node:stream';
import type { ByteStream } from '../types.js';

/** One part of a command's stdin: text, bytes, or a ByteStream sent chunk by chunk. */
export type StdinPart = string | Buffer | ByteStream;

function isStream(p: StdinPart): p is ByteStream {
  return typeof p === 'object' && !Buffer.isBuffer(p);
}

/** Bytes in these parts (a stream's declared size). */
export function stdinSize(parts: readonly StdinPart[]): number {
  return parts.reduce((n, p) => n + (isStream(p) ? p.size : Buffer.byteLength(p)), 0);
}

/**
 * Writes the parts to `w`, then ends it. Stops early (without throwing) when `w` closes or fails
 * first (the command exited, the connection dropped): the caller sees that in the exit status.
 */
export async function feedStdin(w: Writable, parts: readonly StdinPart[]): Promise<void> {
  let gone = false;
  let wake: () => void = () => undefined;
  const stop = () => {
    gone = true;
    wake();
  };
  w.once('close', stop);
  w.once('error', stop);
  const room = () => new Promise<void>((res) => {
    wake = res;
    w.once('drain', res);
  }).finally(() => w.off('drain', wake));
  try {
    for (const part of parts) {
      if (!isStream(part)) {
        if (!gone && Buffer.byteLength(part) > 0 && !w.write(part)) await room();
        continue;
      }
      for await (const chunk of part.chunks()) {
        if (gone) break;
        if (!w.write(chunk)) await room();
      }
    }
    if (!gone) w.end();
  } finally {
    w.off('close', stop);
    w.off('error', stop);
  }
}

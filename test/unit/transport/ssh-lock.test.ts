// The lock channel's output (src/transport/ssh-lock.ts), cut into chunks at every byte: the first
// command's result comes out whole, whatever the cut; a refused lock names its holder.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Client } from 'ssh2';
import { HostLock } from '../../../src/transport/ssh-lock.js';
import type { ShellCommand } from '../../../src/types.js';

/** A fake ssh2 client whose one exec channel replays these stdout/stderr chunks, then closes. */
function fakeClient(out: Buffer[], err: Buffer[], code: number | null): Client {
  return {
    exec(_cmd: string, cb: (e: Error | undefined, ch: EventEmitter & { stderr: EventEmitter; write(b: Buffer): void }) => void) {
      const ch = Object.assign(new EventEmitter(), { stderr: new EventEmitter(), write: () => undefined });
      cb(undefined, ch);
      setImmediate(() => {
        for (const b of err.slice(0, 1)) ch.stderr.emit('data', b);
        for (const b of out) ch.emit('data', b);
        for (const b of err.slice(1)) ch.stderr.emit('data', b);
        ch.emit('close', code);
      });
    },
  } as unknown as Client;
}

const cuts = (s: string, at: number): Buffer[] => [Buffer.from(s.slice(0, at)), Buffer.from(s.slice(at))].filter((b) => b.length);

describe('the host lock channel', () => {
  const mark = '@@LVS-LOCKED-RUN-abc';
  const stdout = `locked\nkey=value\nmore\n\n${mark} 0\n`;
  const stderr = `sudo: a lecture\n${mark}-in\nwarning\n\n${mark}\n`;

  it('returns the first command\'s output and code, wherever the chunks are cut (the channel stays open)', async () => {
    for (let at = 0; at <= stdout.length; at++) {
      let locked = 0;
      const lock = new HostLock('h', 'me');
      // the channel closes only long after: the result must come from the markers, not the close
      const client = fakeClient(cuts(stdout, at), [Buffer.from(stderr.slice(0, 20)), Buffer.from(stderr.slice(20))], null);
      const realExec = client.exec.bind(client);
      (client as unknown as { exec: typeof realExec }).exec = ((cmd: string, cb: Parameters<typeof realExec>[1]) =>
        realExec(cmd, (e, ch) => {
          const emit = ch.emit.bind(ch);
          ch.emit = ((ev: string, ...a: unknown[]) => (ev === 'close' ? false : emit(ev, ...a))) as typeof ch.emit;
          cb(e, ch);
        })) as typeof realExec;
      const r = await lock.acquire(client, 'x' as ShellCommand, null, mark, () => locked++);
      expect(r, `cut at ${at}`).toEqual({ code: 0, stdout: 'key=value\nmore\n', stderr: 'warning\n' });
      expect(locked).toBe(1);
    }
  });

  it('refuses with E_LOCKED naming the holder when another run holds it; a channel gone before is E_CONNECT', async () => {
    await expect(new HostLock('h', 'me').acquire(fakeClient([Buffer.from('held=lvs-play pid 1 on x (pb.ts)locked\n')], [], 75), 'x' as ShellCommand, null, mark))
      .rejects.toMatchObject({ code: 'E_LOCKED', message: expect.stringContaining('h is locked by another lvs-play run (/run/lvs-play.lock: lvs-play pid 1 on x (pb.ts)locked)') });
    await expect(new HostLock('h', 'me').acquire(fakeClient([], [], null), 'x' as ShellCommand, null, mark)).rejects.toMatchObject({ code: 'E_CONNECT' });
  });
});

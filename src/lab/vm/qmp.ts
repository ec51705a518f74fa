import { createConnection } from 'node:net';

/**
 * Sends one QMP command over a unix socket (after the capabilities handshake) and resolves with
 * its `return` value. Rejects on error, timeout or a closed socket.
 */
export function qmpCommand(socketPath: string, execute: string, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(socketPath);
    let buf = '';
    let stage: 'greeting' | 'caps' | 'cmd' = 'greeting';
    const done = (err: Error | null, value?: unknown): void => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(() => done(new Error(`QMP ${execute}: timeout`)), timeoutMs);
    sock.on('error', (e) => done(e));
    sock.on('close', () => done(new Error(`QMP ${execute}: socket closed`)));
    sock.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        const msg = JSON.parse(line) as { QMP?: unknown; return?: unknown; error?: { desc?: string }; event?: string };
        if (msg.event) continue;
        if (msg.error) return done(new Error(`QMP ${execute}: ${msg.error.desc ?? 'error'}`));
        if (stage === 'greeting' && msg.QMP) {
          stage = 'caps';
          sock.write(`${JSON.stringify({ execute: 'qmp_capabilities' })}\n`);
        } else if (stage === 'caps' && 'return' in msg) {
          stage = 'cmd';
          sock.write(`${JSON.stringify({ execute })}\n`);
        } else if (stage === 'cmd' && 'return' in msg) {
          return done(null, msg.return);
        }
      }
    });
  });
}

/**
 * `--listen [HOST:]PORT` of the commands that serve HTTP (exporter, status --serve): loopback
 * unless an address is given; the address must be an IP of this machine (no host names).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { LvsError } from '../errors.js';
import { isIp, isPort } from '../schema/net.js';
import type { Sampler } from '../status/sampler.js';

export interface Listen {
  host: string;
  port: number;
}

export function parseListen(text: string, option: string, fix: string): Listen {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]:|([0-9.]+):)?(\d{1,5})$/.exec(text.trim());
  const host = m?.[1] ?? m?.[2] ?? '127.0.0.1';
  const port = Number(m?.[3]);
  if (!m || !isIp(host) || !isPort(port)) {
    throw new LvsError('E_USAGE', `${option} takes [ADDRESS:]PORT, e.g. 127.0.0.1:9469 or [::1]:9469 (got ${text})`, { file: 'command line', fix });
  }
  return { host, port };
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Serves `handler` (GET/HEAD only: the pages are read-only) on the address; resolves once listening. */
export async function serveHttp(at: Listen, handler: Handler): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('read-only: GET only\n');
      return;
    }
    Promise.resolve(handler(req, res)).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(new LvsError('E_USAGE', `cannot listen on ${at.host}:${at.port}: ${e.code ?? e.message}`, { file: 'command line', fix: 'pick a free port, or an address of this machine' })));
    server.listen(at.port, at.host, ok);
  });
  return server;
}

/** `http://127.0.0.1:9469` / `http://[::1]:9469`. */
export function listenUrl(at: Listen): string {
  return `http://${at.host.includes(':') ? `[${at.host}]` : at.host}:${at.port}`;
}

/** Resolves on the first SIGINT or SIGTERM (the serving commands end cleanly, exit 0). */
function untilSignal(): Promise<void> {
  return new Promise((r) => {
    const done = () => (process.off('SIGINT', done), process.off('SIGTERM', done), r());
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

/** Runs the sampler's rounds behind the server until SIGINT/SIGTERM, then closes both. Exit 0. */
export async function serveUntilSignal(sampler: Sampler, server: Server): Promise<number> {
  const stop = untilSignal();
  await Promise.race([sampler.start(), stop]);
  await stop;
  server.close();
  server.closeAllConnections();
  await sampler.stop();
  return 0;
}

/**
 * `lvs-play status --serve [ADDRESS:]PORT`: the live page (src/status/page.ts) over HTTP, read-only
 * (GET only), fed by the background rounds of the sampler: `/` the page, `/status.json` the last
 * report (format lvs-play-status/1), `/events` every new report as a Server-Sent Event.
 */
import type { Server, ServerResponse } from 'node:http';
import type { Redactor } from '../run/redact.js';
import type { StatusReport } from '../status/model.js';
import { STATUS_PAGE } from '../status/page.js';
import type { Sampler } from '../status/sampler.js';
import { serveHttp, type Listen } from './listen.js';

const HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

export async function serveStatus(sampler: Sampler, at: Listen, redactor: Redactor): Promise<Server> {
  const json = (r: StatusReport | null) => redactor.redact(JSON.stringify(r));
  const clients = new Set<ServerResponse>();
  sampler.onSample((r) => {
    const msg = `data: ${json(r)}\n\n`;
    for (const c of clients) c.write(msg);
  });
  const server = await serveHttp(at, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      res.writeHead(200, { ...HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'" }).end(STATUS_PAGE);
    } else if (path === '/status.json') {
      res.writeHead(sampler.last ? 200 : 503, { ...HEADERS, 'content-type': 'application/json' }).end(json(sampler.last));
    } else if (path === '/events') {
      res.writeHead(200, { ...HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
      res.write('retry: 2000\n\n');
      if (sampler.last) res.write(`data: ${json(sampler.last)}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
    } else {
      res.writeHead(404, { ...HEADERS, 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  server.on('close', () => clients.forEach((c) => c.end()));
  return server;
}

/**
 * The real servers' health checks, per service port (`health_checks`, docs/site.md): TCP_CHECK by
 * default (connect to the port), or HTTP_GET / SSL_GET (a url path and the status code, optional
 * digest and Host header) or MISC_CHECK (a script on the director) for a port. The timing of every
 * check comes from check_connect_timeout / check_retry / check_delay_before_retry unless the
 * port's entry sets its own. `inhibit_on_failure`: a failed server gets weight 0 instead of being
 * removed from IPVS (its connections stay; no new ones).
 */
import type { HostView } from 'lvs-play';
import { absPath, flag, structured, wholeNumber, words, z } from 'lvs-play/kit';
import type { HealthCheck } from 'lvs-play/roles';
import type { ServiceSettings } from './site-settings.ts';

const seconds = wholeNumber(1, 86400);
const timing = {
  connect_timeout: seconds.optional(),
  retry: wholeNumber(0, 100).optional(),
  delay_before_retry: seconds.optional(),
};
const httpCheck = z
  .object({
    type: z.enum(['http', 'ssl']),
    path: z.string().regex(/^\/[^\s"'\\#!]*$/, 'an absolute url path without spaces, quotes, "#" or "!", e.g. /health').default('/'),
    status: wholeNumber(100, 599).default(200),
    digest: z.string().regex(/^[0-9a-fA-F]{32}$/, 'the 32 hex digits genhash prints').optional(),
    virtualhost: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'a host name such as www.example.com').optional(),
    ...timing,
  })
  .strict();
const miscCheck = z
  .object({
    type: z.literal('misc'),
    /** The command: an absolute path and its arguments (words, or a list). */
    script: words.pipe(z.array(z.string()).min(1, 'give the script: an absolute path and its arguments')),
    timeout: seconds.optional(),
    dynamic: flag.optional(),
  })
  .strict()
  .refine((c) => absPath.safeParse(c.script[0]).success, { message: 'the script starts with an absolute path, e.g. /usr/local/bin/check_dns', path: ['script'] });
const tcpCheck = z.object({ type: z.literal('tcp'), ...timing }).strict();

const byPort = z.record(z.string().regex(/^\d{1,5}$/, 'a service port'), z.discriminatedUnion('type', [httpCheck, tcpCheck]).or(miscCheck));

export type PortCheck = z.output<typeof httpCheck> | z.output<typeof tcpCheck> | z.output<typeof miscCheck>;

/** The schema for a site serving `ports` (a check of a port not served is a mistake). */
const checksFor = (ports: readonly number[]) =>
  structured(
    byPort.superRefine((m, ctx) => {
      for (const k of Object.keys(m)) {
        if (!ports.includes(Number(k))) ctx.addIssue({ code: 'custom', path: [k], message: `port ${k} is not a service port (ports: ${ports.join(', ')}): name a port the site serves` });
      }
    }),
  )
    .describe('{ 80: { type: http, path: /health, status: 200 } }')
    .optional();

/** `health_checks` by port. */
export function healthChecksOf(host: HostView, ports: readonly number[]): Map<number, PortCheck> {
  const map = host.var('health_checks', checksFor(ports));
  return new Map(Object.entries(map ?? {}).map(([k, v]) => [Number(k), v]));
}

/** `inhibit_on_failure` (default false). */
export const inhibitOnFailureOf = (host: HostView): boolean => host.var('inhibit_on_failure', flag, false);

/** The keepalived check of a real server on `port`: the port's entry, else TCP_CHECK with the site's timing. */
export function checkFor(port: number, entry: PortCheck | undefined, timing: ServiceSettings['check']): HealthCheck {
  if (!entry || entry.type === 'tcp') return { type: 'TCP_CHECK', ...timingOf(port, entry, timing) };
  if (entry.type === 'misc') {
    const [path = '', ...args] = entry.script;
    return { type: 'MISC_CHECK', script: args.length ? { path, args } : path, ...(entry.timeout !== undefined ? { timeout: entry.timeout } : {}), ...(entry.dynamic ? { dynamic: true } : {}) };
  }
  return {
    type: entry.type === 'ssl' ? 'SSL_GET' : 'HTTP_GET',
    url: [{ path: entry.path, statusCode: entry.status, ...(entry.digest ? { digest: entry.digest } : {}) }],
    ...(entry.virtualhost ? { virtualhost: entry.virtualhost } : {}),
    ...timingOf(port, entry, timing),
  };
}

function timingOf(port: number, entry: { connect_timeout?: number; retry?: number; delay_before_retry?: number } | undefined, timing: ServiceSettings['check']) {
  const retry = entry?.retry ?? timing.retry;
  const delay = entry?.delay_before_retry ?? timing.delayBeforeRetry;
  return {
    connectTimeout: entry?.connect_timeout ?? timing.connectTimeout,
    connectPort: port,
    ...(retry !== undefined ? { retry } : {}),
    ...(delay !== undefined ? { delayBeforeRetry: delay } : {}),
  };
}

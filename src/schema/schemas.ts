/**
 * The shared option schemas of the authoring kit: one definition each of an IP address, a CIDR, a
 * port, an absolute path and an interface name. Every role builds its options from these, so the
 * same value is accepted (and the same message shown) everywhere. Each carries an example value
 * (`.description`), shown in the fix of a missing or mistyped host variable (`host.var`).
 */
import { posix } from 'node:path';
import { z } from 'zod';
import { isIPv4, isIPv6, isInterfaceName } from './net.js';

/** Any IPv4 address in strict dotted form (no prefix length, no host name). */
export const anyIpv4 = z.string().refine(isIPv4, 'an IPv4 address in dotted form, e.g. 10.77.0.10 (no prefix length, no host name)').describe('10.77.0.10');

/** A unicast IPv4 address: what a VIP, a real server or a director can be. */
export const ipv4 = anyIpv4.refine(
  (s) => !/^(0|127|22[4-9]|2[3-5]\d)\./.test(s),
  'a unicast address (not 0.x, 127.x, multicast or reserved)',
).describe('10.77.0.10');

/** An IPv6 address (any form inet_pton accepts; compare with canonicalIp). */
export const ipv6 = z.string().refine(isIPv6, 'an IPv6 address, e.g. 2001:db8::10 (no prefix length, no brackets)').describe('2001:db8::10');

/** An IPv4 or IPv6 address. */
export const ipAddress = z.string().refine((s) => isIPv4(s) || isIPv6(s), 'an IPv4 or IPv6 address, e.g. 10.77.0.10 or 2001:db8::10').describe('10.77.0.10');

/** An address with a prefix length: 10.77.0.0/24, 2001:db8::/64. */
export const cidr = z.string().refine((s) => {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) return false;
  const bits = Number(m[2]);
  if (isIPv4(m[1]!)) return bits <= 32 && String(bits) === m[2];
  if (isIPv6(m[1]!)) return bits <= 128 && String(bits) === m[2];
  return false;
}, 'an address with a prefix length, e.g. 10.77.0.0/24 or 2001:db8::/64').describe('10.77.0.0/24');

/** A TCP/UDP port number (`isPort`, for values checked outside a schema). */
export const port = z
  .number({ invalid_type_error: 'a port number' })
  .int('a whole number')
  .min(1, 'a port is 1-65535')
  .max(65535, 'a port is 1-65535')
  .describe('80');

/**
 * An absolute path on the host (a file or a directory), without NUL bytes, returned normalised (no
 * trailing slash, no `//`, no `.`): what the core resources take.
 */
export const hostPath = z
  .string({ invalid_type_error: 'an absolute path like /etc/app.conf', required_error: 'an absolute path like /etc/app.conf' })
  .min(1, 'an absolute path like /etc/app.conf (not empty)')
  .refine((p) => p.startsWith('/'), (p) => ({ message: `an absolute path: use /${p}` }))
  .refine((p) => !p.includes('\0'), 'remove the NUL byte')
  .transform((p) => {
    const n = posix.normalize(p);
    return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
  })
  .describe('/etc/app.conf');

/** An absolute file path on the host (no trailing slash, no NUL). */
export const absPath = z.string().regex(/^\/[^\0]*[^/]$/, 'an absolute file path, e.g. /etc/sysctl.d/60-lvs.conf').describe('/etc/sysctl.d/60-lvs.conf');

/** A Linux interface name (1-15 characters). */
export const ifaceName = z.string().refine(isInterfaceName, 'an interface name (1-15 characters: letters, digits, . _ - @)').describe('eth0');

// ── values as Ansible INI files give them ([group:vars] values are strings in Ansible)

/** A boolean; also Ansible's spellings as strings (yes/no, true/false, on/off, 1/0). */
export const flag = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  return ['yes', 'true', 'on', '1'].includes(s) ? true : ['no', 'false', 'off', '0'].includes(s) ? false : v;
}, z.boolean());

/** A whole number from `min` to `max`; also as a string of digits. */
export const wholeNumber = (min: number, max: number, what = `a whole number from ${min} to ${max}`) =>
  z.preprocess((v) => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v), z.number().int(what).min(min, what).max(max, what));

/** A non-empty list; also one comma-separated string (`80,443`; INI `[all:vars]`). */
export const listOf = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean) : v), z.array(item).min(1));

/** A list of words; also one string of space-separated words (`-D --vrrp`). */
export const words = z.preprocess((v) => (typeof v === 'string' ? v.trim().split(/\s+/).filter(Boolean) : v), z.array(z.string()));

/**
 * A map or a list as YAML/JSON give it; also as JSON text (an INI `[all:vars]` value such as
 * `health_checks={"80": {"type": "http"}}`). Text that is not JSON is left to `schema` to refuse.
 */
export const structured = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => {
    if (typeof v !== 'string' || !/^\s*[[{]/.test(v)) return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }, schema);

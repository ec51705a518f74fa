/** Syntax checks for addresses and names in inventories (pure, no DNS lookups). */
import { isIPv4, isIPv6 as nodeIsIPv6 } from 'node:net';

/**
 * node's isIPv6 (zone ids and all), without compiling its one large pattern for text that cannot be
 * an IPv6 address (no ':'): a listing's names and patterns never need it (~4-7 ms of start-up).
 */
export function isIPv6(s: string): boolean {
  return s.includes(':') && nodeIsIPv6(s);
}

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** An RFC 1123 host name: dot-separated labels of letters, digits and inner '-', at most 253 chars. */
function isHostname(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  if (/^[0-9.]+$/.test(name)) return false; // looks like a (bad) IPv4 address
  return name.split('.').every((l) => LABEL.test(l));
}

/** An IPv4 or IPv6 address, or a host name. */
export function isAddress(s: string): boolean {
  return isIPv4(s) || isIPv6(s) || isHostname(s);
}

export const ADDRESS_FIX = 'an IPv4 address (192.0.2.10), an IPv6 address (2001:db8::10) or a host name (web1.example.com)';

/** Inventory host names: letters, digits, '_', '.', '-' (not first), or an IPv6 address. */
const HOST_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
export function isHostName(s: string): boolean {
  return s.length <= 253 && (HOST_NAME.test(s) || isIPv6(s));
}
export const HOST_NAME_FIX = "letters, digits, '_', '.' and '-' (not first), e.g. lvs1 or web-01.example.com";

/** Group names: a letter or '_' first, then letters, digits, '_' or '-'. */
export const GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
export const GROUP_NAME_FIX = "a letter or '_' first, then letters, digits, '_' or '-', e.g. directors";

/** Names Ansible gives its implicit groups. */
export const IMPLICIT_GROUPS = ['all', 'ungrouped'] as const;

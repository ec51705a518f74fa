/** The field checks validate.ts, validate-groups.ts and site.ts share: an IP address, a port, the key of an IP; problems go to a `Report`. */
import { canonicalIp, ipFamily, isPort } from 'lvs-play/kit';

export type Report = (field: string, message: string, value: unknown, fix: string) => void;

export function checkIp(v: string | undefined, field: string, what: string, err: Report): boolean {
  if (v !== undefined && ipFamily(v)) return true;
  err(field, v === undefined ? `${what} needs an address` : 'invalid IP address', v, 'give an IPv4 address like 10.77.0.16 or an IPv6 address like 2001:db8::16 (no host names)');
  return false;
}

export function checkPort(v: number | undefined, field: string, err: Report): boolean {
  if (v !== undefined && isPort(v)) return true;
  err(field, v === undefined ? 'a port is needed' : 'port out of range', v, 'a port is an integer from 1 to 65535');
  return false;
}

/** An address's family and canonical form: two addresses are the same IP when their keys are equal (null: not an IP). */
export function ipKey(a: string): string | null {
  const family = ipFamily(a);
  return family === null ? null : `${family} ${canonicalIp(a)}`;
}

/** The field checks validate.ts and validate-groups.ts share: an IP address, a port; problems go to a `Report`. */
import { ipFamily, isPort } from 'lvs-play/kit';

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

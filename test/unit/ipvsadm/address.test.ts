import { describe, expect, it } from 'vitest';
import {
  canonicalIp, compareIp, formatHostPort, ipFamily, isIPv4, isIPv4Netmask, isIPv6, isInterfaceName,
} from '../../../src/schema/net.js';

describe('address helpers', () => {
  it.each(['10.77.0.10', '0.0.0.0', '255.255.255.255'])('accepts IPv4 %s', (a) => expect(isIPv4(a)).toBe(true));
  it.each(['10.77.0.256', '10.77.0', '10.77.0.1.2', '010.77.0.1', ' 10.77.0.1', '10.77.0.1/32', 'a.b.c.d', ''])(
    'rejects IPv4 %j', (a) => expect(isIPv4(a)).toBe(false),
  );
  it.each(['::', '::1', '2001:db8::1', 'fe80::1:2', '2001:DB8:0:0:0:0:0:1', '::ffff:10.77.0.1', '1:2:3:4:5:6:7:8', '1::8'])(
    'accepts IPv6 %s', (a) => expect(isIPv6(a)).toBe(true),
  );
  it.each(['2001:db8:::1', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::1', 'fe80::1%eth0', '2001:db8::/64', ':1::', 'g::1', '1:2:3:4:5:6:7::8', '::ffff:10.77.0.256'])(
    'rejects IPv6 %j', (a) => expect(isIPv6(a)).toBe(false),
  );
  it.each([
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:1:0:1:1:1:1', '2001:db8:1:0:1:1:1:1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['::ffff:a4d:1', '::ffff:10.77.0.1'],
    ['::10.77.0.1', '::10.77.0.1'],
    ['10.77.0.10', '10.77.0.10'],
  ])('canonicalises %s as inet_ntop does: %s', (input, want) => expect(canonicalIp(input)).toBe(want));

  it('knows families, masks, host:port and interface names', () => {
    expect(ipFamily('10.0.0.1')).toBe('inet');
    expect(ipFamily('::1')).toBe('inet6');
    expect(ipFamily('nope')).toBeNull();
    expect(isIPv4Netmask('255.255.255.0')).toBe(true);
    expect(isIPv4Netmask('255.0.255.0')).toBe(false);
    expect(formatHostPort('2001:db8::1', 80)).toBe('[2001:db8::1]:80');
    expect(formatHostPort('10.0.0.1', 0)).toBe('10.0.0.1:0');
    expect(compareIp('10.0.0.2', '10.0.0.10')).toBeLessThan(0);
    expect(compareIp('200.0.0.1', '10.0.0.1')).toBeGreaterThan(0);
    expect(compareIp('255.0.0.1', '::1')).toBeLessThan(0);
    expect(['eth0', 'ens3', 'br-lab', 'veth0.100', 'a'.repeat(15)].every(isInterfaceName)).toBe(true);
    expect(['', 'a'.repeat(16), 'eth 0', 'eth0/1', 'eth0:0', '..', 'eth"0'].some(isInterfaceName)).toBe(false);
  });
});

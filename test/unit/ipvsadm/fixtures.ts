/**
 * `ipvsadm -S -n` texts in the exact shape ipvsadm 1.31 (Debian 12) prints them
 * (print_service_entry with FMT_RULE): services sorted by fwmark, family, protocol, address,
 * port; each followed by its real servers sorted by address and port.
 */
import type { VirtualService } from '../../../roles/ipvsadm/model.js';

export const EMPTY = '';

/** The reference site: VIP .10:80, wrr, persistence 300, real servers .16 (weight 3) and .17. */
export const SITE = `-A -t 10.77.0.10:80 -s wrr -p 300
-a -t 10.77.0.10:80 -r 10.77.0.16:80 -g -w 3
-a -t 10.77.0.10:80 -r 10.77.0.17:80 -g -w 1
`;

/** The site plus a service nobody manages (someone added :8080 by hand). */
export const SITE_PLUS_EXTRA = `-A -t 10.77.0.10:80 -s wrr -p 300
-a -t 10.77.0.10:80 -r 10.77.0.16:80 -g -w 3
-a -t 10.77.0.10:80 -r 10.77.0.17:80 -g -w 1
-A -t 10.77.0.10:8080 -s rr
-a -t 10.77.0.10:8080 -r 10.77.0.16:8080 -g -w 1
`;

/** Many shapes at once: udp with NAT port mapping, sh flags, IPv6 with a prefix mask, fwmark v4/v6. */
export const MIXED = `-A -t 10.77.0.10:443 -s lc -p 3600 -M 255.255.255.0
-a -t 10.77.0.10:443 -r 10.77.0.16:443 -g -w 1
-A -u 10.77.0.10:53 -s sh -b sh-fallback,sh-port
-a -u 10.77.0.10:53 -r 10.77.0.16:5353 -m -w 2
-a -u 10.77.0.10:53 -r 10.77.0.17:5353 -m -w 0
-A -t [2001:db8::10]:80 -s wlc -p 60 -M 64
-a -t [2001:db8::10]:80 -r [2001:db8::16]:80 -g -w 1
-a -t [2001:db8::10]:80 -r [2001:db8::17]:80 -g -w 1
-A -f 7 -s rr
-a -f 7 -r 10.77.0.16:0 -g -w 1
-a -f 7 -r 10.77.0.17:0 -i -w 1
-A -f 8 -6 -s mh -b mh-port
-a -f 8 -6 -r [2001:db8::16]:0 -g -w 5
`;

/** What the site's playbook wants. */
export function siteDesired(): VirtualService[] {
  return [
    {
      protocol: 'tcp',
      vip: '10.77.0.10',
      port: 80,
      scheduler: 'wrr',
      persistence: 300,
      realServers: [
        { address: '10.77.0.16', port: 80, forwarding: 'dr', weight: 3 },
        { address: '10.77.0.17', port: 80, forwarding: 'dr', weight: 1 },
      ],
    },
  ];
}

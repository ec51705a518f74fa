import { describe, expect, it } from 'vitest';
import { LvsError } from '../../../src/errors.js';
import { applyThresholds, parseIpvsadmSave } from '../../../roles/ipvsadm/parse.js';
import { reconcile } from '../../../roles/ipvsadm/reconcile.js';
import { MIXED } from './fixtures.js';

/** `ipvsadm -L -n --thresholds` for the MIXED table (print_service_entry with FMT_THRESHOLDS). */
const LISTING = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn
  -> RemoteAddress:Port
TCP  10.77.0.10:443 lc persistent 3600 mask 255.255.255.0
  -> 10.77.0.16:443               100        10         0          0
UDP  10.77.0.10:53 sh (sh-fallback,sh-port)
  -> 10.77.0.16:5353              0          0          0          0
  -> 10.77.0.17:5353              0          0          0          0
TCP  [2001:db8::10]:80 wlc persistent 60 mask 64
  -> [2001:db8::16]:80            50         0          3          1
  -> [2001:db8::17]:80            0          0          0          0
FWM  7 rr
  -> 10.77.0.16:0                 0          0          0          0
  -> 10.77.0.17:0                 0          0          0          0
FWM  8 IPv6 mh (mh-port)
  -> [2001:db8::16]:0             7          0          0          0
`;

describe('applyThresholds', () => {
  it('merges -x/-y from the thresholds listing (which ipvsadm -S omits)', () => {
    const table = applyThresholds(parseIpvsadmSave(MIXED), LISTING);
    expect(table[0]!.realServers[0]).toStrictEqual({ address: '10.77.0.16', port: 443, forwarding: 'dr', weight: 1, upperThreshold: 100, lowerThreshold: 10 });
    expect(table[2]!.realServers[0]).toStrictEqual({ address: '2001:db8::16', port: 80, forwarding: 'dr', weight: 1, upperThreshold: 50 });
    expect(table[4]!.realServers[0]).toStrictEqual({ address: '2001:db8::16', forwarding: 'dr', weight: 5, upperThreshold: 7 });
    expect(table[1]).toStrictEqual(parseIpvsadmSave(MIXED)[1]);
  });

  it('lets reconcile see threshold drift, and converge', () => {
    const desired = parseIpvsadmSave(MIXED);
    desired[0]!.realServers[0]!.upperThreshold = 100;
    desired[0]!.realServers[0]!.lowerThreshold = 10;
    // Without the listing, a wanted threshold always looks missing…
    expect(reconcile(parseIpvsadmSave(MIXED), desired, { purge: false }).map((e) => e.op)).toEqual(['edit-real-server']);
    // …with it, the table is as wanted except where the listing says otherwise.
    const edits = reconcile(applyThresholds(parseIpvsadmSave(MIXED), LISTING), desired, { purge: false });
    expect(edits.map((e) => e.op)).toEqual(['edit-real-server', 'edit-real-server']); // IPv6 .16 and fwmark 8 have thresholds desired lacks
  });

  it('throws on a real-server line it cannot read', () => {
    expect(() => applyThresholds([], 'TCP  10.77.0.10:80 wrr\n  -> 10.77.0.16:80  x  y\n')).toThrow(LvsError);
  });
});

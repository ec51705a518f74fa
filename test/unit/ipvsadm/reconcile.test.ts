import { describe, expect, it } from 'vitest';
import { parseIpvsadmSave } from '../../../roles/ipvsadm/parse.js';
import { describeEdit, editToArgv, reconcile, renderRules, type IpvsEdit } from '../../../roles/ipvsadm/reconcile.js';
import type { VirtualService } from '../../../roles/ipvsadm/model.js';
import { EMPTY, MIXED, SITE, SITE_PLUS_EXTRA, siteDesired } from './fixtures.js';

const argvs = (edits: IpvsEdit[]): string[][] => edits.map(editToArgv);

/** Applies argv edits to a parsed table the way ipvsadm would (to prove convergence). */
function apply(table: VirtualService[], edits: IpvsEdit[]): VirtualService[] {
  let rules = renderRules(table).split('\n').filter(Boolean);
  for (const argv of argvs(edits)) {
    const [cmd, ...rest] = argv;
    const svc = rest[0] === '-f' && rest[2] === '-6' ? rest.slice(0, 3) : rest.slice(0, 2);
    const svcText = svc.join(' ');
    const rIdx = rest.indexOf('-r');
    const server = rIdx >= 0 ? `-r ${rest[rIdx + 1]}` : '';
    const isService = (l: string, c: string): boolean => l.startsWith(`${c} ${svcText} `);
    switch (cmd) {
      case '-A': rules.push(['-A', ...rest].join(' ')); break;
      case '-E': rules = rules.map((l) => (isService(l, '-A') ? ['-A', ...rest].join(' ') : l)); break;
      case '-D': rules = rules.filter((l) => !isService(l, '-A') && !isService(l, '-a')); break;
      case '-a': rules.push(['-a', ...rest].join(' ')); break;
      case '-e': rules = rules.map((l) => (isService(l, '-a') && l.includes(` ${server} `) ? ['-a', ...rest].join(' ') : l)); break;
      case '-d': rules = rules.filter((l) => !(isService(l, '-a') && `${l} `.includes(` ${server} `))); break;
      default: throw new Error(`unexpected ${String(cmd)}`);
    }
  }
  // Real-server lines must follow their service for the parser: order them as -S would.
  const services = rules.filter((l) => l.startsWith('-A '));
  const text = services.flatMap((s) => {
    const svc = s.split(' -s ')[0]!.slice(3);
    return [s, ...rules.filter((l) => l.startsWith(`-a ${svc} -r `))];
  });
  return parseIpvsadmSave(text.join('\n'));
}

describe('reconcile', () => {
  it('builds the site on an empty table: service first, then its real servers', () => {
    const edits = reconcile(parseIpvsadmSave(EMPTY), siteDesired(), { purge: false });
    expect(argvs(edits)).toEqual([
      ['-A', '-t', '10.77.0.10:80', '-s', 'wrr', '-p', '300'],
      ['-a', '-t', '10.77.0.10:80', '-r', '10.77.0.16:80', '-g', '-w', '3'],
      ['-a', '-t', '10.77.0.10:80', '-r', '10.77.0.17:80', '-g', '-w', '1'],
    ]);
    expect(edits.map((e) => e.op)).toEqual(['add-service', 'add-real-server', 'add-real-server']);
  });

  it('does nothing when the table is already as wanted', () => {
    expect(reconcile(parseIpvsadmSave(SITE), siteDesired(), { purge: true })).toEqual([]);
    const mixed = parseIpvsadmSave(MIXED);
    expect(reconcile(mixed, mixed, { purge: true })).toEqual([]);
  });

  it('treats equivalent spellings as equal (default rport, IPv6 case and zeros, default mask)', () => {
    const desired: VirtualService[] = [
      {
        protocol: 'tcp', vip: '10.77.0.10', port: 80, scheduler: 'wrr', persistence: 300, persistenceNetmask: '255.255.255.255',
        realServers: [
          { address: '10.77.0.17', forwarding: 'dr', weight: 1 },
          { address: '10.77.0.16', forwarding: 'dr', weight: 3, upperThreshold: 0 },
        ],
      },
    ];
    expect(reconcile(parseIpvsadmSave(SITE), desired, { purge: false })).toEqual([]);
  });

  it('leaves an unmanaged service alone without purge', () => {
    expect(reconcile(parseIpvsadmSave(SITE_PLUS_EXTRA), siteDesired(), { purge: false })).toEqual([]);
  });

  it('deletes an unmanaged service with purge, with one -D (its real servers go with it)', () => {
    const edits = reconcile(parseIpvsadmSave(SITE_PLUS_EXTRA), siteDesired(), { purge: true });
    expect(argvs(edits)).toEqual([['-D', '-t', '10.77.0.10:8080']]);
  });

  it('changes a scheduler with one -E that restates the whole service', () => {
    const desired = siteDesired();
    desired[0]!.scheduler = 'wlc';
    const edits = reconcile(parseIpvsadmSave(SITE), desired, { purge: false });
    expect(argvs(edits)).toEqual([['-E', '-t', '10.77.0.10:80', '-s', 'wlc', '-p', '300']]);
    expect(edits[0]).toMatchObject({ op: 'edit-service', before: { scheduler: 'wrr' }, service: { scheduler: 'wlc' } });
  });

  it('turns persistence off (and on) with -E', () => {
    const off = siteDesired();
    delete off[0]!.persistence;
    expect(argvs(reconcile(parseIpvsadmSave(SITE), off, { purge: false }))).toEqual([['-E', '-t', '10.77.0.10:80', '-s', 'wrr']]);
    const longer = siteDesired();
    longer[0]!.persistence = 1800;
    longer[0]!.persistenceNetmask = '255.255.255.0';
    expect(argvs(reconcile(parseIpvsadmSave(SITE), longer, { purge: false }))).toEqual([
      ['-E', '-t', '10.77.0.10:80', '-s', 'wrr', '-p', '1800', '-M', '255.255.255.0'],
    ]);
  });

  it('changes a weight with one -e', () => {
    const desired = siteDesired();
    desired[0]!.realServers[1]!.weight = 5;
    const edits = reconcile(parseIpvsadmSave(SITE), desired, { purge: false });
    expect(argvs(edits)).toEqual([['-e', '-t', '10.77.0.10:80', '-r', '10.77.0.17:80', '-g', '-w', '5']]);
    expect(edits[0]).toMatchObject({ op: 'edit-real-server', before: { weight: 1 }, realServer: { weight: 5 } });
  });

  it('changes forwarding with -e', () => {
    const desired = siteDesired();
    desired[0]!.realServers[0]!.forwarding = 'tunnel';
    expect(argvs(reconcile(parseIpvsadmSave(SITE), desired, { purge: false }))).toEqual([
      ['-e', '-t', '10.77.0.10:80', '-r', '10.77.0.16:80', '-i', '-w', '3'],
    ]);
  });

  it('adds and removes real servers of a managed service (exactly), adds before deletes', () => {
    const desired = siteDesired();
    desired[0]!.realServers = [
      { address: '10.77.0.16', port: 80, forwarding: 'dr', weight: 3 },
      { address: '10.77.0.18', port: 80, forwarding: 'dr', weight: 2 },
    ];
    const edits = reconcile(parseIpvsadmSave(SITE), desired, { purge: false });
    expect(argvs(edits)).toEqual([
      ['-a', '-t', '10.77.0.10:80', '-r', '10.77.0.18:80', '-g', '-w', '2'],
      ['-d', '-t', '10.77.0.10:80', '-r', '10.77.0.17:80'],
    ]);
  });

  it('reconciles fwmark, udp and IPv6 services', () => {
    const current = parseIpvsadmSave(MIXED);
    const desired = parseIpvsadmSave(MIXED);
    desired[1]!.realServers[1]!.weight = 4; // udp 53: .17 from 0 to 4
    desired[2]!.realServers.pop(); // IPv6: drop 2001:db8::17
    desired[2]!.persistence = 120;
    desired[3]!.realServers.push({ address: '10.77.0.18', forwarding: 'dr', weight: 1 }); // fwmark 7
    desired[4]!.scheduler = 'sh'; // fwmark 8 -6: mh-port flag no longer fits
    delete desired[4]!.schedulerFlags;
    const edits = reconcile(current, desired, { purge: true });
    expect(argvs(edits)).toEqual([
      ['-E', '-t', '[2001:db8::10]:80', '-s', 'wlc', '-p', '120', '-M', '64'],
      ['-E', '-f', '8', '-6', '-s', 'sh'],
      ['-e', '-u', '10.77.0.10:53', '-r', '10.77.0.17:5353', '-m', '-w', '4'],
      ['-a', '-f', '7', '-r', '10.77.0.18:0', '-g', '-w', '1'],
      ['-d', '-t', '[2001:db8::10]:80', '-r', '[2001:db8::17]:80'],
    ]);
    expect(apply(current, edits)).toStrictEqual(parseIpvsadmSave(renderRules(desired)));
  });

  it('orders a mixed plan safely: -A/-E, then -a/-e, then -d, then -D', () => {
    const current = parseIpvsadmSave(SITE_PLUS_EXTRA);
    const desired: VirtualService[] = [
      { ...siteDesired()[0]!, scheduler: 'rr', realServers: [{ address: '10.77.0.17', forwarding: 'dr', weight: 9 }] },
      { protocol: 'udp', vip: '10.77.0.10', port: 53, scheduler: 'rr', realServers: [{ address: '10.77.0.16', forwarding: 'dr', weight: 1 }] },
    ];
    const edits = reconcile(current, desired, { purge: true });
    expect(edits.map((e) => e.op)).toEqual([
      'edit-service', 'add-service', 'edit-real-server', 'add-real-server', 'delete-real-server', 'delete-service',
    ]);
    expect(argvs(edits)).toEqual([
      ['-E', '-t', '10.77.0.10:80', '-s', 'rr', '-p', '300'],
      ['-A', '-u', '10.77.0.10:53', '-s', 'rr'],
      ['-e', '-t', '10.77.0.10:80', '-r', '10.77.0.17:80', '-g', '-w', '9'],
      ['-a', '-u', '10.77.0.10:53', '-r', '10.77.0.16:53', '-g', '-w', '1'],
      ['-d', '-t', '10.77.0.10:80', '-r', '10.77.0.16:80'],
      ['-D', '-t', '10.77.0.10:8080'],
    ]);
    expect(apply(current, edits)).toStrictEqual(parseIpvsadmSave(renderRules(desired)));
    // Applying the plan converges: nothing left to do.
    expect(reconcile(apply(current, edits), desired, { purge: true })).toEqual([]);
  });

  it('renders thresholds, tunnel options and --pe/-o/-b in argv', () => {
    const desired: VirtualService[] = [
      {
        protocol: 'udp', vip: '2001:db8::10', port: 5060, scheduler: 'sh', schedulerFlags: ['sh-port'], persistence: 30, persistenceEngine: 'sip', onePacket: true,
        realServers: [{ address: '2001:db8::16', forwarding: 'tunnel', weight: 2, upperThreshold: 100, lowerThreshold: 10, tunType: 'gue', tunPort: 6080, tunCsum: 'csum' }],
      },
    ];
    expect(argvs(reconcile([], desired, { purge: false }))).toEqual([
      ['-A', '-u', '[2001:db8::10]:5060', '-s', 'sh', '-p', '30', '--pe', 'sip', '-o', '-b', 'sh-port'],
      ['-a', '-u', '[2001:db8::10]:5060', '-r', '[2001:db8::16]:5060', '-i', '-w', '2', '-x', '100', '-y', '10', '--tun-type', 'gue', '--tun-port', '6080', '--tun-csum'],
    ]);
  });

  it('describes edits for --diff', () => {
    const desired = siteDesired();
    desired[0]!.realServers[0]!.weight = 1;
    desired[0]!.realServers.pop();
    const edits = reconcile(parseIpvsadmSave(SITE_PLUS_EXTRA), desired, { purge: true });
    expect(edits.map(describeEdit)).toEqual([
      '~ ipvsadm -e -t 10.77.0.10:80 -r 10.77.0.16:80 -g -w 1',
      '- ipvsadm -d -t 10.77.0.10:80 -r 10.77.0.17:80',
      '- ipvsadm -D -t 10.77.0.10:8080',
    ]);
  });
});

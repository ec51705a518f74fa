import { describe, expect, it } from 'vitest';
import { LvsError } from '../../../src/errors.js';
import { parseIpvsadmSave } from '../../../roles/ipvsadm/parse.js';
import { renderRules } from '../../../roles/ipvsadm/reconcile.js';
import { normaliseServices, type VirtualService } from '../../../roles/ipvsadm/model.js';
import { EMPTY, MIXED, SITE, siteDesired } from './fixtures.js';

function parseError(text: string): LvsError {
  try {
    parseIpvsadmSave(text);
  } catch (e) {
    expect(e).toBeInstanceOf(LvsError);
    return e as LvsError;
  }
  throw new Error('expected a parse error');
}

describe('parseIpvsadmSave', () => {
  it('reads an empty table (and blank/comment lines) as no services', () => {
    expect(parseIpvsadmSave(EMPTY)).toEqual([]);
    expect(parseIpvsadmSave('\n# saved by lvs-play\n\n')).toEqual([]);
  });

  it('reads the reference site', () => {
    expect(parseIpvsadmSave(SITE)).toStrictEqual(siteDesired());
  });

  it('reads udp, NAT, thresholds-free sh flags, IPv6 masks and fwmark (v4 and v6)', () => {
    const got = parseIpvsadmSave(MIXED);
    const want: VirtualService[] = [
      {
        protocol: 'tcp', vip: '10.77.0.10', port: 443, scheduler: 'lc', persistence: 3600, persistenceNetmask: '255.255.255.0',
        realServers: [{ address: '10.77.0.16', port: 443, forwarding: 'dr', weight: 1 }],
      },
      {
        protocol: 'udp', vip: '10.77.0.10', port: 53, scheduler: 'sh', schedulerFlags: ['sh-fallback', 'sh-port'],
        realServers: [
          { address: '10.77.0.16', port: 5353, forwarding: 'nat', weight: 2 },
          { address: '10.77.0.17', port: 5353, forwarding: 'nat', weight: 0 },
        ],
      },
      {
        protocol: 'tcp', vip: '2001:db8::10', port: 80, scheduler: 'wlc', persistence: 60, persistenceNetmask: 64,
        realServers: [
          { address: '2001:db8::16', port: 80, forwarding: 'dr', weight: 1 },
          { address: '2001:db8::17', port: 80, forwarding: 'dr', weight: 1 },
        ],
      },
      {
        protocol: 'fwmark', fwmark: 7, scheduler: 'rr',
        realServers: [
          { address: '10.77.0.16', forwarding: 'dr', weight: 1 },
          { address: '10.77.0.17', forwarding: 'tunnel', weight: 1 },
        ],
      },
      {
        protocol: 'fwmark', fwmark: 8, family: 'inet6', scheduler: 'mh', schedulerFlags: ['mh-port'],
        realServers: [{ address: '2001:db8::16', forwarding: 'dr', weight: 5 }],
      },
    ];
    expect(got).toStrictEqual(want);
  });

  it('reads thresholds, --pe, -o, tunnel options and long options', () => {
    const text = [
      '-A -u 10.77.0.10:5060 -s rr -p 30 --pe sip -o',
      '-a -u 10.77.0.10:5060 -r 10.77.0.16:5060 -g -w 1 -x 100 -y 10',
      '-a -u 10.77.0.10:5060 -r 10.77.0.17:5060 -i -w 1 --tun-type gue --tun-port 6080 --tun-remcsum',
      '-a -u 10.77.0.10:5060 -r 10.77.0.18:5060 -i -w 1 --tun-type ipip',
      '--add-service --tcp-service=10.77.0.10:25 --scheduler=lblcr',
      '--add-server --tcp-service 10.77.0.10:25 --real-server 10.77.0.16 --masquerading --weight 4',
    ].join('\n');
    expect(parseIpvsadmSave(text)).toStrictEqual([
      {
        protocol: 'tcp', vip: '10.77.0.10', port: 25, scheduler: 'lblcr',
        realServers: [{ address: '10.77.0.16', port: 25, forwarding: 'nat', weight: 4 }],
      },
      {
        protocol: 'udp', vip: '10.77.0.10', port: 5060, scheduler: 'rr', persistence: 30, persistenceEngine: 'sip', onePacket: true,
        realServers: [
          { address: '10.77.0.16', port: 5060, forwarding: 'dr', weight: 1, upperThreshold: 100, lowerThreshold: 10 },
          { address: '10.77.0.17', port: 5060, forwarding: 'tunnel', weight: 1, tunType: 'gue', tunPort: 6080, tunCsum: 'remcsum' },
          { address: '10.77.0.18', port: 5060, forwarding: 'tunnel', weight: 1 },
        ],
      },
    ]);
  });

  it('applies ipvsadm defaults: wlc, -g, weight 1, -p without a value = 300, vport as rport', () => {
    const got = parseIpvsadmSave('-A -t 10.77.0.10:80 -p\n-a -t 10.77.0.10:80 -r 10.77.0.16\n');
    expect(got).toStrictEqual([
      { protocol: 'tcp', vip: '10.77.0.10', port: 80, scheduler: 'wlc', persistence: 300, realServers: [{ address: '10.77.0.16', port: 80, forwarding: 'dr', weight: 1 }] },
    ]);
  });

  it('canonicalises IPv6 spellings and drops default masks', () => {
    const got = parseIpvsadmSave('-A -t [2001:DB8:0:0::10]:80 -s rr -p 10 -M 128\n-a -t [2001:db8::10]:80 -r 2001:0db8::16 -g -w 1\n');
    expect(got).toStrictEqual([
      { protocol: 'tcp', vip: '2001:db8::10', port: 80, scheduler: 'rr', persistence: 10, realServers: [{ address: '2001:db8::16', port: 80, forwarding: 'dr', weight: 1 }] },
    ]);
    expect(parseIpvsadmSave('-A -t 10.77.0.10:80 -s rr -p 10 -M 255.255.255.255\n')[0]).not.toHaveProperty('persistenceNetmask');
  });

  it.each([
    ['-X -t 10.77.0.10:80 -s rr', 'unknown option "-X"'],
    ['-t 10.77.0.10:80 -s rr', 'no -A or -a command'],
    ['-A -s rr', 'no service (-t, -u or -f)'],
    ['-A -t 10.77.0.10:80 -s bogus', 'unknown scheduler "bogus"'],
    ['-A -t 10.77.0.10 -s rr', 'no port in "10.77.0.10"'],
    ['-A -t web.example:80 -s rr', 'not a numeric IP address: "web.example" (use ipvsadm -n)'],
    ['-A -t 10.77.0.10:http -s rr', 'port is not a number: "http"'],
    ['-A -t 10.77.0.10:80 -s', 'option -s needs a value'],
    ['-A --sctp-service 10.77.0.10:80 -s rr', 'sctp services are not supported'],
    ['-a -t 10.77.0.10:80 -r 10.77.0.16:80 -g -w 1', 'which no earlier -A line added'],
    ['-A -t 10.77.0.10:80 -s rr\n-a -t 10.77.0.10:80 -r 10.77.0.16:80 -g -w 70000', 'weight 70000 is outside 0–65535'],
    ['-A -t 10.77.0.10:80 -s rr\n-A -t 10.77.0.10:80 -s wrr', 'listed twice'],
    ['-A -t 10.77.0.10:80 -s rr -b no-such-flag', 'unknown scheduler flag "no-such-flag"'],
    ['-A -t 10.77.0.10:80 -s rr\n-a -t 10.77.0.10:80 -r 10.77.0.16:80 -g -m -w 1', 'two forwarding methods'],
    ['-A -t [2001:db8::10:80 -s rr', 'expected [IPv6]:PORT'],
  ])('throws E_PARSE naming the line for %j', (text, reason) => {
    const e = parseError(text);
    const lines = text.split('\n');
    const bad = lines[lines.length - 1] ?? '';
    expect(e.code).toBe('E_PARSE');
    expect(e.message).toContain(reason);
    expect(e.message).toContain(`line ${lines.length}`);
    expect(e.message).toContain(JSON.stringify(bad));
    expect(e.detail.value).toBe(bad);
  });

  it('names the source in errors', () => {
    try {
      parseIpvsadmSave('garbage', '/etc/ipvsadm.rules');
      expect.unreachable();
    } catch (e) {
      expect((e as LvsError).message).toMatch(/^\/etc\/ipvsadm\.rules: line 1: cannot read line 1: unknown option "garbage" \(got "garbage"\)/);
    }
  });
});

describe('renderRules', () => {
  it('renders the exact ipvsadm -S -n text', () => {
    expect(renderRules(siteDesired())).toBe(SITE);
    expect(renderRules(parseIpvsadmSave(MIXED))).toBe(MIXED);
    expect(renderRules([])).toBe('');
  });

  it('sorts like ipvsadm whatever the input order', () => {
    const shuffled = parseIpvsadmSave(MIXED).reverse().map((s) => ({ ...s, realServers: [...s.realServers].reverse() }));
    expect(renderRules(shuffled)).toBe(MIXED);
  });

  it('round-trips: parse(renderRules(x)) deep-equals normalise(x)', () => {
    const x: VirtualService[] = [
      {
        protocol: 'udp', vip: '2001:0DB8::0:10', port: 53, scheduler: 'sh', schedulerFlags: ['sh-port', 'sh-fallback'], persistence: 0,
        realServers: [
          { address: '2001:db8::17', forwarding: 'dr', weight: 2 },
          { address: '2001:db8::16', port: 53, forwarding: 'dr', weight: 1, upperThreshold: 0, lowerThreshold: 0 },
        ],
      },
      {
        protocol: 'tcp', vip: '10.77.0.10', port: 80, scheduler: 'wrr', persistence: 300, persistenceNetmask: '255.255.0.0', onePacket: false,
        realServers: [
          { address: '10.77.0.17', port: 8080, forwarding: 'nat', weight: 1, upperThreshold: 50, lowerThreshold: 5 },
          { address: '10.77.0.16', port: 80, forwarding: 'tunnel', weight: 3, tunType: 'gre', tunCsum: 'csum' },
          { address: '10.77.0.18', forwarding: 'tunnel', weight: 3, tunType: 'ipip', tunCsum: 'nocsum' },
        ],
      },
      { protocol: 'fwmark', fwmark: 42, family: 'inet', scheduler: 'twos', realServers: [{ address: '10.77.0.16', forwarding: 'dr', weight: 1 }] },
    ];
    const rules = renderRules(x);
    expect(parseIpvsadmSave(rules)).toStrictEqual(normaliseServices(x));
    expect(rules).toBe(
      [
        '-A -t 10.77.0.10:80 -s wrr -p 300 -M 255.255.0.0',
        '-a -t 10.77.0.10:80 -r 10.77.0.16:80 -i -w 3 --tun-type gre --tun-csum',
        '-a -t 10.77.0.10:80 -r 10.77.0.17:8080 -m -w 1 -x 50 -y 5',
        '-a -t 10.77.0.10:80 -r 10.77.0.18:80 -i -w 3',
        '-A -u [2001:db8::10]:53 -s sh -b sh-fallback,sh-port',
        '-a -u [2001:db8::10]:53 -r [2001:db8::16]:53 -g -w 1',
        '-a -u [2001:db8::10]:53 -r [2001:db8::17]:53 -g -w 2',
        '-A -f 42 -s twos',
        '-a -f 42 -r 10.77.0.16:0 -g -w 1',
        '',
      ].join('\n'),
    );
  });
});

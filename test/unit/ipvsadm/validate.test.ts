import { describe, expect, it } from 'vitest';
import { LvsError, ValidationErrors } from '../../../src/errors.js';
import { SCHEDULERS, validateServices, type VirtualService } from '../../../roles/ipvsadm/model.js';
import { siteDesired } from './fixtures.js';

const where = { file: 'playbooks/site.ts', field: 'services' };

function errorsOf(input: unknown): LvsError[] {
  try {
    validateServices(input, where);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationErrors);
    expect((e as ValidationErrors).code).toBe('E_VALIDATION');
    return [...(e as ValidationErrors).errors];
  }
  throw new Error('expected validation errors');
}

/** The one error of `input`, checked to name the file, field, value and fix. */
function oneError(input: unknown, field: string, value: unknown): LvsError {
  const errs = errorsOf(input);
  expect(errs.map((e) => e.message)).toHaveLength(1);
  const e = errs[0]!;
  expect(e.detail.file).toBe('playbooks/site.ts');
  expect(e.detail.field).toBe(field);
  expect(e.detail.value).toEqual(value);
  expect(e.detail.fix).toBeTruthy();
  expect(e.message).toContain(`playbooks/site.ts: ${field}: `);
  expect(e.message).toContain(`(got ${JSON.stringify(value)})`);
  expect(e.message).toContain('\n  fix: ');
  return e;
}

function site(edit: (s: VirtualService) => void): VirtualService[] {
  const s = siteDesired();
  edit(s[0]!);
  return s;
}

describe('validateServices', () => {
  it('accepts the reference site and returns it typed', () => {
    expect(validateServices(siteDesired(), where)).toEqual(siteDesired());
    expect(validateServices([], where)).toEqual([]);
  });

  it('accepts fwmark, udp, NAT port mapping and IPv6', () => {
    const ok: VirtualService[] = [
      { protocol: 'fwmark', fwmark: 7, scheduler: 'rr', realServers: [{ address: '10.77.0.16', forwarding: 'dr', weight: 1 }] },
      { protocol: 'fwmark', fwmark: 8, family: 'inet6', scheduler: 'mh', schedulerFlags: ['mh-port'], realServers: [] },
      { protocol: 'udp', vip: '10.77.0.10', port: 53, scheduler: 'sh', realServers: [{ address: '10.77.0.16', port: 5353, forwarding: 'nat', weight: 0 }] },
      { protocol: 'tcp', vip: '2001:db8::10', port: 443, scheduler: 'lc', persistence: 60, persistenceNetmask: 64, realServers: [{ address: '2001:db8::16', forwarding: 'dr', weight: 65535 }] },
    ];
    expect(validateServices(ok, where)).toEqual(ok);
  });

  it('rejects a non-list', () => {
    oneError({ vip: '10.77.0.10' }, 'services', { vip: '10.77.0.10' });
  });

  it('rejects an invalid IPv4 VIP', () => {
    const e = oneError(site((s) => (s.vip = '10.77.0.300')), 'services[0].vip', '10.77.0.300');
    expect(e.message).toContain('invalid IP address');
  });

  it('rejects an invalid IPv6 real server', () => {
    const e = oneError(site((s) => (s.realServers[0]!.address = '2001:db8:::16')), 'services[0].realServers[0].address', '2001:db8:::16');
    expect(e.message).toContain('invalid IP address');
  });

  it('rejects host names', () => {
    oneError(site((s) => (s.vip = 'web.example')), 'services[0].vip', 'web.example');
  });

  it('rejects a port outside 1–65535 (service and real server)', () => {
    oneError(site((s) => (s.port = 0)), 'services[0].port', 0);
    const errs = errorsOf(site((s) => (s.realServers[1]!.port = 70000)));
    expect(errs).toHaveLength(1);
    expect(errs[0]!.detail).toMatchObject({ field: 'services[0].realServers[1].port', value: 70000, fix: 'a port is an integer from 1 to 65535' });
  });

  it('rejects an unknown scheduler, listing the allowed ones', () => {
    const e = oneError(site((s) => ((s as { scheduler: string }).scheduler = 'random')), 'services[0].scheduler', 'random');
    expect(e.detail.fix).toBe(`use one of: ${SCHEDULERS.join(', ')}`);
    expect(e.detail.fix).toContain('rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos');
  });

  it('rejects a DR real-server port that differs from the virtual port', () => {
    const e = oneError(site((s) => (s.realServers[1]!.port = 8080)), 'services[0].realServers[1].port', 8080);
    expect(e.detail.fix).toContain('in DR mode the real server port must equal the virtual port');
    expect(e.message).toContain('real server port 8080 differs from the virtual port 80');
  });

  it('rejects a duplicate real server (same address and effective port)', () => {
    const e = oneError(site((s) => s.realServers.push({ address: '10.77.0.16', forwarding: 'dr', weight: 1 })), 'services[0].realServers[2]', '10.77.0.16:80');
    expect(e.message).toContain('duplicate real server 10.77.0.16:80 (also realServers[0])');
  });

  it('rejects a duplicate virtual service, IPv6 spelled differently', () => {
    const input: VirtualService[] = [
      { protocol: 'tcp', vip: '2001:db8::10', port: 80, scheduler: 'rr', realServers: [] },
      { protocol: 'tcp', vip: '2001:DB8:0::10', port: 80, scheduler: 'wrr', realServers: [] },
    ];
    const e = oneError(input, 'services[1]', '-t [2001:db8::10]:80');
    expect(e.message).toContain('duplicate virtual service -t [2001:db8::10]:80 (also services[0])');
  });

  it('rejects a weight outside 0–65535', () => {
    const e = oneError(site((s) => (s.realServers[0]!.weight = 65536)), 'services[0].realServers[0].weight', 65536);
    expect(e.detail.fix).toContain('0 to 65535');
    oneError(site((s) => (s.realServers[0]!.weight = -1)), 'services[0].realServers[0].weight', -1);
  });

  it('rejects a fwmark service with vip/port, and one without a mark', () => {
    const errs = errorsOf([{ protocol: 'fwmark', vip: '10.77.0.10', port: 80, scheduler: 'rr', realServers: [] }]);
    expect(errs.map((e) => e.detail.field)).toEqual(['services[0].fwmark', 'services[0].vip', 'services[0].port']);
    expect(errs[1]!.detail.fix).toContain('drop vip');
    expect(errs[2]!.detail.fix).toContain('drop port');
  });

  it('rejects a tcp service without vip/port or with a fwmark', () => {
    const errs = errorsOf([{ protocol: 'tcp', fwmark: 3, scheduler: 'rr', realServers: [] }]);
    expect(errs.map((e) => e.detail.field)).toEqual(['services[0].vip', 'services[0].port', 'services[0].fwmark']);
  });

  it('rejects bad persistence settings and scheduler flags', () => {
    const errs = errorsOf([
      { protocol: 'tcp', vip: '10.77.0.10', port: 80, scheduler: 'rr', persistence: 3_000_000, schedulerFlags: ['sh-port', 'bogus'], realServers: [] },
      { protocol: 'tcp', vip: '10.77.0.10', port: 81, scheduler: 'rr', persistenceNetmask: '255.0.255.0', realServers: [] },
      { protocol: 'tcp', vip: '2001:db8::10', port: 80, scheduler: 'rr', persistence: 5, persistenceNetmask: 129, realServers: [] },
    ]);
    // the rules of one field (the model's schema) come first, then those between fields
    expect(errs.map((e) => [e.detail.field, e.detail.value])).toEqual([
      ['services[0].persistence', 3_000_000],
      ['services[0].schedulerFlags[0]', 'sh-port'],
      ['services[0].schedulerFlags[1]', 'bogus'],
      ['services[1].persistenceNetmask', '255.0.255.0'],
      ['services[1].persistenceNetmask', '255.0.255.0'],
      ['services[2].persistenceNetmask', 129],
    ]);
    expect(errs[1]!.detail.fix).toBe('set scheduler to "sh" or drop the flag');
    expect(errs[3]!.message).toContain('persistenceNetmask without persistence');
    expect(errs[4]!.message).toContain('invalid IPv4 persistence netmask');
  });

  it('rejects thresholds, tunnel options and mixed families', () => {
    const errs = errorsOf([
      {
        protocol: 'tcp', vip: '10.77.0.10', port: 80, scheduler: 'rr',
        realServers: [
          { address: '10.77.0.16', forwarding: 'dr', weight: 1, upperThreshold: 5, lowerThreshold: 10, tunType: 'gre' },
          { address: '10.77.0.17', forwarding: 'tunnel', weight: 1, tunType: 'gue' },
          { address: '2001:db8::18', forwarding: 'dr', weight: 1 },
        ],
      },
    ]);
    expect(errs.map((e) => e.detail.field)).toEqual([
      'services[0].realServers[0].lowerThreshold',
      'services[0].realServers[0].tunType',
      'services[0].realServers[1].tunPort',
      'services[0].realServers[2].address',
    ]);
    expect(errs[3]!.message).toContain('an IPv6 real server in an IPv4 service');
  });

  it('reports shape errors (types, enums, unknown fields) with paths', () => {
    const errs = errorsOf([
      { protocol: 'sctp', vip: '10.77.0.10', port: '80', scheduler: 'rr', realServers: [{ address: '10.77.0.16', forwarding: 'direct', weight: 1 }], colour: 'red' },
    ]);
    expect(errs.map((e) => e.detail.field)).toEqual([
      'services[0].protocol',
      'services[0].port',
      'services[0].realServers[0].forwarding',
      'services[0].colour',
    ]);
    expect(errs[0]!.detail.fix).toBe('use "tcp", "udp" or "fwmark"');
    expect(errs[2]!.detail.fix).toBe('use "dr" (direct routing), "nat" or "tunnel"');
    expect(errs[3]!.message).toContain('unknown field');
  });

  it('reports ALL problems at once, across services', () => {
    const input = [
      { protocol: 'tcp', vip: '10.77.0.999', port: 80, scheduler: 'nope', realServers: [{ address: '10.77.0.16', port: 81, forwarding: 'dr', weight: 70000 }] },
      { protocol: 'udp', vip: '10.77.0.10', port: 99999, scheduler: 'rr', realServers: 'none' },
      { protocol: 'tcp', vip: '10.77.0.10', port: 80, scheduler: 'rr', realServers: [] },
      { protocol: 'tcp', vip: '10.77.0.10', port: 80, scheduler: 'rr', realServers: [] },
    ];
    let thrown: unknown;
    try {
      validateServices(input, { field: 'vars.ipvs.services' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ValidationErrors);
    const errs = (thrown as ValidationErrors).errors;
    expect(errs.map((e) => e.detail.field)).toEqual([
      'vars.ipvs.services[0].scheduler',
      'vars.ipvs.services[0].realServers[0].weight',
      'vars.ipvs.services[0].vip',
      'vars.ipvs.services[0].realServers[0].port',
      'vars.ipvs.services[1].realServers',
      'vars.ipvs.services[3]',
    ]);
    expect((thrown as Error).message).toMatch(/^6 validation errors:\n- vars\.ipvs\.services\[0\]\.scheduler: unknown scheduler \(got "nope"\)/);
    expect((thrown as Error).message).toMatch(/\n- vars\.ipvs\.services\[0\]\.vip: invalid IP address \(got "10\.77\.0\.999"\)/);
  });
});

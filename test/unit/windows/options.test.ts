import { describe, expect, it } from 'vitest';
import { windowsRealServer } from '../../../roles/windows-realserver/index.js';
import { LvsError } from '../../../src/errors.js';

function err(f: () => unknown): LvsError {
  try {
    f();
  } catch (e) {
    if (e instanceof LvsError) return e;
    throw e;
  }
  throw new Error('expected a validation error');
}

describe('windowsRealServer options', () => {
  it('builds five powershell resources in order, with defaults', () => {
    const r = windowsRealServer({ vip: '10.77.0.10', tcpPorts: [80] });
    expect(r).toMatchObject({ type: 'role', name: 'windows-realserver' });
    expect(r.resources.map((x) => x.kind)).toEqual([
      'windows-loopback-adapter', 'windows-ip-addresses', 'windows-weak-host', 'windows-weak-host', 'windows-firewall-rule',
    ]);
    expect(r.resources.every((x) => x.shell === 'powershell')).toBe(true);
    expect(r.resources[0]?.id).toBe('windows loopback adapter "LVS Loopback"');
    expect(r.resources[4]?.id).toBe('windows firewall rule "lvs-play VIP"');
  });

  it('accepts quotes, $, backticks and semicolons in aliases (legal on Windows)', () => {
    const alias = `it's "LVS" $env:X \`n; Remove-Item C:\\ -Recurse`;
    const r = windowsRealServer({ vips: ['10.77.0.10'], tcpPorts: [80], loopbackAlias: alias, nicAlias: 'NIC $(whoami)' });
    expect(r.resources[0]?.id).toContain(JSON.stringify(alias));
  });

  it.each([
    [{ vips: ['10.77.0.300'], tcpPorts: [80] }, 'vips[0]'],
    [{ vips: ['10.77.0.10; calc'], tcpPorts: [80] }, 'vips[0]'],
    [{ vips: ['127.0.0.1'], tcpPorts: [80] }, 'vips[0]'],
    [{ vips: [], tcpPorts: [80] }, 'vips'],
    [{ tcpPorts: [80] }, 'vips'],
    [{ vip: '10.77.0.10', tcpPorts: [0] }, 'tcpPorts[0]'],
    [{ vip: '10.77.0.10', tcpPorts: [80.5] }, 'tcpPorts[0]'],
    [{ vip: '10.77.0.10', tcpPorts: [] }, 'tcpPorts'],
    [{ vip: '10.77.0.10', tcpPorts: [80], loopbackAlias: 'LVS\nLoopback' }, 'loopbackAlias'],
    [{ vip: '10.77.0.10', tcpPorts: [80], loopbackAlias: 'LVS\rLoopback' }, 'loopbackAlias'],
    [{ vip: '10.77.0.10', tcpPorts: [80], nicAlias: 'Eth\u0000' }, 'nicAlias'],
    [{ vip: '10.77.0.10', tcpPorts: [80], nicAlias: '' }, 'nicAlias'],
    [{ vip: '10.77.0.10', tcpPorts: [80], nicAlias: 'lvs loopback' }, 'nicAlias'],
    [{ vip: '10.77.0.10', tcpPorts: [80], firewallRuleName: 'a"b' }, 'firewallRuleName'],
    [{ vip: '10.77.0.10', tcpPorts: [80], bogus: 1 }, 'windows-realserver(options)'],
  ])('rejects %j (field %s)', (input, field) => {
    const e = err(() => windowsRealServer(input as never));
    expect(e.code).toBe('E_VALIDATION');
    expect(e.message).toContain(field);
  });
});

// directorConfig, the one-director builder of lvs-play/roles, refuses what directorConfigs refuses.
import { describe, expect, it } from 'vitest';

describe('directorConfig (one director) validates as directorConfigs does', () => {
  it('virtual_router_id 300, lb_algo wrrr and a 9-byte auth_pass are refused, all three at once, the password never shown', async () => {
    const { directorConfig } = await import('../../../roles/index.js');
    const { ValidationErrors } = await import('../../../src/errors.js');
    const bad = { vips: ['10.77.0.10'], interface: 'eth0', virtualRouterId: 300, authPass: 'ninebytes', services: [{ port: 80, lbAlgo: 'wrrr' as 'wrr', realServers: [{ address: '10.77.0.16' }] }] };
    let err: unknown;
    try {
      directorConfig(bad, 'lvs1', { state: 'MASTER', priority: 150 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationErrors);
    const fields = (err as InstanceType<typeof ValidationErrors>).errors.map((e) => e.detail.field);
    expect(fields).toEqual(expect.arrayContaining(['directors.lvs1.vrrpInstances[0].virtualRouterId', 'directors.lvs1.virtualServers[0].lbAlgo', 'directors.lvs1.vrrpInstances[0].authentication.pass']));
    expect(String((err as Error).message)).not.toContain('ninebytes');
    expect(() => directorConfig({ ...bad, virtualRouterId: 51, authPass: 'pw', services: [{ ...bad.services[0]!, lbAlgo: 'lblcr' }] }, 'lvs1', { state: 'MASTER', priority: 150 })).not.toThrow();
  });
});

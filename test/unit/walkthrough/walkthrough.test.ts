// The walkthrough's own site (test/fixtures/walkthrough): described through the public API
// ('lvs-play/roles') and the reference site's vars (inventory/prod.ts, docs/site.md's seed values),
// rendered, and compared with the reconstructed MASTER and BACKUP keepalived.conf block by block.
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import prod from '../../../inventory/prod.js';
import { directorConfigs, renderKeepalivedConf, type DirectorSite } from '../../../roles/index.js';
import { renderCommand } from '../../../src/cli/render.js';
import { blocksOf, parseBlocks, bareVips, canonical } from './blocks.js';

const FIXTURE = {
  lvs1: readFileSync('test/fixtures/walkthrough/keepalived-master.conf', 'utf8'),
  lvs2: readFileSync('test/fixtures/walkthrough/keepalived-backup.conf', 'utf8'),
};
/** docs/site.md, "the seed" column. */
const SEED = { persistence_timeout: 50, delay_loop: 6, check_connect_timeout: 3, check_retry: 3, check_delay_before_retry: 3, vrrp_auth_pass: '1111' };

describe('the walkthrough\'s MASTER and BACKUP keepalived.conf', () => {
  it('the comparison: whitespace, comments and order free; the VIP as /32 dev IFACE equals the bare VIP, and nothing else is forgiven', () => {
    const a = 'vrrp_instance VI_1 {\n interface eth0\n virtual_ipaddress {\n 10.0.0.1\n }\n state MASTER\n}\n';
    const b = '# x\nvrrp_instance  VI_1 {\n    state MASTER\n    virtual_ipaddress {\n        10.0.0.1/32 dev eth0\n    }\n    interface eth0\n}\n';
    expect(blocksOf(b)).toEqual(blocksOf(a));
    expect(blocksOf(b.replace('dev eth0', 'dev eth1'))).not.toEqual(blocksOf(a));
    expect(blocksOf(b.replace('/32 dev eth0', '/24 dev eth0'))).not.toEqual(blocksOf(a));
    expect(blocksOf(b.replace('state MASTER', 'state BACKUP'))).not.toEqual(blocksOf(a));
    expect(canonical(bareVips(parseBlocks(`${a}virtual_server 10.0.0.1 80 {\n sorry_server 10.0.0.1/32 dev eth0\n}\n`)))).toContain('10.0.0.1/32 dev eth0');
  });

  it('differ only in router_id, state and priority (as the walkthrough says)', () => {
    const diff = FIXTURE.lvs1.split('\n').filter((l, i) => l !== FIXTURE.lvs2.split('\n')[i] && !l.startsWith('!')).map((l) => l.trim().split(' ')[0]);
    expect(diff).toEqual(['router_id', 'state', 'priority']);
  });

  it('described with directorConfigs (lvs-play/roles) and the reference inventory\'s vars, rendered: the same blocks', () => {
    const directors = prod.groups?.directors?.hosts ?? {};
    const realServers = Object.values(prod.groups?.windows?.hosts ?? {}).map((h) => ({ address: h!.address!, weight: 1, check: { type: 'TCP_CHECK' as const, connectTimeout: SEED.check_connect_timeout, connectPort: 80, retry: SEED.check_retry, delayBeforeRetry: SEED.check_delay_before_retry } }));
    const site: DirectorSite = {
      vips: [String(prod.vars?.vip)],
      interface: 'eth0',
      virtualRouterId: 51,
      authPass: SEED.vrrp_auth_pass,
      advertInt: 1,
      services: [{ port: 80, lbAlgo: 'wrr', lbKind: 'DR', protocol: 'TCP', delayLoop: SEED.delay_loop, persistenceTimeout: SEED.persistence_timeout, realServers }],
    };
    const vars = Object.fromEntries(Object.entries(directors).map(([name, h]) => [name, { ...(h!.vars!.vrrp as { state: 'MASTER' | 'BACKUP'; priority: number }), address: h!.address! }]));
    const configs = directorConfigs(site, vars);
    for (const host of ['lvs1', 'lvs2'] as const) expect(blocksOf(renderKeepalivedConf(configs[host]!))).toEqual(blocksOf(FIXTURE[host]));
  });

  it('the reference site itself (playbooks/site.ts -i prod, the seed values as vars), through lvs-play render: the same blocks, the password masked', { timeout: 60_000 }, async () => {
    let text = '';
    const out = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) });
    const extra = ['-e', JSON.stringify(SEED)];
    expect(await renderCommand(['playbooks/site.ts', '-i', 'prod', '--limit', 'directors', ...extra], out)).toBe(0);
    for (const host of ['lvs1', 'lvs2'] as const) {
      const start = text.indexOf(`----- ${host}:/etc/keepalived/keepalived.conf`);
      const conf = text.slice(text.indexOf('\n', start) + 1).split('\n----- ')[0]!;
      // the one addition to the seed's config: IPVS connection sync between the two directors (lvs_sync, on by default)
      const want = FIXTURE[host].replace('auth_pass 1111', 'auth_pass ********').replace(/^(\s*)router_id (\S+)$/m, '$1router_id $2\n$1lvs_sync_daemon eth0 VI_1');
      expect(blocksOf(conf)).toEqual(blocksOf(want));
    }
  });
});

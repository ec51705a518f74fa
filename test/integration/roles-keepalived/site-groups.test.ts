/**
 * The reference site (playbooks/site.ts -i prod, through `lvs-play render`: nothing is contacted)
 * with the health checks and VIP groups of issue 22: HTTP_GET / SSL_GET / MISC_CHECK per port,
 * inhibit_on_failure, two VRRP instances each with its own MASTER, a vrrp_sync_group, a
 * virtual_server_group. Every director's rendered keepalived.conf passes this machine's
 * `keepalived -t` (Debian's 2.2.7), combination by combination.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { renderCommand } from '../../../src/cli/render.js';
import { KEEPALIVED_BIN, keepalivedTest, REAL_IFACE } from './keepalived-t.js';

const dir = mkdtempSync(join(tmpdir(), 'lvs-ka-groups-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
chmodSync(dir, 0o755);
const script = join(dir, 'check_app');
writeFileSync(script, '#!/bin/sh\nexit 0\n');
chmodSync(script, 0o755);

const iface = REAL_IFACE;

/** Each director's keepalived.conf as `lvs-play render` prints it (the password masked). */
async function render(vars: Record<string, unknown>): Promise<Record<string, string>> {
  let text = '';
  const out = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) });
  expect(await renderCommand(['playbooks/site.ts', '-i', 'prod', '--limit', 'directors', '-e', JSON.stringify({ vrrp_interface: iface, ...vars })], out)).toBe(0);
  const confs: Record<string, string> = { all: text };
  for (const host of ['lvs1', 'lvs2']) {
    const start = text.indexOf(`----- ${host}:/etc/keepalived/keepalived.conf`);
    expect(start, text.slice(0, 2000)).toBeGreaterThanOrEqual(0);
    confs[host] = text.slice(text.indexOf('\n', start) + 1).split('\n----- ')[0]!;
  }
  return confs;
}

function keepalivedT(name: string, conf: string): Promise<{ code: number; out: string }> {
  const file = join(dir, `${name}.conf`);
  writeFileSync(file, conf);
  return keepalivedTest(file);
}

const COMBINATIONS: Record<string, { vars: Record<string, unknown>; lines: string[] }> = {
  'HTTP_GET on 80 (virtualhost, digest), SSL_GET on 443, inhibit_on_failure': {
    vars: {
      ports: [80, 443],
      health_checks: { 80: { type: 'http', path: '/health', status: 200, virtualhost: 'www.example.com', digest: '9b3a0c85a887a256d6939da88aabd8cd' }, 443: { type: 'ssl', path: '/', connect_timeout: 2, retry: 1, delay_before_retry: 1 } },
      inhibit_on_failure: true,
      check_retry: 3,
    },
    lines: ['HTTP_GET {', 'path /health', 'digest 9b3a0c85a887a256d6939da88aabd8cd', 'status_code 200', 'virtualhost www.example.com', 'SSL_GET {', 'inhibit_on_failure', 'connect_port 443'],
  },
  'MISC_CHECK (misc_dynamic) on 80, TCP_CHECK with its own timing on 443, INI strings': {
    vars: { ports: '80,443', health_checks: JSON.stringify({ 80: { type: 'misc', script: `${script} --port 80`, timeout: 5, dynamic: 'yes' }, 443: { type: 'tcp', connect_timeout: 2 } }) },
    lines: [`misc_path "${script} --port 80"`, 'misc_timeout 5', 'misc_dynamic', 'TCP_CHECK {\n            connect_timeout 2\n            connect_port 443'],
  },
  'two VIP groups, lvs1 MASTER of one and lvs2 of the other, HTTP_GET': {
    vars: { vip_groups: [{ name: 'VI_web', vips: ['192.168.1.10'], master: 'lvs1' }, { name: 'VI_api', vips: ['192.168.1.11'], master: 'lvs2' }], health_checks: { 80: { type: 'http' } } },
    lines: ['vrrp_instance VI_web {', 'vrrp_instance VI_api {', 'virtual_router_id 52', 'virtual_server 192.168.1.11 80', 'path /'],
  },
  'a vrrp_sync_group and a virtual_server_group (INI strings)': {
    vars: {
      vip_groups: JSON.stringify([{ name: 'VI_web', vips: ['192.168.1.10', '192.168.1.12'], virtual_server_group: true, router_id: 60 }, { name: 'VI_db', vips: ['192.168.1.11'] }]),
      vrrp_sync_groups: JSON.stringify({ VG_1: ['VI_web', 'VI_db'] }),
    },
    lines: ['vrrp_sync_group VG_1 {', 'virtual_server_group VI_web_80 {', 'virtual_server group VI_web_80 {', 'virtual_server 192.168.1.11 80', 'virtual_router_id 60', 'virtual_router_id 52'],
  },
  // what the e2e suite's HTTP_GET 500 case adds to its SITE_EXTRA_VARS (its realserver_groups: prod has no Linux real servers)
  'the e2e HTTP_GET case: delay_loop 2, connect_timeout 1, retry 0': {
    vars: { delay_loop: 2, health_checks: { 80: { type: 'http', path: '/', status: 200, connect_timeout: 1, retry: 0 } } },
    lines: ['delay_loop 2', 'HTTP_GET {\n            url {\n                path /\n                status_code 200\n            }\n            connect_timeout 1\n            connect_port 80\n            retry 0\n'],
  },
  'a fwmark service on two VIPs and two ports (the firewall marks them), HTTP_GET on the first port': {
    vars: { ports: [80, 443], vip_groups: [{ name: 'VI_web', vips: ['192.168.1.10', '192.168.1.11'], fwmark: 7 }], health_checks: { 80: { type: 'http', path: '/health' } }, persistence_timeout: 50 },
    lines: ['virtual_server fwmark 7 {', 'persistence_timeout 50', 'real_server 192.168.1.16 {', 'connect_port 80', 'path /health'],
  },
};

describe.skipIf(!KEEPALIVED_BIN)('the site\'s health checks and VIP groups pass keepalived -t', () => {
  for (const [name, c] of Object.entries(COMBINATIONS)) {
    it(name, { timeout: 60_000 }, async () => {
      const confs = await render(c.vars);
      for (const line of c.lines) expect(confs.lvs1).toContain(line);
      for (const [host, conf] of Object.entries(confs).filter(([h]) => h !== 'all')) {
        const r = await keepalivedT(`${name.replace(/\W+/g, '-')}-${host}`, conf);
        expect(r, `${host}: ${r.out}`).toMatchObject({ code: 0 });
      }
    });
  }

  it('the MASTER of each group, as rendered', async () => {
    const confs = await render(COMBINATIONS['two VIP groups, lvs1 MASTER of one and lvs2 of the other, HTTP_GET']!.vars);
    const stateOf = (conf: string, inst: string) => new RegExp(`vrrp_instance ${inst} \\{\\n\\s+state (\\w+)[\\s\\S]*?priority (\\d+)`).exec(conf)?.slice(1);
    expect([stateOf(confs.lvs1!, 'VI_web'), stateOf(confs.lvs1!, 'VI_api'), stateOf(confs.lvs2!, 'VI_web'), stateOf(confs.lvs2!, 'VI_api')]).toEqual([
      ['MASTER', '150'], ['BACKUP', '100'], ['BACKUP', '100'], ['MASTER', '150'],
    ]);
  });

  it('a fwmark group: one virtual server, no per-VIP ones; the firewall marks each VIP and port with iptables -t mangle', async () => {
    const confs = await render(COMBINATIONS['a fwmark service on two VIPs and two ports (the firewall marks them), HTTP_GET on the first port']!.vars);
    expect(confs.lvs1).not.toMatch(/virtual_server 192/);
    expect(confs.lvs1).not.toMatch(/protocol TCP/);
    for (const vip of ['192.168.1.10', '192.168.1.11']) {
      for (const port of [80, 443]) {
        expect(confs.all).toContain(`iptables -w -A PREROUTING -t mangle -d ${vip}/32 -p tcp -m tcp --dport ${port} -m comment --comment 'lvs-play: mark 7 tcp/${port} to ${vip}' -j MARK --set-mark 7`);
      }
    }
  });
});

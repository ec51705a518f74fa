// lvs-play render: every file and setting each host would get, from the site alone (the reference
// inventory, which nothing here ever contacts), secrets masked, identical run after run.
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCli } from '../../../src/cli/args.js';
import { parseRenderArgs, renderCommand } from '../../../src/cli/render.js';
import { RENDER_MARKER } from '../../../src/render/output.js';

const PASS = 'Sekr1t9x';
const BASE = ['playbooks/site.ts', '-i', 'prod', '-e', `vrrp_auth_pass=${PASS}`];

function sink(): Writable & { text: () => string } {
  let buf = '';
  const w = new Writable({ write: (c, _e, cb) => ((buf += String(c)), cb()) }) as Writable & { text: () => string };
  w.text = () => buf;
  return w;
}

async function render(...args: string[]): Promise<string> {
  const out = sink();
  expect(await renderCommand([...BASE, ...args], out)).toBe(0);
  return out.text();
}

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(d: string): Promise<void> {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out[relative(dir, p)] = await readFile(p, 'utf8');
    }
  }
  await walk(dir);
  return out;
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
const temp = async () => {
  const d = await mkdtemp(join(tmpdir(), 'lvs-render-'));
  dirs.push(d);
  return d;
};

describe('lvs-play render (command line)', () => {
  it('is its own command, with -i, --limit, -e and --out', () => {
    expect(parseCli(['render', 'site.ts', '-i', 'prod'])).toEqual({ kind: 'render', argv: ['site.ts', '-i', 'prod'] });
    expect(parseRenderArgs(['site.ts', '-i', 'prod', '-l', 'lvs1', '--out', 'r', '-e', 'a=1'])).toEqual({ playbook: 'site.ts', inventory: 'prod', limit: 'lvs1', out: 'r', extraVars: ['a=1'] });
    expect(() => parseRenderArgs(['site.ts'])).toThrow(/no inventory/);
    expect(() => parseRenderArgs(['-i', 'prod'])).toThrow(/no playbook/);
    expect(() => parseRenderArgs(['site.ts', '-i', 'prod', '--check'])).toThrow(/check/);
  });
});

describe('lvs-play render (the reference site, -i prod)', { timeout: 60_000 }, () => {
  it('every director gets its keepalived.conf (MASTER/BACKUP), the auth_pass masked, never in clear', async () => {
    const text = await render();
    expect(text).not.toContain(PASS);
    const conf = (host: string) => text.slice(text.indexOf(`----- ${host}:/etc/keepalived/keepalived.conf`)).split('\n----- ')[0]!;
    expect(conf('lvs1')).toContain('state MASTER');
    expect(conf('lvs1')).toContain('priority 150');
    expect(conf('lvs2')).toContain('state BACKUP');
    expect(conf('lvs1')).toContain('auth_pass ********');
    expect(conf('lvs1')).toMatch(/virtual_server 192\.168\.1\.10 80 \{[\s\S]*real_server 192\.168\.1\.16 80[\s\S]*real_server 192\.168\.1\.17 80/);
  });

  it('the directors\' sysctls and firewall rules, the Windows real servers\' loopback, weak host and firewall rule', async () => {
    const text = await render();
    expect(text).toContain('live and in /etc/sysctl.d/60-lvs-play-director.conf: net.ipv4.ip_forward = 1');
    expect(text).toMatch(/iptables -w -I INPUT -d 192\.168\.1\.10\/32 -p tcp -m tcp --dport 80 .*-j ACCEPT/);
    expect(text).toContain('a Microsoft loopback adapter (*MSLOOP, netloop.inf) named "LVS Loopback"');
    expect(text).toContain('"LVS Loopback": DHCP off, IPv4 192.168.1.10/32 only');
    expect(text).toContain('"LVS Loopback": weakhostreceive=enabled, weakhostsend=enabled');
    expect(text).toContain('firewall rule "lvs-play VIP": enabled inbound allow TCP ports 80 to 192.168.1.10');
  });

  it('--limit renders only those hosts', async () => {
    const text = await render('--limit', 'lvs2');
    expect(text).toContain('===== lvs2 =====');
    expect(text).not.toContain('===== lvs1 =====');
    expect(text).not.toContain('===== web1 =====');
  });

  it('--out: one folder per host, byte-identical run after run; a folder render did not write is refused', async () => {
    const d = await temp();
    const a = join(d, 'a');
    await render('--out', a);
    const first = await tree(a);
    expect(Object.keys(first)).toEqual(expect.arrayContaining([RENDER_MARKER, 'lvs1/settings.txt', 'lvs1/files/etc/keepalived/keepalived.conf', 'lvs2/files/etc/keepalived/keepalived.conf', 'web1/settings.txt', 'web2/settings.txt']));
    expect(JSON.stringify(first)).not.toContain(PASS);
    await render('--out', a);
    expect(await tree(a)).toEqual(first);
    const other = join(d, 'mine');
    await mkdir(other);
    await writeFile(join(other, 'notes.txt'), 'keep me');
    await expect(renderCommand([...BASE, '--out', other], sink())).rejects.toThrow(/not written by lvs-play render/);
    expect(await readFile(join(other, 'notes.txt'), 'utf8')).toBe('keep me');
  });
});

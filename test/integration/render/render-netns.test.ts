// lvs-play render opens no connection: it runs inside a network namespace with nothing in it (not
// even lo up: any connection attempt would fail), and gives the same bytes as outside it. Each
// director's rendered keepalived.conf passes this machine's `keepalived -t`.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = 'dist/src/cli/main.js';
const NS = `lvs-render-${process.pid}`;
const haveIp = spawnSync('ip', ['netns', 'list']).status === 0;
const skip = !existsSync(MAIN) ? 'dist/ not built (npm run build)' : !haveIp ? 'ip netns unavailable (root needed)' : null;
const iface = Object.entries(networkInterfaces()).filter(([, a]) => (a ?? []).some((x) => !x.internal)).map(([n]) => n).sort()[0] ?? 'eth0';
const keepalived = ['/usr/sbin/keepalived', '/usr/local/sbin/keepalived'].find((p) => existsSync(p));
// vrrp_interface: an interface of this machine, so keepalived -t here accepts the VRRP instance
const ARGS = ['render', 'playbooks/site.ts', '-i', 'prod', '-e', 'vrrp_auth_pass=pw123456', '-e', `vrrp_interface=${iface}`, '-e', 'lb_algo=lblcr'];

function run(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 120_000, maxBuffer: 64 << 20 }, (e, stdout, stderr) => resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, out: `${stdout}${stderr}` }));
  });
}

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else out[relative(dir, join(d, e.name))] = await readFile(join(d, e.name), 'utf8');
    }
  };
  await walk(dir);
  return out;
}

describe.skipIf(skip !== null)(`lvs-play render in an empty network namespace${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 180_000 }, () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lvs-render-ns-'));
    execFileSync('ip', ['netns', 'add', NS]);
  });
  afterAll(async () => {
    spawnSync('ip', ['netns', 'del', NS]);
    await rm(dir, { recursive: true, force: true });
  });

  it('renders every host there, byte for byte what it renders outside', async () => {
    expect(execFileSync('ip', ['netns', 'exec', NS, 'ip', '-o', 'link'], { encoding: 'utf8' })).not.toMatch(/state UP/);
    const inside = await run('ip', ['netns', 'exec', NS, process.execPath, MAIN, ...ARGS, '--out', join(dir, 'in')]);
    expect(inside.code, inside.out).toBe(0);
    expect(inside.out).toMatch(/^rendered 4 host\(s\) into /);
    const outside = await run(process.execPath, [MAIN, ...ARGS, '--out', join(dir, 'out')]);
    expect(outside.code, outside.out).toBe(0);
    const a = await tree(join(dir, 'in'));
    expect(Object.keys(a)).toEqual(expect.arrayContaining(['lvs1/files/etc/keepalived/keepalived.conf', 'lvs2/files/etc/keepalived/keepalived.conf', 'web1/settings.txt']));
    expect(JSON.stringify(a)).not.toContain('pw123456');
    expect(await tree(join(dir, 'out'))).toEqual(a);
  });

  it.skipIf(!keepalived)('keepalived -t accepts each director\'s rendered keepalived.conf', async () => {
    for (const host of ['lvs1', 'lvs2']) {
      const file = join(dir, 'in', host, 'files/etc/keepalived/keepalived.conf');
      expect(await readFile(file, 'utf8')).toContain('lb_algo lblcr');
      const r = await run(keepalived!, ['-t', '-l', '-f', file]);
      expect(r.code, `${host}: ${r.out}`).toBe(0);
    }
  });
});

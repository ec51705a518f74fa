import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../../src/cli/args.js';
import { provenanceText, resolveSshHosts } from '../../../src/cli/ssh-settings.js';
import type { HostView } from '../../../src/types.js';

const view = (name: string, address: string, connection: HostView['connection']): HostView => ({ name, address, connection, vars: {}, groups: [] } as unknown as HostView);

describe('ssh options on the command line', () => {
  it('--ssh-config and -T/--timeout (seconds)', () => {
    const c = parseCli(['site.ts', '-i', 'lab', '--ssh-config', '/x/cfg', '-T', '2.5']);
    expect(c).toMatchObject({ kind: 'run', options: { sshConfig: '/x/cfg', timeoutMs: 2500 } });
    expect(() => parseCli(['site.ts', '-i', 'lab', '--timeout', '0'])).toThrow(/--timeout must be a number of seconds/);
  });
});

describe('-vv: where each ssh setting came from', () => {
  it('names the inventory, the ssh_config file:line and defaults; a bad file fails naming host, file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prov-'));
    const cfg = join(dir, 'cfg');
    writeFileSync(cfg, '# site\nHost web*\n  Port 2201\n  ProxyJump admin@bastion\n');
    const s = resolveSshHosts([view('web1', 'web1', { type: 'ssh', user: 'root' }), view('win', 'win', { type: 'psrp-ssh', user: 'a' })], { sshConfig: cfg });
    expect([...s.keys()]).toEqual(['web1', 'win']); // PowerShell over SSH: its jump settings
    const text = provenanceText(s);
    expect(text).toMatch(/User\s+root\s+\[inventory connection\.user\]/);
    expect(text).toContain(`Port                   2201  [${cfg}:3]`);
    expect(text).toContain(`ProxyJump              admin@bastion  [${cfg}:4]`);
    expect(text).toMatch(/ConnectTimeout\s+10s\s+\[default\]/);
    writeFileSync(cfg, 'Host *\n  Port none\n');
    expect(() => resolveSshHosts([view('web1', '10.0.0.1', { type: 'ssh' })], { sshConfig: cfg })).toThrow(/web1: .*Port is not a port number/s);
  });
});

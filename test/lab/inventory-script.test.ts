/**
 * A dynamic inventory (an executable printing Ansible's JSON, as a CMDB script would) produces the
 * lab's hosts: `--list-hosts` lists what `-i lab` lists, and the reference site runs through it on
 * the lab with every host ok.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../src/lab/paths.js';
import { ensureKeepalivedTarball } from '../../src/lab/sources.js';
import { cli, ensureLab } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'lvs-inv-script-'));
const script = join(dir, 'cmdb.py');
const env = { LVS_VRRP_PASS: '' };

beforeAll(async () => {
  await ensureLab();
  const tarball = await ensureKeepalivedTarball();
  const conn = { ansible_user: 'root', ansible_ssh_private_key_file: paths.key(), ansible_ssh_common_args: `-o UserKnownHostsFile=${paths.knownHosts()}` };
  const data = {
    all: { vars: { ...conn, vip: '10.77.0.10', vrrp_auth_pass: 'lvs-lab', ipvs_tuning: false, keepalived_args: ['-D', '--vrrp'], keepalived_tarball: tarball } },
    directors: { hosts: ['lvs1', 'lvs2'] },
    linux_realservers: { hosts: ['rs1', 'rs2'] },
    windows: { hosts: ['win1'], vars: { ansible_shell_type: 'powershell' } },
    clients: { hosts: ['client'] },
    _meta: {
      hostvars: {
        lvs1: { ansible_host: '10.77.0.14', vrrp: { state: 'MASTER', priority: 150 } },
        lvs2: { ansible_host: '10.77.0.15', vrrp: { state: 'BACKUP', priority: 100 } },
        rs1: { ansible_host: '10.77.0.16', weight: 3 },
        rs2: { ansible_host: '10.77.0.17', weight: 1 },
        win1: { ansible_host: '10.77.0.18', weight: 1 },
        client: { ansible_host: '10.77.0.20' },
      },
    },
  };
  writeFileSync(script, `#!/usr/bin/python3
import json, sys
DATA = json.loads(${JSON.stringify(JSON.stringify(data))})
if sys.argv[1:] == ['--list']:
    print(json.dumps(DATA))
else:
    print(json.dumps(DATA['_meta']['hostvars'].get(sys.argv[2], {})))
`);
  chmodSync(script, 0o755);
});

describe('an inventory script produces the lab', () => {
  it('--list-hosts: the same plays and hosts as -i lab', () => {
    const viaScript = cli(['playbooks/site.ts', '-i', script, '--list-hosts'], env);
    const viaLab = cli(['playbooks/site.ts', '-i', 'lab', '--list-hosts'], env);
    expect(viaScript.code, viaScript.stderr).toBe(0);
    expect(viaScript.stderr).toBe('');
    expect(viaScript.stdout).toBe(viaLab.stdout);
    expect(viaScript.stdout).toContain('win1  10.77.0.18');
  });

  it('the reference site runs through it on the lab: every host converges, none failed or unreachable', () => {
    const r = cli(['playbooks/site.ts', '-i', script], env);
    expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
    // ok or changed (a host another test left unconverged is converged here), never failed or unreachable
    for (const h of ['lvs1', 'lvs2', 'rs1', 'rs2', 'win1']) expect(r.stdout).toMatch(new RegExp(`${h}\\s+: ok=\\d+\\s+changed=\\d+\\s+failed=0\\s+skipped=\\d+\\s+unreachable=0`));
  });
});

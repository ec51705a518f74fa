/**
 * `lab up --realservers N`: extra real servers are real hosts (their sshd answers, lvs-play runs
 * on them through `-i lab`), listed in linux_realservers with weights, sharing only the hard-linked
 * parts of their rootfs; a plain `lab up` removes them. Lean: N = 5.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { play, playbook, file } from '../../src/index.js';
import { extraHosts, hostExec, labPaths, labUp } from '../../src/lab/index.js';
import { silent } from '../../src/lab/exec.js';
import { labInventory } from '../../src/lab/inventory.js';
import { runOnLab } from './support.js';

describe('lab up --realservers 5', () => {
  afterAll(async () => {
    await labUp({ progress: silent }); // the standard lab again
  }, 120_000);

  it('adds rs3 … rs7: in -i lab with weights, reachable, each with its own /etc and a shared /usr', async () => {
    await labUp({ realservers: 5, progress: silent });
    const extras = extraHosts();
    expect(extras.map((h) => `${h.name} ${h.address} ${String(h.vars['weight'])}`)).toEqual([
      'rs3 10.77.0.100 1', 'rs4 10.77.0.101 2', 'rs5 10.77.0.102 3', 'rs6 10.77.0.103 1', 'rs7 10.77.0.104 2',
    ]);
    const group = labInventory().groups?.['linux_realservers']?.hosts ?? {};
    expect(Object.keys(group)).toEqual(['rs1', 'rs2', 'rs3', 'rs4', 'rs5', 'rs6', 'rs7']);
    expect(group['rs5']).toMatchObject({ address: '10.77.0.102', vars: { weight: 3 } });

    // the extras' copies outlive `lab down`: start from a host without the file, leave none behind
    for (const h of extras) await hostExec(h.name, ['rm', '-f', '/etc/lvs-extra-test']);
    const report = await runOnLab(playbook('extras', [
      play('extras', { hosts: 'rs3:rs4:rs5:rs6:rs7' }, (h) => [file({ path: '/etc/lvs-extra-test', content: `${h.name}\n` })]),
    ]));
    expect(Object.values(report.summary).every((s) => s.changed === 1 && s.failed === 0 && s.unreachable === 0)).toBe(true);
    for (const h of extras) expect((await hostExec(h.name, ['cat', '/etc/lvs-extra-test'])).stdout).toBe(`${h.name}\n`);
    // shared: one inode for /usr/bin/ls in every extra host; own: /etc/hostname
    const ino = (host: string, p: string) => statSync(join(labPaths.rootfs(host), p)).ino;
    expect(ino('rs3', 'usr/bin/ls')).toBe(ino('rs7', 'usr/bin/ls'));
    expect(ino('rs3', 'etc/hostname')).not.toBe(ino('rs7', 'etc/hostname'));
    expect((await hostExec('rs4', ['hostname'])).stdout.trim()).toBe('rs4');
    for (const h of extras) await hostExec(h.name, ['rm', '-f', '/etc/lvs-extra-test']);
  }, 180_000);

  it('a plain lab up removes them (netns gone, no longer in -i lab)', async () => {
    await labUp({ progress: silent });
    expect(extraHosts()).toEqual([]);
    expect(Object.keys(labInventory().groups?.['linux_realservers']?.hosts ?? {})).toEqual(['rs1', 'rs2']);
    expect((await hostExec('rs3', ['true'])).code).toBe(null);
  }, 120_000);
});

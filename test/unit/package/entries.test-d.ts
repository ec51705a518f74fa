/**
 * Type-level tests of the BUILT package, imported by its names as a consumer does (test/tsconfig.typecheck.json
 * has no paths: 'lvs-play…' resolves through package.json exports to dist/*.d.ts). Run by the unit project.
 */
import { describe, expectTypeOf, it } from 'vitest';
import * as main from 'lvs-play';
import { command, defineResource, defineRole, file, inventory, play, playbook, sh, type HostView, type Playbook, type Resource, type RoleInstance } from 'lvs-play';
import * as kit from 'lvs-play/kit';
import { absPath, applyFileChange, fileFact, ipv4, onDebian, onlyOn, planFileContent, port, z, type FileChange, type FileState } from 'lvs-play/kit';
import { directorBase, firewall, keepalived, linuxRealServer, type LinuxRealServerInput } from 'lvs-play/roles';
import { labInventory } from 'lvs-play/lab';
import type { InventorySpec } from 'lvs-play';

describe('lvs-play (built)', () => {
  it('builds a playbook from plays and lvs-play/roles', () => {
    const pb = playbook('site', [
      play('rs', { hosts: 'linux_realservers' }, (host) => [linuxRealServer({ vip: host.var('vip', ipv4), tcpPorts: [80] })]),
      play('directors', { hosts: 'directors' }, (host) => [
        directorBase(),
        firewall({ vip: host.var('vip', ipv4), tcpPorts: [80], vrrpPeers: host.group('directors').map((d) => d.address) }),
      ]),
    ]);
    expectTypeOf(pb).toEqualTypeOf<Playbook>();
    expectTypeOf(linuxRealServer({ vip: '10.0.0.1', tcpPorts: [80] })).toEqualTypeOf<RoleInstance>();
    expectTypeOf(keepalived.backupFirst).toBeFunction();
  });

  it('refuses wrong role options at compile time', () => {
    // @ts-expect-error tcpPorts are numbers
    linuxRealServer({ vip: '10.0.0.1', tcpPorts: ['eighty'] });
    // @ts-expect-error vip is an address string
    linuxRealServer({ vip: 10, tcpPorts: [80] });
    // @ts-expect-error an unknown firewall backend
    directorBase({ firewall: 'pf' });
    expectTypeOf<LinuxRealServerInput['tcpPorts']>().toEqualTypeOf<number[] | undefined>();
  });

  it('host.var returns what the schema parses to', () => {
    const h = {} as HostView;
    expectTypeOf(h.var('vip', ipv4)).toEqualTypeOf<string>();
    expectTypeOf(h.var('weight', z.number().int(), 1)).toEqualTypeOf<number>();
    // @ts-expect-error the fallback must have the schema's type
    h.var('weight', z.number(), 'one');
  });

  it('core resources take typed options', () => {
    expectTypeOf(file({ path: '/etc/motd', content: 'hi\n', mode: 0o644 })).toMatchTypeOf<Resource<unknown, unknown, 'posix'>>();
    expectTypeOf(command({ cmd: sh`true` })).toMatchTypeOf<Resource<unknown, unknown, 'posix'>>();
    // @ts-expect-error a command is shell text built with sh``, never a plain string
    command({ cmd: 'rm -rf /' });
    expectTypeOf(inventory({ groups: { web: { hosts: { w1: { address: '192.0.2.1' } } } } })).toEqualTypeOf<InventorySpec>();
  });

  it('exports no internals and no lab', () => {
    expectTypeOf(main).not.toHaveProperty('converge');
    expectTypeOf(main).not.toHaveProperty('LocalTransport');
    expectTypeOf(main).not.toHaveProperty('planSysctl');
    expectTypeOf(main).not.toHaveProperty('pkgCommands');
    expectTypeOf(main).not.toHaveProperty('serviceCommands');
    expectTypeOf(main).not.toHaveProperty('CONTENT_CAP');
    expectTypeOf(main).not.toHaveProperty('labInventory');
    expectTypeOf(kit).not.toHaveProperty('labInventory');
  });
});

describe('lvs-play/kit (built)', () => {
  it('a role of your own: zod options from the kit, a resource on the write path, gated by OS', () => {
    const options = z.object({ port: port.default(80), path: absPath.default('/usr/local/sbin/check') }).strict();
    const r: Resource<FileState, FileChange, 'posix'> = defineResource({
      id: 'check',
      kind: 'check',
      shell: 'posix',
      read: fileFact('/usr/local/sbin/check'),
      plan: (cur) => planFileContent('/usr/local/sbin/check', cur, Buffer.from('#!/bin/sh\n'), { mode: 0o755 }),
      apply: (t, c) => applyFileChange(t, c, { mode: 0o755, validate: (tmp) => sh`sh -n ${tmp}` }),
    });
    const mine = defineRole({ name: 'mine', options, build: () => ({ resources: [onlyOn(onDebian, r)] }) });
    expectTypeOf(mine).parameter(0).toEqualTypeOf<{ port?: number | undefined; path?: string | undefined } | undefined>();
    expectTypeOf(mine({ port: 8080 })).toEqualTypeOf<RoleInstance>();
    // @ts-expect-error port is a number
    mine({ port: '8080' });
    // @ts-expect-error strict: no unknown keys
    mine({ prot: 8080 });
  });
});

describe('lvs-play/lab (built)', () => {
  it('gives the lab as an inventory', () => {
    expectTypeOf(labInventory).returns.toEqualTypeOf<InventorySpec>();
  });
});

import { describe, expectTypeOf, it } from 'vitest';
import { inventory } from '../../../src/inventory/define.js';
import { secret, SecretResolver } from '../../../src/inventory/secret.js';
import { selectHosts } from '../../../src/inventory/pattern.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { parseExtraVars } from '../../../src/inventory/extra-vars.js';
import type { HostView, Inventory, InventorySpec, SecretRef, Vars } from '../../../src/types.js';
import type { Vault } from '../../../src/vault/vault.js';

describe('inventory() types', () => {
  it('accepts the reference site', () => {
    const spec = inventory({
      vars: { vip: '192.0.2.10' },
      groups: {
        directors: { connection: { type: 'ssh', user: 'root' }, hosts: { lvs1: { address: '192.0.2.14', vars: { vrrp: { state: 'MASTER' } } } } },
        windows: { connection: { type: 'winrm', user: 'Administrator', password: secret.env('WIN_PASSWORD') }, hosts: { web1: null } },
        rs: { children: ['windows'] },
      },
    });
    expectTypeOf(spec).toEqualTypeOf<InventorySpec>();
  });

  it('rejects an unknown connection type', () => {
    // @ts-expect-error 'telnet' is not a connection type
    inventory({ connection: { type: 'telnet' } });
  });

  it('rejects a plain-string password', () => {
    // @ts-expect-error passwords are SecretRefs, never strings
    inventory({ groups: { w: { connection: { type: 'winrm', user: 'A', password: 'hunter2' } } } });
  });

  it('rejects a field of another connection type', () => {
    // @ts-expect-error useSsl belongs to winrm, not ssh
    inventory({ connection: { type: 'ssh', useSsl: true } });
  });

  it('rejects misspelt keys and wrong value types', () => {
    // @ts-expect-error "adress" is not a host field
    inventory({ hosts: { h: { adress: '192.0.2.1' } } });
    // @ts-expect-error ports are numbers
    inventory({ hosts: { h: { connection: { type: 'ssh', port: '22' } } } });
    // @ts-expect-error children are group names
    inventory({ groups: { a: { children: 'b' } } });
  });

  it('secret helpers return SecretRef', () => {
    expectTypeOf(secret.env('X')).toEqualTypeOf<SecretRef>();
    expectTypeOf(secret.prompt('Password?')).toEqualTypeOf<SecretRef>();
    expectTypeOf(secret.value('x')).toEqualTypeOf<SecretRef>();
    expectTypeOf(new SecretResolver().resolve).returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf(new SecretResolver().redact).toEqualTypeOf<(text: string) => string>();
  });
});

describe('loading and selecting', () => {
  it('signatures', () => {
    expectTypeOf(loadInventory).toEqualTypeOf<(ref: string, opts: { cwd: string; extraVars?: Vars; warn?: (message: string) => void; vault?: Vault; fallback?: (ref: string) => Promise<InventorySpec | undefined> }) => Promise<Inventory>>();
    expectTypeOf(parseExtraVars).returns.toEqualTypeOf<Promise<Vars>>();
    expectTypeOf(selectHosts).returns.toEqualTypeOf<HostView[]>();
    expectTypeOf<HostView['get']>().toBeCallableWith('vip', '');
    expectTypeOf<HostView['connection']['type']>().toEqualTypeOf<'ssh' | 'winrm' | 'psrp-ssh' | 'local'>();
  });
});

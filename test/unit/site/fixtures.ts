/** Site-model fixtures: the lab's layout with the default group names and with an Ansible team's own. */
import { parseAnsibleIni } from '../../../src/inventory/ansible-ini.js';
import { resolveInventory } from '../../../src/inventory/resolve.js';
import type { Inventory, InventorySpec, Vars } from '../../../src/types.js';

/** Default group names: directors, linux_realservers, windows. */
export const DEFAULT_SPEC: InventorySpec = {
  vars: { vip: '10.77.0.10' },
  groups: {
    directors: { connection: { type: 'ssh', user: 'root' }, hosts: { lvs1: { address: '10.77.0.14' }, lvs2: { address: '10.77.0.15' } } },
    linux_realservers: { connection: { type: 'ssh', user: 'root' }, hosts: { rs1: { address: '10.77.0.16', vars: { weight: 3 } }, rs2: { address: '10.77.0.17' } } },
    windows: { connection: { type: 'psrp-ssh', user: 'Administrator' }, hosts: { win1: { address: '10.77.0.18' } } },
  },
};

/** An Ansible INI with its own names (lb, web, winweb), set as site settings; INI values are strings. */
export const CUSTOM_INI = `[lb]
lb1 ansible_host=10.77.0.14
lb2 ansible_host=10.77.0.15

[web]
rs1 ansible_host=10.77.0.16 weight=3
rs2 ansible_host=10.77.0.17

[winweb]
win1 ansible_host=10.77.0.18

[winweb:vars]
ansible_connection=psrp
ansible_user=Administrator

[all:vars]
vips=10.77.0.10,10.77.0.11
ports=80,443
directors_group=lb
linux_realservers_group=web
windows_realservers_group=winweb
`;

export const inv = (spec: InventorySpec, extraVars?: Vars, source = 'inventory/t.ts'): Inventory => resolveInventory(spec, { source, ...(extraVars ? { extraVars } : {}) });
export const customInv = (extraVars?: Vars): Inventory => inv(parseAnsibleIni(CUSTOM_INI, 'hosts.ini'), extraVars, 'hosts.ini');

/**
 * lvs-play: the DSL. `import { playbook, play, inventory, secret, ... } from 'lvs-play'`.
 * Roles are in 'lvs-play/roles'.
 */
export type * from './types.js';
export { defineResource } from './dsl/resource.js';
export { defineRole, role, type RoleFactory, type RoleDefinition, type RoleMeta } from './dsl/role.js';
export { play, playbook } from './dsl/play.js';
export { sh, raw, shJoin, quote } from './shell/quote.js';
export { ps, quotePowerShell } from './shell/powershell.js';
export { LvsError, ValidationErrors, type ErrorCode, type ErrorDetail } from './errors.js';
export { converge, type Outcome } from './plan/converge.js';
export { LocalTransport } from './transport/local.js';
export * from './resources/index.js';
export { inventory } from './inventory/define.js';
export { secret } from './inventory/secret.js';
export { labInventory } from './lab/inventory.js';

/** The inventory layer's public API (re-exported by src/index.ts where users need it). */
export { inventory } from './define.js';
export { secret, isSecretRef, resolveSecret, secretFromEnv, SecretResolver, MASK, type SecretOptions, type PromptInput } from './secret.js';
export { validateInventorySpec, inventoryErrors, CONNECTION_TYPES, CONNECTION_FIELDS } from './schema.js';
export { parseAnsibleIni } from './ansible-ini.js';
export { parseAnsibleYaml } from './ansible-yaml.js';
export { resolveInventory, type ResolveOptions } from './resolve.js';
export { selectHosts, splitPattern, type PatternOptions } from './pattern.js';
export { parseExtraVars, parseExtraVar } from './extra-vars.js';
export { loadInventory, readInventorySpec, locateInventory, type LoadOptions } from './load.js';

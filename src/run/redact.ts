/** The run's holder of secret values: the one in src/mask.ts (kept here for the run's imports). */
export { Redactor } from '../mask.js';

/**
 * The ssh options every command that connects takes (a playbook run, status, the exporter, drain,
 * undrain): `--ssh-config FILE` and `-T/--timeout N`, parsed one way. Small on purpose: the command
 * line is parsed before anything heavy is loaded.
 */
import { LvsError } from '../errors.js';
import type { SshCliOptions } from './ssh-settings.js';

export const SSH_OPTIONS = {
  'ssh-config': { type: 'string' },
  timeout: { type: 'string', short: 'T' },
} as const;

/** The parsed ssh options (E_USAGE, exit 5, for a timeout that is not 0 < N ≤ 3600 seconds). */
export function sshOptionsOf(values: { 'ssh-config'?: string; timeout?: string }, fix = 'e.g. --timeout 30'): SshCliOptions {
  const v = values.timeout;
  const t = v === undefined ? undefined : Number(v);
  if (t !== undefined && !(Number.isFinite(t) && t > 0 && t <= 3600)) {
    throw new LvsError('E_USAGE', `--timeout must be a number of seconds above 0, at most 3600 (got ${v})`, { file: 'command line', fix });
  }
  return { ...(values['ssh-config'] ? { sshConfig: values['ssh-config'] } : {}), ...(t !== undefined ? { timeoutMs: Math.round(t * 1000) } : {}) };
}

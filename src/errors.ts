/** Error codes; stable, for tests and for users who match on them. */
export type ErrorCode =
  | 'E_VALIDATION'
  | 'E_LOAD'
  | 'E_INVENTORY'
  | 'E_PATTERN'
  | 'E_USAGE'
  | 'E_CONNECT'
  | 'E_HOSTKEY'
  /** Another lvs-play run holds the host's lock (/run/lvs-play.lock). */
  | 'E_LOCKED'
  | 'E_PWSH_MISSING'
  | 'E_SECRET'
  /** Ansible Vault data that no given password opens, or no password given (docs/inventory.md). */
  | 'E_VAULT'
  /** Output read from a host (e.g. `ipvsadm -S -n`) that could not be understood. */
  | 'E_PARSE'
  /** A saved plan that cannot be applied: unreadable, stale, or made for other inputs (docs/plans.md). */
  | 'E_PLAN'
  /** A host's state changed after the plan was made (`lvs-play apply`): nothing was changed. */
  | 'E_DRIFT'
  /** The host patterns and --limit leave no host to run on (exit 6, as Ansible refuses it). */
  | 'E_NO_HOSTS';

/** Where an error is and how to fix it: file, field, value, fix. */
export interface ErrorDetail {
  /** File the bad value came from (playbook, inventory, vars file, or "-e"). */
  file?: string;
  /** Dotted path of the field, e.g. "groups.directors.hosts.lvs1.vars.vrrp.priority". */
  field?: string;
  /** The offending value (secrets are never put here). */
  value?: unknown;
  /** What is allowed / how to fix it. */
  fix?: string;
}

/** An error that carries a code and names file, field, value and fix. */
export class LvsError extends Error {
  constructor(
    readonly code: ErrorCode,
    /** The message without file/field/value/fix. */
    readonly reason: string,
    readonly detail: ErrorDetail = {},
  ) {
    super(LvsError.format(reason, detail));
    this.name = 'LvsError';
  }

  /** The same error, located in a file and under a field prefix (when it has none yet). */
  within(file: string, fieldPrefix?: string): LvsError {
    const field = [fieldPrefix, this.detail.field].filter(Boolean).join(' ');
    return new LvsError(this.code, this.reason, { ...this.detail, file: this.detail.file ?? file, ...(field ? { field } : {}) });
  }

  static format(message: string, d: ErrorDetail): string {
    const where = [d.file, d.field].filter(Boolean).join(': ');
    const value = d.value === undefined ? '' : ` (got ${safeJson(d.value)})`;
    const fix = d.fix ? `\n  fix: ${d.fix}` : '';
    return `${where ? `${where}: ` : ''}${message}${value}${fix}`;
  }
}

function safeJson(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return String(v);
  }
}

/** Several validation errors at once (all of them are shown, not just the first). */
export class ValidationErrors extends LvsError {
  constructor(readonly errors: readonly LvsError[]) {
    super('E_VALIDATION', errors.length === 1 ? (errors[0] as LvsError).message : `${errors.length} validation errors:\n${errors.map((e) => `- ${e.message}`).join('\n')}`);
  }

  override within(file: string, fieldPrefix?: string): ValidationErrors {
    return new ValidationErrors(this.errors.map((e) => e.within(file, fieldPrefix)));
  }
}

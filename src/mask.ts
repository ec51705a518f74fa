/**
 * How secrets are hidden, for every layer (transports included): one mask, one redaction, one
 * holder of the secret values of a run (`Redactor`: resolved inventory secrets, vault values,
 * resources' declared secrets such as keepalived's auth_pass, the WinRM password).
 */

/** What a secret shows as, everywhere. */
export const MASK = '********';

/**
 * The one redaction: replaces every secret (any length ≥ 1: a short secret is still a secret) with
 * ******** — longest first, so a secret containing another is hidden whole.
 */
export function redact(text: string, secrets: readonly string[] | undefined): string {
  if (!secrets || secrets.length === 0) return text;
  let out = text;
  for (const s of [...new Set(secrets)].filter((x) => x !== '').sort((a, b) => b.length - a.length)) out = out.split(s).join(MASK);
  return out;
}

/**
 * The secret values of one run, collected as they become known, and `redact` over them (the one
 * redaction). Every output path (recap, diffs, errors, --json, status, saved plans) masks through
 * such a holder; the SecretResolver keeps what it resolves in one.
 */
export class Redactor {
  private readonly held = new Set<string>();

  add(...secrets: readonly (string | undefined)[]): this {
    for (const s of secrets) if (s) this.held.add(s);
    return this;
  }

  /** The values held (for a layer that masks by itself, e.g. a transport's own messages). */
  values(): readonly string[] {
    return [...this.held];
  }

  redact(text: string): string {
    return redact(text, [...this.held]);
  }
}

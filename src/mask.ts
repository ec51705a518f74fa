/**
 * How secrets are hidden, for every layer (transports included): one mask, one redaction.
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

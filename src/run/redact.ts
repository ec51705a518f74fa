import { redact } from '../mask.js';

/**
 * The secrets of one run, collected as they become known, and `redact` (the one redaction: every
 * secret of any length ≥ 1 becomes "********", longest first).
 */
export class Redactor {
  private readonly values = new Set<string>();

  add(...secrets: readonly (string | undefined)[]): this {
    for (const s of secrets) if (s) this.values.add(s);
    return this;
  }

  redact(text: string): string {
    return redact(text, [...this.values]);
  }
}

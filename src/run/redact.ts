/** Replaces every known secret value in text with "********". */
export class Redactor {
  private readonly values = new Set<string>();

  add(...secrets: readonly (string | undefined)[]): this {
    for (const s of secrets) if (s && s.length >= 3) this.values.add(s);
    return this;
  }

  redact(text: string): string {
    let out = text;
    // longest first, so a secret containing another is replaced whole
    for (const s of [...this.values].sort((a, b) => b.length - a.length)) out = out.split(s).join('********');
    return out;
  }
}

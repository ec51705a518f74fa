/**
 * Warnings: things worth telling that stop nothing (a play that matches no host, a group the
 * inventory lacks). Printed once each, as Ansible does: `[WARNING]: …` on stderr.
 */
export type Warn = (message: string) => void;

/** A warner that prints each distinct message once to `out` (stderr by default). */
export function onceWarner(out: NodeJS.WritableStream = process.stderr): Warn & { readonly seen: ReadonlySet<string> } {
  const seen = new Set<string>();
  const warn = (message: string): void => {
    if (seen.has(message)) return;
    seen.add(message);
    out.write(`[WARNING]: ${message}\n`);
  };
  return Object.assign(warn, { seen });
}

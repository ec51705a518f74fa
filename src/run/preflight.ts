import { LvsError, ValidationErrors } from '../errors.js';
import type { PlannedPlay } from './select.js';

/**
 * Runs every resource's control-node checks (local files, checksums) once, before any host is
 * contacted. All problems are reported together.
 */
export function preflight(plays: readonly PlannedPlay[], file: string): void {
  const seen = new Set<() => void>();
  const errors: LvsError[] = [];
  for (const p of plays) {
    for (const hp of p.perHost.values()) {
      const all = [...hp.tasks.filter((t) => t.enabled), ...hp.handlers.values()];
      for (const t of all) {
        const check = t.resource.preflight;
        if (!check || seen.has(check)) continue;
        seen.add(check);
        try {
          check();
        } catch (e) {
          errors.push(e instanceof LvsError ? e.within(file, `play "${p.play.name}" (host ${hp.host.name}) ${t.resource.id}:`) : new LvsError('E_VALIDATION', e instanceof Error ? e.message : String(e), { file, field: t.resource.id }));
        }
      }
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new ValidationErrors(errors.flatMap((e) => (e instanceof ValidationErrors ? e.errors : [e])));
}

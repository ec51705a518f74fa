/**
 * The saved-plan file, `lvs-play-plan/1` (docs/plans.md): a stable, versioned JSON format. Fields
 * may be added in a minor revision; a change of meaning or a removal bumps the number, and
 * `lvs-play apply` refuses a format it does not know.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { LvsError } from '../../errors.js';
import type { Diff, JsonValue } from '../../types.js';
import type { Read } from './reads.js';

export const PLAN_FORMAT = 'lvs-play-plan/1';

/** change: would change · ok: already as wanted (re-verified, never changed) · skip: condition false · probe: asserted at apply time */
export type PlannedAction = 'change' | 'ok' | 'skip' | 'probe';

export interface PlannedResource {
  /** Position in the host's task list of this play. */
  index: number;
  resource: string;
  kind: string;
  role: string | null;
  action: PlannedAction;
  /** One human line: the change (`describe`), or why nothing changes. */
  message?: string;
  /** Before/after as `--diff` shows it (secrets masked). */
  diff?: Diff;
  /** The change, canonical (docs/plans.md), secrets masked, long values as `{ $sha256, size }`. */
  change?: JsonValue;
  /** Digest of the full canonical change: apply changes only when the change it computes has it. */
  changeDigest?: string;
  /** The state the plan depends on (what `plan`/`diff` read), for change and ok. */
  reads?: Read[];
  /** Digest of `reads`. */
  fingerprint?: string;
  notify?: string[];
  /**
   * A change of this host is planned before this resource (in this play or an earlier one): its
   * entry was computed from the state before that change, as --check does; at apply it is planned
   * again after it, and may differ from this prediction (see docs/plans.md).
   */
  afterChange?: boolean;
}

export interface PlannedHandler {
  name: string;
  resource: string;
  kind: string;
  /** Notified by a planned change (so it runs at apply). */
  runs: boolean;
  message?: string;
}

export interface PlannedHost {
  host: string;
  resources: PlannedResource[];
  handlers: PlannedHandler[];
}

export interface PlanPlay {
  name: string;
  serial?: number | string;
  /** Hosts of each serial batch, in run order. */
  batches: string[][];
  hosts: PlannedHost[];
}

export interface PlanInputs {
  /** The playbook file's text (secrets masked). */
  playbook: string;
  /** The resolved inventory: hosts, addresses, groups, vars, connections (secrets as references). */
  inventory: string;
  /** The `-e` vars. */
  vars: string;
  /** Every host's task list per play: ids, kinds, roles, tags, conditions, notifications, handlers, batches. */
  tasks: string;
}

export interface SavedPlan {
  format: typeof PLAN_FORMAT;
  createdAt: string;
  /** The lvs-play version that made the plan (apply refuses another version). */
  lvsPlay: string;
  playbook: string;
  inventory: string;
  options: { limit?: string; tags?: string[]; skipTags?: string[]; extraVars: string[] };
  inputs: PlanInputs;
  /** Digest of `inputs`. */
  digest: string;
  summary: { changes: number; hosts: Record<string, Record<PlannedAction, number>> };
  plays: PlanPlay[];
}

const json: z.ZodType<JsonValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(json)]));
const read = z.object({ op: z.enum(['get', 'has', 'keys', 'all', 'hook']), path: z.array(z.string()), value: json });
const diff = z.object({ before: z.string(), after: z.string(), label: z.string().optional() });
const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/);

const schema = z.object({
  format: z.literal(PLAN_FORMAT),
  createdAt: z.string().datetime(),
  lvsPlay: z.string(),
  playbook: z.string().min(1),
  inventory: z.string().min(1),
  options: z.object({
    limit: z.string().optional(),
    tags: z.array(z.string()).optional(),
    skipTags: z.array(z.string()).optional(),
    extraVars: z.array(z.string()),
  }),
  inputs: z.object({ playbook: digest, inventory: digest, vars: digest, tasks: digest }),
  digest,
  summary: z.object({ changes: z.number().int(), hosts: z.record(z.record(z.number())) }),
  plays: z.array(
    z.object({
      name: z.string(),
      serial: z.union([z.number(), z.string()]).optional(),
      batches: z.array(z.array(z.string())),
      hosts: z.array(
        z.object({
          host: z.string(),
          resources: z.array(
            z.object({
              index: z.number().int().nonnegative(),
              resource: z.string(),
              kind: z.string(),
              role: z.string().nullable(),
              action: z.enum(['change', 'ok', 'skip', 'probe']),
              message: z.string().optional(),
              diff: diff.optional(),
              change: json.optional(),
              changeDigest: digest.optional(),
              reads: z.array(read).optional(),
              fingerprint: digest.optional(),
              notify: z.array(z.string()).optional(),
              afterChange: z.boolean().optional(),
            }),
          ),
          handlers: z.array(z.object({ name: z.string(), resource: z.string(), kind: z.string(), runs: z.boolean(), message: z.string().optional() })),
        }),
      ),
    }),
  ),
});

/** Reads and checks a plan file; E_PLAN (exit 4) naming the file and what is wrong. */
export async function readPlanFile(file: string): Promise<SavedPlan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new LvsError('E_PLAN', `cannot read the plan: ${e instanceof Error ? e.message : String(e)}`, { file, fix: 'make one with: lvs-play PLAYBOOK -i INV --check --plan-out FILE' });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new LvsError('E_PLAN', 'not a JSON file', { file, fix: 'give a file written by --plan-out' });
  }
  const fmt = (data as { format?: unknown } | null)?.format;
  if (fmt !== PLAN_FORMAT) {
    throw new LvsError('E_PLAN', `unknown plan format ${JSON.stringify(fmt)} (this lvs-play reads ${PLAN_FORMAT})`, { file, fix: 'make the plan again with this lvs-play version' });
  }
  const r = schema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new LvsError('E_PLAN', `invalid plan: ${i.message}`, { file, field: i.path.join('.'), fix: 'the plan was edited or truncated: make it again' });
  }
  return r.data as SavedPlan;
}

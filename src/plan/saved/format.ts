/**
 * The saved-plan file, `lvs-play-plan/2` (docs/plans.md): a stable, versioned JSON format. Fields
 * may be added in a minor revision; a change of meaning or a removal bumps the number, and
 * `lvs-play apply` refuses a format it does not know.
 */
import { z } from 'zod';
import { LvsError } from '../../errors.js';
import { checkDepth, readInputText } from '../../input-file.js';
import { verifyIntegrity } from './integrity.js';
import type { PlanSources } from './sources.js';
import type { Diff, JsonValue } from '../../types.js';
import type { Read } from './reads.js';

export const PLAN_FORMAT = 'lvs-play-plan/2';
/** How far in the future a plan's createdAt may be (clocks of two machines differ a little). */
export const CLOCK_SKEW_MS = 5 * 60e3;

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
  /** The files named above, with the digests of their bytes (checked before apply reads them). */
  sources: PlanSources;
  /** Digest of every other field of the plan (src/plan/saved/integrity.ts). */
  digest: string;
  /** Digest of each field (per column below plays), to name what was edited. */
  fields: Record<string, string>;
  /** `hmac-sha256:…` of `digest` with the plan key, when the plan was made with one. */
  signature?: string;
  summary: { changes: number; hosts: Record<string, Record<PlannedAction, number>> };
  plays: PlanPlay[];
}

/** A plan before its digest, field digests and signature are made (integrity.ts seal). */
export type UnsealedPlan = Omit<SavedPlan, 'digest' | 'fields' | 'signature'>;

const json: z.ZodType<JsonValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(json)]));
const read = z.object({ op: z.enum(['get', 'has', 'keys', 'all', 'hook']), path: z.array(z.string()), value: json });
const diff = z.object({ before: z.string(), after: z.string(), label: z.string().optional() });
const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/);
const source = z.object({ path: z.string().min(1).max(4096), sha256: digest.nullable() });

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
  sources: z.object({
    playbook: source,
    inventory: source.nullable(),
    vars: z.array(source),
  }),
  digest,
  fields: z.record(digest),
  signature: z.string().regex(/^hmac-sha256:[0-9a-f]{64}$/).optional(),
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

/**
 * Reads and checks a plan file, in this order: a regular file of bounded size; JSON, not nested
 * too deep; a known format; its digest over every field (and its signature, given a key) — before
 * anything else of it is believed; its schema; a createdAt that is not in the future.
 * E_PLAN (exit 4) naming the file, the field and the fix.
 */
export async function readPlanFile(file: string, opts: { key?: Buffer; now?: number } = {}): Promise<SavedPlan> {
  const make = 'make one with: lvs-play PLAYBOOK -i INV --check --plan-out FILE';
  let text: string;
  try {
    text = await readInputText(file, file, 'the plan', make);
  } catch (e) {
    throw e instanceof LvsError ? new LvsError('E_PLAN', e.reason, e.detail) : e;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new LvsError('E_PLAN', 'not a JSON file', { file, fix: 'give a file written by --plan-out' });
  }
  try {
    checkDepth(data, file, 'plan');
  } catch (e) {
    throw e instanceof LvsError ? new LvsError('E_PLAN', e.reason, e.detail) : e;
  }
  const fmt = (data as { format?: unknown } | null)?.format;
  if (fmt !== PLAN_FORMAT) {
    throw new LvsError('E_PLAN', `unknown plan format ${JSON.stringify(fmt)?.slice(0, 60)} (this lvs-play reads ${PLAN_FORMAT})`, { file, field: 'format', fix: 'make the plan again with this lvs-play version' });
  }
  verifyIntegrity(data as Record<string, unknown>, file, opts.key);
  const r = schema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new LvsError('E_PLAN', `invalid plan: ${i.message}`, { file, field: i.path.join('.'), fix: 'the plan was edited or truncated: make it again' });
  }
  const plan = r.data as SavedPlan;
  if (Date.parse(plan.createdAt) > (opts.now ?? Date.now()) + CLOCK_SKEW_MS) {
    throw new LvsError('E_PLAN', `the plan claims to be made in the future (${plan.createdAt})`, { file, field: 'createdAt', fix: 'check this machine\'s clock; make a new plan' });
  }
  return plan;
}

/**
 * Integrity of a saved plan file (docs/plans.md "Threat model"): `digest` covers every field of
 * the file (but itself, `signature` and `fields`), and is checked first, before anything the plan
 * names is read. `fields` holds one digest per field (per column for the plays' resources:
 * `plays[].hosts[].resources[].action` …), so an edit is refused naming what was edited. With a
 * plan key (`--plan-key FILE` / `$LVS_PLAN_KEY`), `signature` is HMAC-SHA256 of the digest (Node's
 * crypto, compared in constant time): without the key nobody can make a plan `apply` accepts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { LvsError } from '../../errors.js';
import { canonical, digestOf } from './canonical.js';

/** Fields outside the digest: the digest itself, its signature, and the per-field digests (a hint for the message only). */
const UNCOVERED = new Set(['digest', 'signature', 'fields']);
const AS_IS = { redact: (s: string) => s, maxText: Infinity };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The digest of everything a plan says. */
export function planDigest(plan: Obj): string {
  const covered = Object.fromEntries(Object.entries(plan).filter(([k]) => !UNCOVERED.has(k)));
  return digestOf(canonical(covered, AS_IS));
}

/** Values of one column: `plays[].hosts[].resources[].action` → every resource's action, in order. */
function column(plan: Obj, path: string): unknown[] {
  let level: unknown[] = [plan];
  for (const part of path.split('.')) {
    const key = part.replace(/\[\]$/, '');
    const values = level.map((v) => (isObj(v) ? v[key] : undefined));
    level = part.endsWith('[]') ? values.flatMap((v) => (Array.isArray(v) ? v : [v])) : values;
  }
  return level;
}

/** Levels below `plays`, and the keys of each that are levels of their own. */
const LEVELS: [string, string[]][] = [
  ['plays[]', ['hosts']],
  ['plays[].hosts[]', ['resources', 'handlers']],
  ['plays[].hosts[].resources[]', []],
  ['plays[].hosts[].handlers[]', []],
];

/** The named parts of a plan, each with its own digest: top-level fields, and per column below plays (plus each level's shape). */
export function fieldDigests(plan: Obj): Record<string, string> {
  const d = (v: unknown): string => digestOf(canonical(v, AS_IS));
  const out: Record<string, string> = {};
  for (const k of Object.keys(plan).filter((x) => !UNCOVERED.has(x) && x !== 'plays').sort()) out[k] = d(plan[k]);
  for (const [level, nested] of LEVELS) {
    const rows = column(plan, level);
    out[`${level}#keys`] = d(rows.map((v) => (isObj(v) ? Object.keys(v).sort() : typeof v)));
    const keys = [...new Set(rows.flatMap((v) => (isObj(v) ? Object.keys(v) : [])))].filter((k) => !nested.includes(k)).sort();
    for (const k of keys) out[`${level}.${k}`] = d(column(plan, `${level}.${k}`));
  }
  return out;
}

/** The fields whose digest differs from the recorded ones (all the recorded ones that are missing, too). */
function editedFields(plan: Obj): string[] {
  const recorded = isObj(plan.fields) ? plan.fields : {};
  const now = fieldDigests(plan);
  const names = new Set([...Object.keys(recorded), ...Object.keys(now)]);
  return [...names].filter((k) => recorded[k] !== now[k]).sort();
}

export function signatureOf(digest: string, key: Buffer): string {
  return `hmac-sha256:${createHmac('sha256', key).update(digest).digest('hex')}`;
}

/** digest, fields and (with a key) signature of a plan about to be written. */
export function seal(plan: Obj, key?: Buffer): { digest: string; fields: Record<string, string>; signature?: string } {
  const digest = planDigest(plan);
  return { digest, fields: fieldDigests(plan), ...(key ? { signature: signatureOf(digest, key) } : {}) };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks the digest (and, given a key, the signature) of a parsed plan file; E_PLAN naming the edited fields. */
export function verifyIntegrity(plan: Obj, file: string, key?: Buffer): void {
  const fix = 'a plan is used as written by --plan-out: make it again (lvs-play PLAYBOOK -i INV --check --plan-out FILE) and review it';
  if (typeof plan.digest !== 'string') throw new LvsError('E_PLAN', 'the plan has no digest', { file, field: 'digest', fix });
  if (!sameText(planDigest(plan), plan.digest)) {
    const edited = editedFields(plan);
    throw new LvsError('E_PLAN', `the plan was edited after it was made (its digest does not match): ${edited.length ? edited.slice(0, 8).join(', ') : 'digest'}`, {
      file,
      field: edited[0] ?? 'digest',
      fix,
    });
  }
  if (!key) return;
  if (typeof plan.signature !== 'string') throw new LvsError('E_PLAN', 'the plan is not signed, and a plan key was given', { file, field: 'signature', fix: 'make the plan with the same --plan-key (or $LVS_PLAN_KEY)' });
  if (!sameText(signatureOf(plan.digest, key), plan.signature)) {
    throw new LvsError('E_PLAN', 'the plan\'s signature does not match the plan key (another key, or the plan was edited and its digest made again)', { file, field: 'signature', fix: 'use the key the plan was made with; make and review a new plan' });
  }
}

/** The plan key: `--plan-key FILE` (its bytes), else `$LVS_PLAN_KEY` (its text); at least 16 bytes. */
export function loadPlanKey(file: string | undefined, env = process.env.LVS_PLAN_KEY): Buffer | undefined {
  let key: Buffer;
  if (file !== undefined) {
    const bad = (why: string): never => {
      throw new LvsError('E_USAGE', `--plan-key ${file}: ${why}`, { file: 'command line', fix: 'give a regular file holding the key (e.g. head -c 32 /dev/urandom > plan.key)' });
    };
    let size = -1;
    try {
      const st = statSync(file);
      if (!st.isFile()) bad('not a regular file');
      size = st.size;
    } catch (e) {
      if (e instanceof LvsError) throw e;
      bad(`cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (size > 4096) bad('larger than 4096 bytes: not a key');
    key = readFileSync(file);
  } else if (env) key = Buffer.from(env);
  else return undefined;
  if (key.length < 16) {
    throw new LvsError('E_USAGE', `${file !== undefined ? `--plan-key ${file}` : '$LVS_PLAN_KEY'}: a plan key needs at least 16 bytes`, { file: 'command line', fix: 'use a random key, e.g. head -c 32 /dev/urandom > plan.key' });
  }
  return key;
}

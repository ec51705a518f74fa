/**
 * The fault suite's ledger. Every fault test records what it tried and whether lvs-play survived
 * it; the fuzz tests record how many cases they ran; the secret tests record leaks found. The
 * suite's global teardown (test/faults/global.ts) prints the table and the closing line
 * `faults: T tried, S survived; fuzz: F cases; secrets leaked: L; hostile inputs: H cases, U unexplained`.
 */
import { appendFileSync } from 'node:fs';

export const LEDGER = process.env['LVS_FAULTS_LEDGER'] ?? '/tmp/lvs-play-faults.jsonl';

export type LedgerEntry =
  | { type: 'fault'; name: string; outcome: string; survived: boolean }
  | { type: 'fuzz'; name: string; cases: number }
  | { type: 'secrets'; name: string; checked: number; leaked: number; where?: string[] }
  | { type: 'hostile'; name: string; cases: number; unexplained: number; examples?: string[] };

function write(e: LedgerEntry): void {
  appendFileSync(LEDGER, `${JSON.stringify(e)}\n`);
}

/** One fault tried: what happened, and whether the promised behaviour held. Call it before asserting. */
export function recordFault(name: string, outcome: string, survived: boolean): void {
  write({ type: 'fault', name, outcome, survived });
}

/** A property-based run: how many generated cases went through. */
export function recordFuzz(name: string, cases: number): void {
  write({ type: 'fuzz', name, cases });
}

/** A secrets check: how many places were searched, how many leaks were found (and where). */
export function recordSecrets(name: string, checked: number, leaked: number, where: string[] = []): void {
  write({ type: 'secrets', name, checked, leaked, where });
}

/**
 * Hostile inputs (test/faults/hostile-inputs.test.ts): how many were tried, and how many ended
 * outside the documented behaviour (an exit code not in the set, a stack trace, a file written
 * outside the work dir, a canary run, time or memory over the bound), with a few examples.
 */
export function recordHostile(name: string, cases: number, unexplained: number, examples: string[] = []): void {
  write({ type: 'hostile', name, cases, unexplained, examples: examples.slice(0, 5) });
}

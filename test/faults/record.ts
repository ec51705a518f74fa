/**
 * The fault suite's ledger. Every fault test records what it tried and whether lvs-play survived
 * it; the fuzz tests record how many cases they ran; the secret tests record leaks found. The
 * suite's global teardown (test/faults/global.ts) prints the table and the closing line
 * `faults: T tried, S survived; fuzz: F cases; secrets leaked: L`.
 */
import { appendFileSync } from 'node:fs';

export const LEDGER = process.env['LVS_FAULTS_LEDGER'] ?? '/tmp/lvs-play-faults.jsonl';

export type LedgerEntry =
  | { type: 'fault'; name: string; outcome: string; survived: boolean }
  | { type: 'fuzz'; name: string; cases: number }
  | { type: 'secrets'; name: string; checked: number; leaked: number; where?: string[] };

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

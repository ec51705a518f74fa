/** Global setup/teardown of the fault suite: starts an empty ledger, prints the table and the closing line. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { LEDGER, type LedgerEntry } from './record.js';

export function setup(): () => void {
  rmSync(LEDGER, { force: true });
  return () => {
    const entries: LedgerEntry[] = existsSync(LEDGER)
      ? readFileSync(LEDGER, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LedgerEntry)
      : [];
    const faults = entries.filter((e) => e.type === 'fault');
    const fuzz = entries.filter((e) => e.type === 'fuzz');
    const secrets = entries.filter((e) => e.type === 'secrets');
    const hostile = entries.filter((e) => e.type === 'hostile');
    const w = Math.max(5, ...faults.map((f) => f.name.length));
    const lines = ['', `${'fault'.padEnd(w)}  survived  outcome`, `${'-'.repeat(w)}  --------  -------`];
    for (const f of faults) lines.push(`${f.name.padEnd(w)}  ${(f.survived ? 'yes' : 'NO').padEnd(8)}  ${f.outcome}`);
    for (const f of fuzz) lines.push(`fuzz ${f.name}: ${f.cases} cases`);
    for (const h of hostile) lines.push(`hostile ${h.name}: ${h.cases} cases, ${h.unexplained} unexplained${h.examples?.length ? ` (${h.examples.join('; ')})` : ''}`);
    for (const s of secrets) lines.push(`secrets ${s.name}: ${s.checked} places checked, ${s.leaked} leaked${s.where?.length ? ` (${s.where.join(', ')})` : ''}`);
    const T = faults.length;
    const S = faults.filter((f) => f.survived).length;
    const F = fuzz.reduce((n, f) => n + f.cases, 0);
    const L = secrets.reduce((n, s) => n + s.leaked, 0);
    const H = hostile.reduce((n, h) => n + h.cases, 0);
    const U = hostile.reduce((n, h) => n + h.unexplained, 0);
    lines.push('', `faults: ${T} tried, ${S} survived; fuzz: ${F} cases; secrets leaked: ${L}; hostile inputs: ${H} cases, ${U} unexplained`);
    process.stdout.write(`${lines.join('\n')}\n`);
  };
}

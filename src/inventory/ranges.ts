/** Ansible host ranges: `web[01:03]`, `db-[a:c]`, `host[0:10:2]` (Ansible's expand_hostname_range). */
import { LvsError } from '../errors.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function hasRange(name: string): boolean {
  const open = name.indexOf('[');
  const colon = name.indexOf(':', open);
  return open >= 0 && colon > open && name.indexOf(']', colon) > colon;
}

/** Most hosts one host-range line may expand to (docs/inventory.md, docs/reliability.md "Limits"). */
export const MAX_RANGE_HOSTS = 100_000;

/**
 * Expands every range in a host name, left to right; a name without ranges is returned alone.
 * Refuses more than `max` names (MAX_RANGE_HOSTS) before building any of them.
 */
export function expandHostRange(name: string, where: { file: string; field?: string } = { file: '' }, max = MAX_RANGE_HOSTS): string[] {
  if (!hasRange(name)) return [name];
  const open = name.indexOf('[');
  const close = name.indexOf(']', open);
  const head = name.slice(0, open);
  const tail = name.slice(close + 1);
  const parts = name.slice(open + 1, close).split(':');
  const fail = (why: string): never => {
    throw new LvsError('E_INVENTORY', `invalid host range: ${why}`, { ...where, value: name, fix: 'use [START:END] or [START:END:STEP], e.g. web[01:03] or db-[a:c]' });
  };
  if (parts.length > 3) fail('too many ":"');
  const [beg = '0', end, stepText = '1'] = parts;
  const b = beg === '' ? '0' : beg;
  if (!end) return fail('no end value');
  const step = Number(stepText);
  if (!Number.isInteger(step) || step < 1) return fail('step must be a positive integer');
  const tooMany = (count: number): void => {
    if (count > max) fail(`it expands to ${count > 1e15 ? 'more than 10^15' : count} hosts, more than the limit of ${MAX_RANGE_HOSTS} per line`);
  };
  let seq: string[];
  const ib = LETTERS.indexOf(b);
  const ie = LETTERS.indexOf(end);
  if (b.length === 1 && end.length === 1 && ib >= 0 && ie >= 0) {
    if (ib > ie) fail('begin is after end');
    tooMany(Math.floor((ie - ib) / step) + 1);
    seq = [];
    for (let i = ib; i <= ie; i += step) seq.push(LETTERS[i] as string);
  } else {
    if (!/^\d+$/.test(b) || !/^\d+$/.test(end)) return fail('begin and end must be numbers or single letters');
    const width = b.length > 1 && b.startsWith('0') ? b.length : 0;
    if (width && end.length !== width) fail('begin and end must have the same width when zero-padded');
    const nb = Number(b);
    const ne = Number(end);
    if (nb > ne) fail('begin is after end');
    tooMany(Math.floor((ne - nb) / step) + 1);
    seq = [];
    for (let i = nb; i <= ne; i += step) seq.push(width ? String(i).padStart(width, '0') : String(i));
  }
  // the rest of the name is the same after every value: expanded once, within what is left of the budget
  const rest = expandHostRange(tail, where, Math.floor(max / seq.length));
  const out: string[] = [];
  for (const s of seq) for (const r of rest) out.push(`${head}${s}${r}`);
  return out;
}

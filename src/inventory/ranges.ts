/** Ansible host ranges: `web[01:03]`, `db-[a:c]`, `host[0:10:2]` (Ansible's expand_hostname_range). */
import { LvsError } from '../errors.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function hasRange(name: string): boolean {
  const open = name.indexOf('[');
  const colon = name.indexOf(':', open);
  return open >= 0 && colon > open && name.indexOf(']', colon) > colon;
}

/** Expands every range in a host name, left to right; a name without ranges is returned alone. */
export function expandHostRange(name: string, where: { file: string; field?: string } = { file: '' }): string[] {
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
  let seq: string[];
  const ib = LETTERS.indexOf(b);
  const ie = LETTERS.indexOf(end);
  if (b.length === 1 && end.length === 1 && ib >= 0 && ie >= 0) {
    if (ib > ie) fail('begin is after end');
    seq = [];
    for (let i = ib; i <= ie; i += step) seq.push(LETTERS[i] as string);
  } else {
    if (!/^\d+$/.test(b) || !/^\d+$/.test(end)) return fail('begin and end must be numbers or single letters');
    const width = b.length > 1 && b.startsWith('0') ? b.length : 0;
    if (width && end.length !== width) fail('begin and end must have the same width when zero-padded');
    const nb = Number(b);
    const ne = Number(end);
    if (nb > ne) fail('begin is after end');
    seq = [];
    for (let i = nb; i <= ne; i += step) seq.push(width ? String(i).padStart(width, '0') : String(i));
  }
  return seq.flatMap((s) => expandHostRange(`${head}${s}${tail}`, where));
}

/**
 * Host patterns, as Ansible reads them: `all`, `*`, names, globs (`web*`), `~regex`, subscripts
 * (`web[0]`, `web[0:2]`), union `a:b` / `a,b`, intersection `a:&b`, exclusion `a:!b`.
 * Plain terms apply first (in order), then the `&` terms, then the `!` terms.
 */
import { regexRisk } from './regex-guard.js';
import { LvsError } from '../errors.js';
import type { HostView, Inventory } from '../types.js';
import { didYouMean } from './suggest.js';
import { isIPv6 } from './names.js';

/** How `selectHosts` reads a pattern: its source, field, and what to do with a term naming nothing. */
export interface PatternOptions {
  /** Where the pattern came from ("--limit", a playbook file), for messages. */
  source?: string;
  /** Field naming the pattern, e.g. `play "web".hosts`. */
  field?: string;
  /**
   * A term naming no group or host: by default an error; with this, it matches nothing and this is
   * called with the warning (Ansible's "Could not match supplied host pattern, ignoring").
   */
  onUnknown?: (warning: string) => void;
}

/** Ansible's split_host_pattern: commas if any, else colons outside brackets (IPv6 kept whole). */
export function splitPattern(pattern: string): string[] {
  const p = pattern.trim();
  let parts: string[];
  if (p.includes(',')) parts = p.split(',');
  else if (isIPv6(p)) parts = [p];
  else parts = p.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((s) => s.trim()).filter((s) => s !== '');
}

const GLOB = /[*?[]/;

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** `name[3]`, `name[1:4]`, `name[-1]`, `name[2:]` (inclusive end, as Ansible). */
function splitSubscript(term: string): { expr: string; slice?: [number, number | undefined] | [number] } {
  const m = /^(.+)\[(?:(-?\d+)|(-?\d+)?:(-?\d+)?)\]$/.exec(term);
  if (!m || term.startsWith('~')) return { expr: term };
  if (m[2] !== undefined) return { expr: m[1] as string, slice: [Number(m[2])] };
  return { expr: m[1] as string, slice: [Number(m[3] ?? 0), m[4] === undefined ? undefined : Number(m[4])] };
}

function applySlice(hosts: HostView[], slice: [number, number | undefined] | [number] | undefined): HostView[] {
  if (!slice) return hosts;
  const idx = (n: number): number => (n < 0 ? hosts.length + n : n);
  if (slice.length === 1) {
    const h = hosts[idx(slice[0])];
    return h ? [h] : [];
  }
  const [a, b] = slice;
  return hosts.slice(idx(a), b === undefined ? undefined : idx(b) + 1);
}

function unknownPatternError(term: string, inv: Inventory, opts: PatternOptions): LvsError {
  const groups = Object.keys(inv.groups).join(', ');
  const hosts = inv.hosts.map((h) => h.name).join(', ');
  const hint = didYouMean(term, [...Object.keys(inv.groups), ...inv.hosts.map((h) => h.name)]);
  return new LvsError('E_PATTERN', `pattern "${term}" matches no group or host${hint}`, {
    ...(opts.source ? { file: opts.source } : {}),
    ...(opts.field ? { field: opts.field } : {}),
    value: term,
    fix: `known groups: ${groups}; known hosts: ${hosts || '(none)'}`,
  });
}

function unknownTerm(term: string, inv: Inventory, opts: PatternOptions): HostView[] {
  if (!opts.onUnknown) throw unknownPatternError(term, inv, opts);
  const where = opts.source ?? '';
  const hint = didYouMean(term, [...Object.keys(inv.groups), ...inv.hosts.map((h) => h.name)]);
  opts.onUnknown(`${where ? `${where}: ` : ''}could not match host pattern "${term}" in ${inv.source}, ignoring it${hint}`);
  return [];
}

/** `~regex` terms match from the start of the name, like Python's re.match. */
function compileRegex(source: string, opts: PatternOptions): RegExp {
  const risk = regexRisk(source);
  if (risk) {
    throw new LvsError('E_PATTERN', `regular expression refused: ${risk} can take exponential time`, {
      ...(opts.source ? { file: opts.source } : {}),
      ...(opts.field ? { field: opts.field } : {}),
      value: `~${source.slice(0, 100)}`,
      fix: 'write it without repeating a group that itself repeats or alternates, e.g. ~web[0-9]+ or ~(web|db)[0-9]',
    });
  }
  try {
    return new RegExp(`^(?:${source})`);
  } catch (e) {
    throw new LvsError('E_PATTERN', `invalid regular expression in pattern: ${(e as Error).message}`, {
      ...(opts.source ? { file: opts.source } : {}),
      ...(opts.field ? { field: opts.field } : {}),
      value: `~${source}`,
      fix: 'a JavaScript regular expression after "~", e.g. ~web0[12]',
    });
  }
}

function matchTerm(term: string, inv: Inventory, byName: ReadonlyMap<string, HostView>, opts: PatternOptions): HostView[] {
  const { expr, slice } = splitSubscript(term);
  if (expr === 'all' || expr === '*') return applySlice([...inv.hosts], slice);
  const regex = expr.startsWith('~') ? compileRegex(expr.slice(1), opts) : null;
  const isGlob = regex !== null || GLOB.test(expr);
  const test = regex ? (s: string) => regex.test(s) : isGlob ? ((re) => (s: string) => re.test(s))(globToRegExp(expr)) : (s: string) => s === expr;
  const out: HostView[] = [];
  const seen = new Set<HostView>();
  const add = (h: HostView | undefined): void => {
    if (h && !seen.has(h)) (seen.add(h), out.push(h));
  };
  const groups = Object.keys(inv.groups).filter((g) => g !== 'all' && test(g));
  for (const g of groups) for (const n of inv.groups[g] ?? []) add(byName.get(n));
  // Ansible also matches host names when no group matched, or for globs/regexes/dotted names
  if (groups.length === 0 || isGlob || expr.includes('.')) for (const h of inv.hosts) if (test(h.name)) add(h);
  if (out.length === 0 && !isGlob && groups.length === 0) return unknownTerm(term, inv, opts);
  return applySlice(out, slice);
}

/** The hosts a pattern selects, in pattern order (each term's hosts in inventory order). */
export function selectHosts(inv: Inventory, pattern: string, opts: PatternOptions = {}): HostView[] {
  const terms = splitPattern(pattern);
  if (terms.length === 0) {
    throw new LvsError('E_PATTERN', 'empty host pattern', { ...(opts.source ? { file: opts.source } : {}), ...(opts.field ? { field: opts.field } : {}), value: pattern, fix: 'use all, a group or host name, or a pattern like web*:!web3' });
  }
  const byName = new Map(inv.hosts.map((h) => [h.name, h]));
  const regular = terms.filter((t) => !t.startsWith('&') && !t.startsWith('!'));
  const inter = terms.filter((t) => t.startsWith('&')).map((t) => t.slice(1));
  const excl = terms.filter((t) => t.startsWith('!')).map((t) => t.slice(1));
  let hosts: HostView[] = [];
  for (const t of regular.length > 0 ? regular : ['all']) for (const h of matchTerm(t, inv, byName, opts)) if (!hosts.includes(h)) hosts.push(h);
  for (const t of inter) {
    const keep = new Set(matchTerm(t, inv, byName, opts));
    hosts = hosts.filter((h) => keep.has(h));
  }
  for (const t of excl) {
    const drop = new Set(matchTerm(t, inv, byName, opts));
    hosts = hosts.filter((h) => !drop.has(h));
  }
  return hosts;
}

/**
 * The iptables backend: one resource per rule (checked with `iptables -C`; the engine sends every
 * rule's check in one round trip), a prune of the role's own stale rules (found by their
 * `lvs-play: ID` comment in `iptables -S`), the optional DROP policy, and persistence with
 * `iptables-save` where the distro restores rules at boot.
 */
import { defineResource, type Fact, type Resource } from 'lvs-play';
import { applyFileSet, b64, checkFactResult, fileSetScript, kv, osFactScript, type OsFamily, parseFileSet, parseKv, parseOsFacts, raw, runOk, sh, shJoin } from 'lvs-play/kit';
import { COMMENT_PREFIX, type FwRule } from './rules.js';
import { MARK_CHAIN } from './marks.js';

const NEED_IPTABLES = sh`command -v iptables >/dev/null 2>&1 || { echo 'iptables is not installed (install it, e.g. with director-base)' >&2; exit 127; }`;

// ───────────────────────────── one rule ─────────────────────────────

export interface RuleState {
  present: boolean;
  /** How many of the rules ordered before this one are present (for the insert position). */
  before: number;
}

export interface RuleChange {
  argv: string[];
}

/** The fact: `iptables -C` of this rule (0 present, 1 absent, else an error) and of the ones before it. */
function ruleFact(chain: string, r: FwRule, earlier: readonly FwRule[]): Fact<RuleState> {
  const checks = earlier.map((e) => sh`iptables -w -C ${chain} ${e.ipt} >/dev/null 2>&1 && echo before=1`);
  return {
    command: sh`${raw(NEED_IPTABLES)}
e=$(iptables -w -C ${chain} ${r.ipt} 2>&1 >/dev/null); rc=$?
echo "rc=$rc"; if [ "$rc" -gt 1 ]; then printf '%s\n' "$e" >&2; exit "$rc"; fi
${raw(checks.length ? shJoin(checks, '\n') : sh`:`)}
:`,
    parse(res) {
      checkFactResult(`iptables rule "${r.id}"`, res);
      const m = parseKv(res.stdout);
      return { present: kv(m, 'rc') === '0', before: (m.get('before') ?? []).length };
    },
  };
}

/** The pure plan: the exact iptables argv that adds the rule (`-I CHAIN POS` or `-A CHAIN`). */
export function planRule(chain: string, r: FwRule, position: 'top' | 'append', cur: RuleState): RuleChange | null {
  if (cur.present) return null;
  const where = position === 'top' ? ['-I', chain, String(cur.before + 1)] : ['-A', chain];
  return { argv: ['-w', ...where, ...r.ipt] };
}

export function iptablesRule(chain: string, r: FwRule, earlier: readonly FwRule[], position: 'top' | 'append'): Resource<RuleState, RuleChange, 'posix'> {
  return defineResource<RuleState, RuleChange>({
    id: `iptables ${chain} ${COMMENT_PREFIX}${r.id}`,
    kind: 'iptables-rule',
    shell: 'posix',
    read: ruleFact(chain, r, earlier),
    plan: (cur) => planRule(chain, r, position, cur),
    describe: (c) => sh`iptables ${c.argv}`,
    desired: () => ({ settings: [`${sh`iptables -w ${position === 'top' ? '-I' : '-A'} ${chain} ${r.ipt}`}${position === 'top' ? ' (in this order, above other rules)' : ''}`] }),
    diff: (_cur, c) => ({ before: '', after: `${sh`iptables ${c.argv}`}\n`, label: `iptables ${chain}` }),
    async apply(t, c) {
      await runOk(t, sh`iptables ${c.argv}`, `iptables ${c.argv.join(' ')}`);
    },
  });
}

// ───────────────────────────── iptables -S ─────────────────────────────

/** Splits one `iptables -S` line into words (double quotes with backslash escapes, as iptables prints). */
export function splitRuleLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '\\' && i + 1 < line.length) cur += line[++i];
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') {
      quoted = true;
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

export interface ChainRule {
  argv: string[];
  /** The id after `lvs-play: ` in its comment, or null for rules the role did not make. */
  id: string | null;
}

/** The rules of a chain from `iptables -S CHAIN` (the `-P`/`-N` lines skipped). */
export function parseChainRules(stdout: string, chain: string): { policy: string | null; rules: ChainRule[] } {
  let policy: string | null = null;
  const rules: ChainRule[] = [];
  for (const line of stdout.split('\n')) {
    const w = splitRuleLine(line.trim());
    if (w[0] === '-P' && w[1] === chain) policy = w[2] ?? null;
    if (w[0] !== '-A' || w[1] !== chain) continue;
    const ci = w.indexOf('--comment');
    const comment = ci >= 0 ? (w[ci + 1] ?? '') : '';
    rules.push({ argv: w.slice(2), id: comment.startsWith(COMMENT_PREFIX) ? comment.slice(COMMENT_PREFIX.length) : null });
  }
  return { policy, rules };
}

function chainFact(chain: string): Fact<{ policy: string | null; rules: ChainRule[] }> {
  return {
    command: sh`${raw(NEED_IPTABLES)}
iptables -w -S ${chain}`,
    parse(r) {
      checkFactResult(`iptables -S ${chain}`, r);
      return parseChainRules(r.stdout, chain);
    },
  };
}

/** The pure plan of the prune: `-D CHAIN …` for every rule of ours whose id is no longer wanted. */
export function planPrune(chain: string, wanted: readonly string[], cur: { rules: ChainRule[] }): string[][] | null {
  const keep = new Set(wanted);
  const del = cur.rules.filter((r) => r.id !== null && !keep.has(r.id)).map((r) => ['-w', '-D', chain, ...r.argv]);
  return del.length ? del : null;
}

export function iptablesPrune(chain: string, wanted: readonly string[]): Resource<{ policy: string | null; rules: ChainRule[] }, string[][], 'posix'> {
  return defineResource<{ policy: string | null; rules: ChainRule[] }, string[][]>({
    id: `iptables ${chain} prune stale lvs-play rules`,
    kind: 'iptables-prune',
    shell: 'posix',
    read: chainFact(chain),
    plan: (cur) => planPrune(chain, wanted, cur),
    describe: (c) => c.map((a) => sh`iptables ${a}`).join('; '),
    desired: () => ({ settings: [`iptables ${chain}: no other rule commented ${COMMENT_PREFIX}… than these (${wanted.join(', ')})`] }),
    diff: (_cur, c) => ({ before: c.map((a) => `-A ${a.slice(3).join(' ')}\n`).join(''), after: '', label: `iptables ${chain}` }),
    async apply(t, c) {
      for (const a of c) await runOk(t, sh`iptables ${a}`, `iptables ${a.join(' ')}`);
    },
  });
}

/** `iptables -P INPUT DROP`, planned only after the SSH, loopback and established rules (role order). */
export function iptablesDropPolicy(chain: string): Resource<{ policy: string | null; rules: ChainRule[] }, string, 'posix'> {
  return defineResource<{ policy: string | null; rules: ChainRule[] }, string>({
    id: `iptables ${chain} policy DROP`,
    kind: 'iptables-policy',
    shell: 'posix',
    read: chainFact(chain),
    plan: (cur) => (cur.policy === 'DROP' ? null : 'DROP'),
    describe: () => `iptables -P ${chain} DROP`,
    desired: () => ({ settings: [`iptables -P ${chain} DROP`] }),
    diff: (cur) => ({ before: `-P ${chain} ${cur.policy ?? '?'}\n`, after: `-P ${chain} DROP\n`, label: `iptables ${chain}` }),
    async apply(t) {
      await runOk(t, sh`iptables -w -P ${chain} DROP`, `iptables -P ${chain} DROP`);
    },
  });
}

// ───────────────────────────── persistence ─────────────────────────────

export const IPTABLES_FILES: Record<'debian' | 'rhel', string> = { debian: '/etc/iptables/rules.v4', rhel: '/etc/sysconfig/iptables' };

export interface SaveState {
  family: OsFamily;
  /** `iptables-save` now. */
  save: string;
  /** path → content of the candidate files (absent: not listed). */
  files: Record<string, string>;
}

/** iptables-save text without its timestamped comments and counters: what a comparison needs. */
export function normaliseSave(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#') && l.trim() !== '')
    .map((l) => l.replace(/\[\d+:\d+\]$/, '[0:0]').trimEnd())
    .join('\n');
}

function saveFact(paths: readonly string[]): Fact<SaveState> {
  return {
    command: sh`${raw(NEED_IPTABLES)}
${raw(osFactScript)}
s=$(iptables-save) || exit 1
printf 'save='; printf '%s\n' "$s" | base64 -w0; echo
${raw(fileSetScript(paths))}
:`,
    parse(r) {
      checkFactResult('iptables-save', r);
      const m = parseKv(r.stdout);
      const files = parseFileSet(m.get('file'));
      return { family: parseOsFacts(m).family, save: b64(kv(m, 'save') ?? '').toString('utf8'), files };
    },
  };
}

/** The file the rules are saved to, for this host. */
function persistPath(override: string | undefined, family: OsFamily): string {
  if (override) return override;
  if (family === 'debian' || family === 'rhel') return IPTABLES_FILES[family];
  throw new Error('unknown OS family: cannot tell where iptables rules are restored from at boot; set persistFile');
}

/** What the rules this role manages will be once its rule resources ran (check mode reads before them). */
export interface ManagedRules {
  chain: string;
  ids: readonly string[];
  prune: boolean;
  /** The ids of the fwmark rules (table mangle, PREROUTING: roles/firewall/marks.ts); appended, never pruned. */
  marks?: readonly string[];
}

const managedId = (line: string, chain: string): string | null => {
  if (!line.startsWith(`-A ${chain} `)) return null;
  const m = /--comment "?lvs-play: ([^"]*?)"?(?: -|$)/.exec(line);
  return m ? (m[1] ?? null) : null;
};

/**
 * `iptables-save` as it will be after this role's rule resources: stale rules of ours dropped
 * (with prune), missing ones added (as placeholders in the chain: only the role's ids are known
 * here, iptables-save's own spelling of a rule is not). Equal to `save` on a converged host.
 */
export function expectedSave(save: string, m: ManagedRules): string {
  return withMarks(expectedChain(save, m), m.marks ?? []);
}

/** The managed chain's part of {@link expectedSave}. */
function expectedChain(save: string, m: ManagedRules): string {
  const lines = save.split('\n');
  const present = new Set<string>();
  const kept = lines.filter((l) => {
    const id = managedId(l, m.chain);
    if (id === null) return true;
    present.add(id);
    return !m.prune || m.ids.includes(id);
  });
  const missing = m.ids.filter((id) => !present.has(id)).map((id) => `-A ${m.chain} -m comment --comment "lvs-play: ${id}" (added by this run)`);
  if (missing.length === 0) return kept.join('\n');
  const at = kept.findIndex((l) => l.startsWith(`-A ${m.chain} `) || l === 'COMMIT');
  kept.splice(at < 0 ? kept.length : at, 0, ...missing);
  return kept.join('\n');
}

/**
 * The mark rules still to be added, as placeholders at the end of the mangle table's section (the
 * rules are appended), or in a new section when iptables-save shows no mangle table yet.
 */
function withMarks(save: string, marks: readonly string[]): string {
  const lines = save.split('\n');
  const start = lines.indexOf('*mangle');
  const end = start < 0 ? -1 : lines.indexOf('COMMIT', start);
  const present = new Set(start < 0 ? [] : lines.slice(start, end < 0 ? undefined : end).map((l) => managedId(l, MARK_CHAIN)));
  const missing = marks.filter((id) => !present.has(id)).map((id) => `-A ${MARK_CHAIN} -m comment --comment "lvs-play: ${id}" (added by this run)`);
  if (missing.length === 0) return save;
  if (end < 0) {
    const tail = lines.at(-1) === '' ? lines.length - 1 : lines.length;
    lines.splice(tail, 0, '*mangle', ...missing, 'COMMIT');
  } else lines.splice(end, 0, ...missing);
  return lines.join('\n');
}

export function planSave(override: string | undefined, cur: SaveState, managed?: ManagedRules): { path: string } | null {
  const path = persistPath(override, cur.family);
  const old = cur.files[path];
  const want = managed ? expectedSave(cur.save, managed) : cur.save;
  return old !== undefined && normaliseSave(old) === normaliseSave(want) ? null : { path };
}

export function iptablesPersist(override: string | undefined, managed?: ManagedRules): Resource<SaveState, { path: string }, 'posix'> {
  const paths = override ? [override] : [IPTABLES_FILES.debian, IPTABLES_FILES.rhel];
  return defineResource<SaveState, { path: string }>({
    id: 'iptables rules saved for boot',
    kind: 'iptables-save',
    shell: 'posix',
    read: saveFact(paths),
    plan: (cur) => planSave(override, cur, managed),
    // saved plans: iptables-save carries packet counters, which move all the time; the plan depends
    // on the rules only (as planSave compares them)
    fingerprint: (cur) => ({
      family: cur.family,
      save: normaliseSave(cur.save),
      files: Object.fromEntries(Object.entries(cur.files).map(([p, text]) => [p, normaliseSave(text)])),
    }),
    describe: (c) => `iptables-save > ${c.path}`,
    desired: () => ({ settings: [`iptables-save > ${override ?? `${IPTABLES_FILES.debian} (Debian) or ${IPTABLES_FILES.rhel} (RHEL)`} (the live rules, for boot)`] }),
    diff: (cur, c) => {
      const after = managed ? expectedSave(cur.save, managed) : cur.save;
      return { before: cur.files[c.path] ?? '', after: after.endsWith('\n') ? after : `${after}\n`, label: c.path };
    },
    async apply(t, c) {
      // the live rules as they are now (after this role's rule resources), through the one write
      // path: checked by iptables-restore --test, the old file kept as a backup
      const save = (await runOk(t, sh`iptables-save`, 'iptables-save')).stdout;
      await applyFileSet(t, { write: [{ path: c.path, content: save, mode: 0o600, validate: (tmp) => sh`iptables-restore --test < ${tmp}` }], remove: [] });
    },
  });
}

/**
 * The nftables backend: the role's own `table inet lvs_play`, written as a file, checked with
 * `nft -c -f`, loaded with `nft -f` (one transaction: the table is replaced, other tables are
 * never touched), and included from the distro's boot ruleset.
 */
import { defineResource, type Fact, type Resource, type ShellCommand } from 'lvs-play';
import { applyFileSet, b64, checkFactResult, editLines, fileSetDiff, fileSetScript, type FileSetChange, kv, osFactScript, type OsFamily, parseFileSet, parseKv, parseOsFacts, planFileSet, raw, runOk, sh } from 'lvs-play/kit';
import { NFT_TABLE } from './options.js';
import type { FwRule } from './rules.js';
import { nftMarkChain } from './marks.js';

/** Where the listing of the table as last loaded is kept, to notice hand edits of the live table. */
export const NFT_STAMP = `/var/lib/lvs-play/nft-${NFT_TABLE}.list`;
const NFT_STAMP_DIR = '/var/lib/lvs-play';

/** `nft -c -f`: the validate step of every nftables file written (the table, the boot config). */
const nftCheck = (tmp: string): ShellCommand => sh`nft -c -f ${tmp}`;

const NEED_NFT = sh`command -v nft >/dev/null 2>&1 || { echo 'nft is not installed (director-base with firewall: nftables installs it)' >&2; exit 127; }`;

/** The table file: create-then-delete makes the load replace the table atomically, first time or not. */
export function renderNftTable(rules: readonly FwRule[], defaultDrop: boolean, marks: readonly FwRule[] = []): string {
  return [
    '#!/usr/sbin/nft -f',
    '# managed by lvs-play (firewall role): rewritten on every change; other tables are left alone',
    `table inet ${NFT_TABLE}`,
    `delete table inet ${NFT_TABLE}`,
    `table inet ${NFT_TABLE} {`,
    '\tchain input {',
    `\t\ttype filter hook input priority 0; policy ${defaultDrop ? 'drop' : 'accept'};`,
    ...rules.map((r) => `\t\t${r.nft}`),
    '\t}',
    ...nftMarkChain(marks),
    '}',
    '',
  ].join('\n');
}

export interface NftState {
  file: string | null;
  /** `nft list table inet lvs_play`, null when the table is not loaded. */
  live: string | null;
  /** The listing recorded at the last load. */
  stamp: string | null;
}

export interface NftChange {
  /** The table file to write; absent when only the live table needs loading again. */
  content?: string;
  reasons: string[];
}

function b64Line(key: string, path: string): ReturnType<typeof sh> {
  return sh`if [ -f ${path} ]; then printf '%s=' ${key}; base64 -w0 < ${path}; echo; fi`;
}

function nftFact(file: string): Fact<NftState> {
  return {
    command: sh`${raw(NEED_NFT)}
${raw(b64Line('file', file))}
${raw(b64Line('stamp', NFT_STAMP))}
if l=$(nft list table inet ${NFT_TABLE} 2>/dev/null); then printf 'live='; printf '%s\n' "$l" | base64 -w0; echo; fi
:`,
    parse(r) {
      checkFactResult(`nftables table ${NFT_TABLE}`, r);
      const m = parseKv(r.stdout);
      const get = (k: string): string | null => {
        const v = kv(m, k);
        return v === undefined ? null : b64(v).toString('utf8');
      };
      return { file: get('file'), live: get('live'), stamp: get('stamp') };
    },
  };
}

export function planNft(content: string, cur: NftState): NftChange | null {
  const reasons: string[] = [];
  if (cur.file !== content) reasons.push(cur.file === null ? 'create the table file' : 'table file differs');
  if (cur.live === null) reasons.push(`table inet ${NFT_TABLE} not loaded`);
  else if (cur.stamp === null || cur.live.trim() !== cur.stamp.trim()) reasons.push(`live table inet ${NFT_TABLE} differs from the last load`);
  return reasons.length ? { ...(cur.file !== content ? { content } : {}), reasons } : null;
}

export function nftTable(file: string, rules: readonly FwRule[], defaultDrop: boolean, marks: readonly FwRule[] = []): Resource<NftState, NftChange, 'posix'> {
  const content = renderNftTable(rules, defaultDrop, marks);
  return defineResource<NftState, NftChange>({
    id: `nftables table inet ${NFT_TABLE}`,
    kind: 'nftables-table',
    shell: 'posix',
    read: nftFact(file),
    plan: (cur) => planNft(content, cur),
    describe: (c) => `nft -f ${file} (${c.reasons.join(', ')})`,
    desired: () => ({ files: [{ path: file, content, mode: 0o644 }], settings: [`nft -f ${file}`] }),
    diff: (cur, c) => ({ before: cur.file ?? '', after: c.content ?? cur.file ?? '', label: file }),
    async apply(t, c) {
      // the table file goes through the one write path, checked first: a file nft refuses never
      // replaces the live file nor touches the ruleset (the file is wholly ours: no backup)
      if (c.content !== undefined) await applyFileSet(t, { write: [{ path: file, content: c.content, mode: 0o644, validate: nftCheck }], remove: [] }, { backup: false });
      await runOk(t, sh`mkdir -p ${NFT_STAMP_DIR} && nft -f ${file} && nft list table inet ${NFT_TABLE} > ${NFT_STAMP}`, `nft -f ${file}`);
    },
  });
}

// ───────────────────────────── boot ─────────────────────────────

export const NFT_BOOT_FILES: Record<'debian' | 'rhel', string> = { debian: '/etc/nftables.conf', rhel: '/etc/sysconfig/nftables.conf' };

export interface NftBootState {
  family: OsFamily;
  files: Record<string, string>;
}

function nftBootFact(): Fact<NftBootState> {
  const paths = [NFT_BOOT_FILES.debian, NFT_BOOT_FILES.rhel];
  return {
    command: sh`${raw(osFactScript)}
${raw(fileSetScript(paths))}
:`,
    parse(r) {
      checkFactResult('nftables boot config', r);
      const m = parseKv(r.stdout);
      const files = parseFileSet(m.get('file'));
      return { family: parseOsFacts(m).family, files };
    },
  };
}

/** The pure plan: the boot config (per family) ends by including the role's table file. */
export function planNftBoot(file: string, cur: NftBootState): FileSetChange | null {
  if (cur.family !== 'debian' && cur.family !== 'rhel') throw new Error('unknown OS family: cannot tell which file nftables.service loads at boot');
  const path = NFT_BOOT_FILES[cur.family];
  const line = `include "${file}"`;
  const text = cur.files[path] ?? '#!/usr/sbin/nft -f\n';
  const esc = file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const edit = editLines(text, { line, regexp: new RegExp(`^\\s*include\\s+"${esc}"`), state: 'present', insertAfter: 'EOF' });
  const mode = path === NFT_BOOT_FILES.debian ? 0o755 : 0o600;
  return planFileSet(cur.files, [{ path, content: edit.content ?? text, mode, validate: nftCheck }]);
}

export function nftBoot(file: string): Resource<NftBootState, FileSetChange, 'posix'> {
  return defineResource<NftBootState, FileSetChange>({
    id: `nftables boot includes ${file}`,
    kind: 'nftables-boot',
    shell: 'posix',
    read: nftBootFact(),
    plan: (cur) => planNftBoot(file, cur),
    describe: (c) => `add include "${file}" to ${c.write.map((w) => w.path).join(', ')}`,
    desired: () => ({ settings: [`include "${file}" in ${NFT_BOOT_FILES.debian} (Debian) or ${NFT_BOOT_FILES.rhel} (RHEL)`] }),
    diff: (cur, c) => fileSetDiff(cur.files, c, 'nftables boot config'),
    // the distro's boot config, edited: checked by nft, the old one kept as a backup
    apply: (t, c) => applyFileSet(t, c),
  });
}

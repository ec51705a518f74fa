/**
 * Several whole files one resource owns (a rules file and its boot switch, one ifcfg file per
 * address …): read in one fact, planned and shown as one change (one diff of every file), and each
 * written through the one write path (applyFileChange: temp → owner/mode → validate → backup →
 * rename). A resource that owns a single file can use it too.
 */
import { raw, sh } from '../shell/quote.js';
import type { Diff, PosixTransport, ShellCommand } from '../types.js';
import { b64 } from './common.js';
import { applyFileChange, type WriteOptions } from './filewrite.js';

/** One whole file as wanted. */
export interface WantedFile {
  path: string;
  content: string;
  /** Octal mode, e.g. 0o644. */
  mode: number;
  /** Checks the temp file before it goes live (e.g. `nft -c -f`, `sh -n`). */
  validate?: WriteOptions['validate'];
}

/** What a file set changes: files to write (content differs or absent) and files to remove. */
export interface FileSetChange {
  write: WantedFile[];
  remove: string[];
}

/**
 * Shell text printing a `file=PATH BASE64` line for each of `paths` that is a regular file and, for
 * each of `prefixes`, for every file whose path starts with it and that contains `marker` (files
 * this resource wrote before, found again to remove the ones no longer wanted).
 */
export function fileSetScript(paths: readonly string[], more: { prefixes?: readonly string[]; marker?: string } = {}): ShellCommand {
  const show = sh`printf 'file=%s ' "$f"; base64 -w0 < "$f" || exit 1; echo`;
  const lines = [sh`for f in ${paths}; do if [ -f "$f" ] && [ ! -L "$f" ]; then ${raw(show)}; fi; done`];
  if (more.prefixes?.length) {
    const marked = more.marker === undefined ? sh`:` : sh`grep -qF -- ${more.marker} "$f"`;
    lines.push(sh`for g in ${more.prefixes}; do for f in "$g"*; do if [ -f "$f" ] && [ ! -L "$f" ] && ${raw(marked)}; then ${raw(show)}; fi; done; done`);
  }
  return lines.join('\n') as ShellCommand;
}

/** path → content, from the `file` lines of a parsed fact (files that do not exist are not listed). */
export function parseFileSet(lines: readonly string[] | undefined): Record<string, string> {
  const files: Record<string, string> = {};
  for (const l of lines ?? []) {
    const sp = l.indexOf(' ');
    files[sp < 0 ? l : l.slice(0, sp)] = sp < 0 ? '' : b64(l.slice(sp + 1)).toString('utf8');
  }
  return files;
}

/**
 * The pure plan: the wanted files whose content differs (or that are absent), and, with `prune`,
 * the current files that are not wanted. `null` = as wanted.
 */
export function planFileSet(current: Readonly<Record<string, string>>, want: readonly WantedFile[], o: { prune?: boolean } = {}): FileSetChange | null {
  const write = want.filter((w) => current[w.path] !== w.content);
  const wanted = new Set(want.map((w) => w.path));
  const remove = o.prune ? Object.keys(current).filter((p) => !wanted.has(p)).sort() : [];
  return write.length === 0 && remove.length === 0 ? null : { write, remove };
}

/** "write A, write B, remove C". */
export function describeFileSet(c: FileSetChange): string {
  return [...c.write.map((w) => `write ${w.path}`), ...c.remove.map((p) => `remove ${p}`)].join(', ');
}

/** One diff of every file the change touches, each under a `--- PATH` header; `(absent)` for none. */
export function fileSetDiff(current: Readonly<Record<string, string>>, c: FileSetChange, label: string): Diff {
  const paths = [...c.write.map((w) => w.path), ...c.remove];
  const show = (p: string, text: string | undefined): string => `--- ${p}\n${text === undefined ? '(absent)\n' : text.endsWith('\n') || text === '' ? text : `${text}\n`}`;
  return {
    before: paths.map((p) => show(p, current[p])).join(''),
    after: paths.map((p) => show(p, c.write.find((w) => w.path === p)?.content)).join(''),
    label,
  };
}

/**
 * Writes each file through the one write path (parent directories created, the old file backed up
 * unless `backup: false`), then removes the unwanted ones. Stops at the first failure: a file whose
 * validation fails is left as it was.
 */
export async function applyFileSet(t: PosixTransport, c: FileSetChange, o: { backup?: boolean; secrets?: readonly string[] } = {}): Promise<void> {
  for (const w of c.write) {
    await applyFileChange(
      t,
      { action: 'write', path: w.path, content: Buffer.from(w.content), mode: w.mode, reasons: [] },
      { mkdirs: true, backup: o.backup ?? true, ...(w.validate ? { validate: w.validate } : {}) },
      o.secrets,
    );
  }
  for (const p of c.remove) await applyFileChange(t, { action: 'remove', path: p, reasons: [] }, {}, o.secrets);
}

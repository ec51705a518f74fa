/**
 * The file reads of a host's batch (src/run/facts.ts). Facts that say which paths they read with
 * `fileFactScript` (`Fact.split`) have those paths read together by ONE script — one `find`
 * listing type, attributes and link target of every path, one `cat | base64` for every regular
 * file whose content is wanted (picked from the listing by the shell), a checksum (hostSha256) only for
 * checksum-only regular files — instead of a stat and a base64 or sha256sum per path per fact.
 * Each fact then gets its paths' lines in `fileFactScript`'s own format, so its parser cannot tell
 * the difference. A path that cannot be answered this way (changed between the listing and the
 * read, unreadable, an odd listing line) leaves its fact to its own command.
 */
import { raw, sh } from '../shell/quote.js';
import { CONTENT_CAP, hostSha256, sha256 } from '../resources/filewrite.js';
import type { FileRead, ShellCommand } from '../types.js';


interface Want {
  content: boolean;
  sha: boolean;
}

interface Entry {
  type: 'file' | 'dir' | 'link' | 'other';
  stat: string;
  size: number;
  link: string;
}

/** What the batch read about its paths. */
export interface FileBatch {
  entries: Map<string, Entry>;
  absent: Set<string>;
  sha: Map<string, string>;
  content: Map<string, Buffer>;
}

/** Paths the batch can read together: absolute, no newline, carriage return, tab or backslash (find's and sha256sum's line formats). */
export function batchable(r: FileRead): boolean {
  return r.path.startsWith('/') && !/[\n\r\t\\]/.test(r.path);
}

/** The union of what several reads want of each path. */
export function wanted(reads: readonly FileRead[]): Map<string, Want> {
  const out = new Map<string, Want>();
  for (const r of reads) {
    const w = out.get(r.path) ?? { content: false, sha: false };
    if (r.content) w.content = true;
    if (r.sha256 !== false) w.sha = true;
    out.set(r.path, w);
  }
  return out;
}

/** Each path quoted, separated by spaces. */
const words = (ps: readonly string[]): ShellCommand => ps.map((p) => sh`${p}`).join(' ') as ShellCommand;

/**
 * The one script reading every path; its sections end with `mark` lines: the listing (and the
 * absent paths), the checksums (checksum-only files; content files above the cap), the names of
 * the files whose contents follow, their contents back to back in base64.
 */
export function fileBatchScript(paths: ReadonlyMap<string, Want>, mark: string): ShellCommand {
  const all = [...paths.keys()];
  const pattern = (ps: readonly string[]): ShellCommand => ps.map((p) => sh`${p}`).join('|') as ShellCommand;
  const sha = all.filter((p) => paths.get(p)!.sha && !paths.get(p)!.content);
  const content = all.filter((p) => paths.get(p)!.content);
  // regular files only (never a fifo or a device: reading one could block), picked from the listing
  // by the shell: readable content files up to the cap go to "$@" (one cat for all), larger ones
  // and checksum-only ones get their checksum. Fields: "TYPE MODE UID GID SIZE USER GROUP", path,
  // link target (read's last field takes the rest: a target may hold a tab)
  const branches = [
    ...(content.length
      ? [sh`${raw(pattern(content))}) [ -r "$f" ] || continue; s=\${meta#* * * * }; s=\${s%% *}
    if [ "$s" -le ${CONTENT_CAP} ]; then set -- "$@" "$f"; else { ${raw(hostSha256('"$f"'))}; } 2>/dev/null; fi ;;`]
      : []),
    ...(sha.length ? [sh`${raw(pattern(sha))}) { ${raw(hostSha256('"$f"'))}; } 2>/dev/null ;;`] : []),
  ];
  const pick = branches.length
    ? sh`while IFS=${'\t'} read -r meta f link; do
  case $meta in 'f '*) ;; *) continue ;; esac
  case $f in
    ${raw(branches.join('\n    ') as ShellCommand)}
  esac
done <<LVS_FILES
$l
LVS_FILES`
    : sh`:`;
  return sh`set -f
l=$(find ${raw(words(all))} -maxdepth 0 -printf ${'%y %m %U %G %s %u %g\\t%p\\t%l\\n'} 2>/dev/null)
printf '%s\\n' "$l"
for p in ${raw(words(all))}; do [ -e "$p" ] || [ -L "$p" ] || printf ${'absent\\t%s\\n'} "$p"; done
echo ${mark}
set --
${raw(pick)}
echo ${mark}
[ $# -eq 0 ] || printf '%s\\n' "$@"
echo ${mark}
[ $# -eq 0 ] || cat -- "$@" | base64 -w0
echo`;
}

const TYPES: Record<string, Entry['type']> = { f: 'file', d: 'dir', l: 'link' };
const META = /^(\S) ([0-7]+) (\d+) (\d+) (\d+) (\S+) (\S+)$/;

/** Reads the script's output back; null when it is not what the script prints (then every fact reads on its own). */
export function parseFileBatch(stdout: string, mark: string, paths: ReadonlyMap<string, Want>): FileBatch | null {
  const parts = stdout.split(`${mark}\n`);
  if (parts.length !== 4) return null;
  const [listing = '', shaText = '', names = '', data = ''] = parts;
  const fb: FileBatch = { entries: new Map(), absent: new Set(), sha: new Map(), content: new Map() };
  for (const line of listing.split('\n').filter(Boolean)) {
    if (line.startsWith('absent\t')) {
      if (!paths.has(line.slice(7))) return null;
      fb.absent.add(line.slice(7));
      continue;
    }
    // META \t PATH \t LINK (paths hold no tab; a link target may)
    const first = line.indexOf('\t');
    const second = line.indexOf('\t', first + 1);
    if (first < 0 || second < 0) return null;
    const path = line.slice(first + 1, second);
    const m = META.exec(line.slice(0, first));
    if (!m || !paths.has(path)) return null;
    const [, y, mode, uid, gid, size, user, group] = m as unknown as string[];
    // find prints the number of an id without a name, stat (the fact's own command) prints UNKNOWN
    const name = (n: string, id: string) => (n === id ? 'UNKNOWN' : n);
    fb.entries.set(path, { type: TYPES[y!] ?? 'other', stat: `${mode} ${uid} ${gid} ${name(user!, uid!)} ${name(group!, gid!)} ${size}`, size: Number(size), link: line.slice(second + 1) });
  }
  for (const line of shaText.split('\n').filter(Boolean)) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (m && paths.has(m[2]!)) fb.sha.set(m[2]!, m[1]!);
  }
  // the contents, back to back in the listed order, split by the listing's sizes
  const files = names.split('\n').filter(Boolean);
  const bytes = Buffer.from(data.trim(), 'base64');
  let at = 0;
  const sizes = files.map((f) => fb.entries.get(f)?.size ?? -1);
  if (sizes.some((s) => s < 0) || sizes.reduce((a, b) => a + b, 0) !== bytes.length) return fb; // changed meanwhile: no content
  files.forEach((f, i) => {
    fb.content.set(f, bytes.subarray(at, at + sizes[i]!));
    at += sizes[i]!;
  });
  return fb;
}

/** One read's lines in fileFactScript's format; null when the batch cannot answer it. */
export function fileLines(r: FileRead, fb: FileBatch): string | null {
  const k = r.prefix ?? '';
  if (fb.absent.has(r.path)) return `${k}type=absent\n`;
  const e = fb.entries.get(r.path);
  if (!e) return null;
  if (e.type === 'other') return `${k}type=other\n`;
  if (e.type === 'link') return `${k}type=link\n${k}link=${Buffer.from(e.link).toString('base64')}\n`;
  const head = `${k}type=${e.type}\n${k}stat=${e.stat}\n`;
  if (e.type === 'dir') return head;
  const content = fb.content.get(r.path);
  if (content && r.content) return `${head}${k}content=${content.toString('base64')}\n`;
  // above the cap the content stays on the host, as fileFactScript has it: its checksum only
  if (r.content && e.size <= CONTENT_CAP) return null;
  if (r.sha256 === false) return head;
  const sum = fb.sha.get(r.path) ?? (content ? sha256(content) : undefined);
  return sum ? `${head}${k}sha256=${sum}\n` : null;
}

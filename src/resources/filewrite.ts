/**
 * The file fact and the one write path shared by file, template, lineInFile and sysctl:
 * content goes on stdin into a temp file beside the target, gets its mode/owner, is validated,
 * the old file is backed up when asked, then `mv -f` renames it over the live path (atomic).
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { raw, sh } from '../shell/quote.js';
import type { ByteStream, Diff, Fact, PosixTransport, ShellCommand } from '../types.js';
import { b64, checkFactResult, kv, octal, parseKv, redact, runOk } from './common.js';
import { bufferStream, sha256 } from './content.js';

export { sha256 };

/** Files up to this size travel in the fact; larger ones are compared by sha256 only. */
export const CONTENT_CAP = 1024 * 1024;

/** A file as read on the host: whether it exists, its digest, content and attributes. */
export interface FileState {
  type: 'absent' | 'file' | 'dir' | 'link' | 'other';
  mode?: number;
  uid?: number;
  gid?: number;
  user?: string;
  group?: string;
  size?: number;
  sha256?: string;
  /** The bytes, when asked for and not above the cap. */
  content?: Buffer;
  /** Where a symlink points (type 'link'). */
  linkTarget?: string;
}

/**
 * The host's sha256 of a file (`file`: a shell word such as "$p", or stdin when absent), printed as
 * `HEX  NAME` / `HEX *NAME`: openssl where installed (it uses the CPU's SHA instructions: ~6× faster
 * than coreutils' sha256sum on a 100 MB file), else sha256sum. `command -v` is a shell builtin.
 */
export function hostSha256(file?: '"$p"' | '"$t"' | '"$f"'): ShellCommand {
  return file === undefined
    ? sh`if command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 -r; else sha256sum; fi`
    : (`if command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 -r ${file}; else sha256sum -- ${file}; fi` as ShellCommand);
}

/**
 * Shell text printing `type=…`, `stat=MODE UID GID USER GROUP SIZE`, then `content=BASE64` (when
 * asked for and not above CONTENT_CAP) or `sha256=…`, and `link=BASE64` lines about one path.
 * `prefix` namespaces the keys (for facts that read several paths). Cheap on the host: one `stat`,
 * then one `base64` or one `sha256sum` per regular file (the checksum of fetched content is
 * computed here, not there).
 */
export function fileFactScript(path: string, opts: { content?: boolean; sha256?: boolean; prefix?: string } = {}): ShellCommand {
  const k = opts.prefix ?? '';
  const sha = opts.sha256 === false ? sh`:` : sh`printf '%s' ${`${k}sha256=`}; ${raw(hostSha256())} < "$p" || exit 1`;
  const body = opts.content
    ? sh`if [ "\${s##* }" -le ${CONTENT_CAP} ]; then printf '%s' ${`${k}content=`}; base64 -w0 < "$p" || exit 1; echo; else ${raw(sha)}; fi`
    : sha;
  return sh`p=${path}
if [ -L "$p" ]; then echo ${`${k}type=link`}; printf '%s' ${`${k}link=`}; readlink -- "$p" | base64 -w0; echo
elif [ -d "$p" ]; then echo ${`${k}type=dir`}; stat -c ${`${k}stat=%a %u %g %U %G %s`} -- "$p" || exit 1
elif [ -f "$p" ]; then echo ${`${k}type=file`}; s=$(stat -c '%a %u %g %U %G %s' -- "$p") || exit 1; printf '%s\\n' ${`${k}stat=`}"$s"; ${raw(body)}
elif [ -e "$p" ]; then echo ${`${k}type=other`}
else echo ${`${k}type=absent`}; fi`;
}

/** Reads a FileState back from parsed fact output. */
export function parseFileState(m: Map<string, string[]>, path: string, prefix = ''): FileState {
  const type = kv(m, `${prefix}type`);
  if (type !== 'absent' && type !== 'file' && type !== 'dir' && type !== 'link' && type !== 'other') {
    throw new Error(`could not read the state of ${path}: unexpected fact output`);
  }
  const st: FileState = { type };
  if (type === 'link') st.linkTarget = b64(kv(m, `${prefix}link`) ?? '').toString('utf8').replace(/\n$/, '');
  const stat = kv(m, `${prefix}stat`);
  if (type === 'file' || type === 'dir') {
    const parts = stat?.trim().split(' ') ?? [];
    if (parts.length < 6) throw new Error(`could not stat ${path}`);
    st.mode = parseInt(parts[0]!, 8);
    st.uid = Number(parts[1]);
    st.gid = Number(parts[2]);
    st.user = parts[3]!;
    st.group = parts[4]!;
    st.size = Number(parts[5]);
  }
  if (type === 'file') {
    // sha256sum prints "HASH  -", openssl "HASH *stdin"; older scripts printed the hash alone
    const sha = kv(m, `${prefix}sha256`)?.trim().split(/\s/)[0];
    if (sha !== undefined) {
      if (!/^[0-9a-f]{64}$/.test(sha)) throw new Error(`could not read ${path} (no checksum)`);
      st.sha256 = sha;
    }
    const c = kv(m, `${prefix}content`);
    if (c !== undefined) {
      st.content = b64(c);
      st.sha256 ??= sha256(st.content);
    }
  }
  return st;
}

/** A batched fact about one path. */
export function fileFact(path: string, opts: { content?: boolean; sha256?: boolean } = {}): Fact<FileState> {
  return {
    command: fileFactScript(path, opts),
    // in a host's batch, read together with every other fact's paths (src/run/file-batch.ts)
    split: { files: [{ path, ...opts }] },
    parse(r) {
      checkFactResult(path, r);
      return parseFileState(parseKv(r.stdout), path);
    },
  };
}

// ───────────────────────────── planning ─────────────────────────────

/** A file's owner, group and mode. */
export interface FileAttrs {
  mode?: number;
  owner?: string;
  group?: string;
}

/** What a file write will do: the new content and attributes, or removal. */
export interface FileChange extends FileAttrs {
  action: 'write' | 'attrs' | 'remove';
  path: string;
  /** Content to write (action 'write'). */
  content?: Buffer;
  /** What differs, for humans: "create", "content", "mode 0600 → 0644", … */
  reasons: string[];
}

function idMatches(want: string, name: string | undefined, id: number | undefined): boolean {
  return /^\d+$/.test(want) ? Number(want) === id : want === name;
}

/** What to change so `cur` has these attributes; empty lists mean nothing. */
export function attrChanges(cur: FileState, want: FileAttrs): string[] {
  const why: string[] = [];
  if (want.mode !== undefined && cur.mode !== want.mode) {
    why.push(`mode ${cur.mode === undefined ? '?' : octal(cur.mode)} → ${octal(want.mode)}`);
  }
  if (want.owner !== undefined && !idMatches(want.owner, cur.user, cur.uid)) why.push(`owner ${cur.user ?? '?'} → ${want.owner}`);
  if (want.group !== undefined && !idMatches(want.group, cur.group, cur.gid)) why.push(`group ${cur.group ?? '?'} → ${want.group}`);
  return why;
}

/**
 * Plans a regular file with this content and attributes (content compared by sha256).
 * Throws when a directory or special file is in the way.
 */
export function planFileContent(path: string, cur: FileState, content: Buffer, want: FileAttrs): FileChange | null {
  if (cur.type === 'dir') throw new Error(`${path} is a directory; refusing to replace it with a file`);
  if (cur.type === 'other') throw new Error(`${path} is a special file (device, socket or fifo); refusing to replace it`);
  if (cur.type === 'absent' || cur.type === 'link') {
    return { action: 'write', path, content, ...want, reasons: [cur.type === 'link' ? 'replace symlink' : 'create'] };
  }
  if (cur.sha256 !== sha256(content)) return { action: 'write', path, content, ...want, reasons: ['content'] };
  const why = attrChanges(cur, want);
  return why.length ? { action: 'attrs', path, ...want, reasons: why } : null;
}

/** Plans removal of a file (or symlink) at path. */
export function planFileAbsent(path: string, cur: FileState): FileChange | null {
  if (cur.type === 'absent') return null;
  if (cur.type === 'dir') throw new Error(`${path} is a directory; a file resource will not remove it (use directory({ state: 'absent' }))`);
  return { action: 'remove', path, reasons: ['remove'] };
}

/** A file change in one line: write/remove/set attributes of PATH (reasons). */
export function describeFileChange(c: FileChange): string {
  const verb = c.action === 'remove' ? 'remove' : c.action === 'attrs' ? 'set attributes of' : 'write';
  const extra = c.action === 'write' && c.mode !== undefined ? `, mode ${octal(c.mode)}` : '';
  return `${verb} ${c.path} (${c.reasons.join(', ')}${extra})`;
}

// ───────────────────────────── diff ─────────────────────────────

function isText(b: Buffer): boolean {
  return !b.includes(0) && Buffer.from(b.toString('utf8'), 'utf8').equals(b);
}

/** How a file's content shows in a diff: its text, or a one-line summary for binary/large files. */
function contentText(st: FileState): string {
  if (st.type === 'absent') return '';
  if (st.type === 'link') return `(symlink → ${st.linkTarget ?? '?'})\n`;
  if (st.type !== 'file') return `(${st.type})\n`;
  if (st.content && isText(st.content)) return st.content.toString('utf8');
  return `(${st.content ? 'binary, ' : ''}${st.size ?? '?'} bytes, sha256 ${st.sha256 ?? '?'})\n`;
}

function attrText(st: FileAttrs): string {
  const parts = [st.mode !== undefined ? `mode ${octal(st.mode)}` : '', st.owner ? `owner ${st.owner}` : '', st.group ? `group ${st.group}` : ''];
  return `${parts.filter(Boolean).join(' ')}\n`;
}

/** before/after text of a file change (full contents; attributes for attribute-only changes). */
export function fileDiff(cur: FileState, c: FileChange, secrets?: readonly string[]): Diff {
  let before: string;
  let after: string;
  if (c.action === 'attrs') {
    before = attrText({ mode: cur.mode, owner: cur.user, group: cur.group });
    after = attrText({ mode: c.mode ?? cur.mode, owner: c.owner ?? cur.user, group: c.group ?? cur.group });
  } else {
    before = contentText(cur);
    const content = c.content ?? Buffer.alloc(0);
    const shown = content.length <= CONTENT_CAP ? { content } : {};
    after = c.action === 'remove' ? '' : contentText({ type: 'file', ...shown, size: content.length, sha256: sha256(content) });
  }
  return { before: redact(before, secrets), after: redact(after, secrets), label: c.path };
}

// ───────────────────────────── applying ─────────────────────────────

/** How `applyFileChange` writes: attributes, a validate command, a backup. */
export interface WriteOptions extends FileAttrs {
  /** Checks the temp file before it goes live; a non-zero exit leaves the live file untouched. */
  validate?: (tmpPath: string) => ShellCommand;
  /** Keep the old file as PATH.YYYYMMDDTHHMMSS~ before replacing it. */
  backup?: boolean;
  /** Create missing parent directories (mode 0755). */
  mkdirs?: boolean;
}

/** The temp path beside `path` that a write goes through. */
export function tempPathFor(path: string): string {
  return posix.join(posix.dirname(path), `.${posix.basename(path)}.lvs-${randomBytes(6).toString('hex')}`);
}

/**
 * The shell script that writes stdin to `path` atomically (see module comment). Without an
 * explicit mode/owner the old file's are kept; a new file gets 0644.
 */
function writeScript(path: string, tmp: string, o: WriteOptions, expectSha256?: string): ShellCommand {
  const lines: ShellCommand[] = [
    sh`p=${path}; t=${tmp}`,
    // a signal (Ctrl-C's remote kill, a TERM) still runs the EXIT trap: no temp file is left
    sh`trap 'rm -f -- "$t"' EXIT; trap 'exit 143' HUP INT TERM`,
  ];
  if (o.mkdirs) lines.push(sh`mkdir -p -- ${posix.dirname(path)} || exit $?`);
  // temp files of this target left by an earlier run that was cut off (connection lost, killed)
  lines.push(sh`for s in ${posix.dirname(path)}/${`.${posix.basename(path)}.lvs-`}*; do [ "$s" = "$t" ] || rm -f -- "$s"; done`);
  lines.push(sh`(set -C; cat > "$t") || exit $?`);
  if (expectSha256 !== undefined) {
    // a dropped connection ends stdin early: cat exits 0 with part of the content — never rename that
    lines.push(sh`[ "$(${raw(hostSha256())} < "$t" | cut -d' ' -f1)" = ${expectSha256} ] || { printf 'lvs-play: incomplete transfer (the connection dropped?); %s left unchanged\n' "$p" >&2; exit 75; }`);
  }
  lines.push(sh`if [ -f "$p" ] && [ ! -L "$p" ]; then chmod --reference="$p" -- "$t" && chown --reference="$p" -- "$t" || exit $?; else chmod 0644 -- "$t" || exit $?; fi`);
  if (o.mode !== undefined) lines.push(sh`chmod ${octal(o.mode)} -- "$t" || exit $?`);
  const chown = chownArg(o);
  if (chown) lines.push(sh`chown ${chown} -- "$t" || exit $?`);
  if (o.validate) {
    const v = o.validate(tmp);
    lines.push(sh`( ${raw(v)}
) </dev/null || { rc=$?; printf 'lvs-play: validate failed (exit %s); %s left unchanged\n' "$rc" "$p" >&2; exit $rc; }`);
  }
  if (o.backup) lines.push(sh`if [ -e "$p" ]; then cp -p -- "$p" "$p.$(date +%Y%m%dT%H%M%S)~" || exit $?; fi`);
  lines.push(sh`mv -f -- "$t" "$p"`);
  return lines.join('\n') as ShellCommand;
}

/** `chown`'s argument for these attributes (`owner`, `owner:group`, `:group`), or undefined for neither. */
export function chownArg(o: FileAttrs): string | undefined {
  if (o.owner !== undefined && o.group !== undefined) return `${o.owner}:${o.group}`;
  if (o.owner !== undefined) return o.owner;
  if (o.group !== undefined) return `:${o.group}`;
  return undefined;
}

/** Sets the mode and the owner/group these attributes give (the parts given) of the file at `path`. */
export async function applyFileAttrs(t: PosixTransport, path: string, a: FileAttrs, secrets?: readonly string[]): Promise<void> {
  const cmds: ShellCommand[] = [];
  if (a.mode !== undefined) cmds.push(sh`chmod ${octal(a.mode)} -- ${path}`);
  const chown = chownArg(a);
  if (chown) cmds.push(sh`chown ${chown} -- ${path}`);
  if (cmds.length) await runOk(t, cmds.join(' && ') as ShellCommand, `set attributes of ${path}`, secrets);
}

/** Carries out a planned file change. */
export async function applyFileChange(t: PosixTransport, c: FileChange, o: WriteOptions, secrets?: readonly string[]): Promise<void> {
  if (c.action === 'remove') {
    await runOk(t, sh`rm -f -- ${c.path}`, `remove ${c.path}`, secrets);
    return;
  }
  if (c.action === 'attrs') {
    await applyFileAttrs(t, c.path, c, secrets);
    return;
  }
  const content = c.content ?? Buffer.alloc(0);
  const attrs = { ...o, mode: c.mode ?? o.mode, owner: c.owner ?? o.owner, group: c.group ?? o.group };
  await writeFileContent(t, c.path, { stream: bufferStream(content), sha256: sha256(content) }, attrs, secrets);
}

/**
 * Writes these bytes to `path` (the write path above): streamed on stdin in chunks, checked by
 * sha256 on the host before the rename, so a transfer cut short leaves the old file.
 */
export async function writeFileContent(
  t: PosixTransport,
  path: string,
  body: { stream: ByteStream; sha256: string },
  o: WriteOptions,
  secrets?: readonly string[],
): Promise<void> {
  const script = writeScript(path, tempPathFor(path), o, body.sha256);
  await runOk(t, script, `write ${path}`, secrets, { stdin: body.stream });
}

/** `lineInFile`: one line present (or absent) in a file, with Ansible lineinfile semantics. */
import { defineResource } from '../dsl/resource.js';
import type { Resource } from '../types.js';
import { z } from 'zod';
import { invalid, metaOf, type Meta } from './common.js';
import { attrsShape, metaShape, parseOptions, presence, targetPath } from './options.js';
import {
  applyFileChange,
  attrChanges,
  describeFileChange,
  fileDiff,
  fileFact,
  type FileChange,
  type FileState,
} from './filewrite.js';

/** The options of `lineInFile()`. */
export interface LineInFileOptions extends Meta {
  path: string;
  /** The whole line (without newline). Not needed for state 'absent' with a regexp. */
  line?: string;
  /** Lines to replace (present: the last match) or remove (absent). Searched, not anchored. */
  regexp?: RegExp | string;
  state?: 'present' | 'absent';
  /** Where a new line goes: 'EOF' (default) or after the last line matching this. */
  insertAfter?: 'EOF' | RegExp | string;
  /** Create the file when missing (state present). Default false: a missing file fails. */
  create?: boolean;
  mode?: number;
  owner?: string | number;
  group?: string | number;
}

/** One edit of a file's lines: the whole new content (or null: unchanged) and what changed. */
export interface LineEdit {
  /** The whole new content; null = unchanged. */
  content: string | null;
  /** 'replaced', 'added', 'removed N' … */
  what: string;
}

/** A RegExp (or its source text), returned without the stateful g/y flags. */
const regExp = z.union([z.string(), z.instanceof(RegExp)]).transform((v, ctx) => {
  try {
    const r = typeof v === 'string' ? new RegExp(v) : v;
    return new RegExp(r.source, r.flags.replace(/[gy]/g, ''));
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression (${e instanceof Error ? e.message : String(e)}): pass a RegExp literal, e.g. /^PermitRootLogin\\s/` });
    return z.NEVER;
  }
});

const lineInFileOptions = z.object({
  ...metaShape,
  path: targetPath,
  line: z.string().refine((l) => !l.includes('\n'), 'a line without newlines: use one lineInFile per line, or file() for whole content').optional(),
  regexp: regExp.optional(),
  insertAfter: z.union([z.literal('EOF'), regExp]).default('EOF'),
  create: z.boolean().default(false),
  ...attrsShape,
  state: presence,
});

/** Splits text into lines; `eol` tells whether the last line ended with a newline. */
function splitLines(text: string): { lines: string[]; eol: boolean } {
  if (text === '') return { lines: [], eol: true };
  const eol = text.endsWith('\n');
  const lines = (eol ? text.slice(0, -1) : text).split('\n');
  return { lines, eol };
}

const join = (lines: string[]): string => (lines.length ? `${lines.join('\n')}\n` : '');

/** The pure edit (exported for tests and for sysctl's persisted file). */
export function editLines(
  text: string,
  o: { line?: string; regexp?: RegExp; state: 'present' | 'absent'; insertAfter?: 'EOF' | RegExp },
): LineEdit {
  const { lines, eol } = splitLines(text);
  const strip = (l: string): string => l.replace(/\r$/, '');
  const matches = (l: string): boolean => (o.regexp ? o.regexp.test(l) : strip(l) === o.line);
  if (o.state === 'absent') {
    const kept = lines.filter((l) => !matches(l));
    const n = lines.length - kept.length;
    return n === 0 ? { content: null, what: 'no match' } : { content: join(kept), what: `removed ${n} line(s)` };
  }
  const line = o.line ?? '';
  let idx = -1;
  lines.forEach((l, i) => {
    if (matches(l)) idx = i;
  });
  if (idx === -1 && o.regexp && lines.some((l) => strip(l) === line)) return { content: null, what: 'line present' };
  if (idx !== -1) {
    if (lines[idx] === line) return { content: null, what: 'line present' };
    const out = [...lines];
    out[idx] = line;
    return { content: eol ? join(out) : out.join('\n'), what: 'replaced line' };
  }
  let at = lines.length;
  if (o.insertAfter instanceof RegExp) {
    const ins = o.insertAfter;
    lines.forEach((l, i) => {
      if (ins.test(l)) at = i + 1;
    });
  }
  const out = [...lines];
  out.splice(at, 0, line);
  return { content: join(out), what: 'added line' };
}

/** What a lineInFile resource will do: the file's new content. */
export interface LineInFileChange extends FileChange {
  what: string;
}

/** Ansible-style lineinfile: replace the last regexp match, else add; absent removes matches. */
export function lineInFile(o: LineInFileOptions): Resource<FileState, LineInFileChange, 'posix'> {
  const kind = 'lineInFile';
  const { path, state, regexp, insertAfter, create, mode, owner, group, line } = parseOptions(kind, lineInFileOptions, o, 'lineInFile({ path, line })');
  const want = { mode, owner, group };
  if (line === undefined && (state === 'present' || regexp === undefined)) {
    throw invalid(kind, 'line', o.line, state === 'present' ? 'line is required' : 'give line or regexp', "line: 'key = value'");
  }
  const edit = { line: o.line, regexp, state, insertAfter } as const;
  const secrets = o.secrets;
  const label = o.line ?? String(regexp);
  return defineResource<FileState, LineInFileChange>({
    ...metaOf(o),
    id: `lineInFile ${path}: ${label}`,
    kind,
    shell: 'posix',
    read: fileFact(path, { content: true }),
    plan(cur) {
      if (cur.type === 'link') throw new Error(`${path} is a symlink (to ${cur.linkTarget ?? '?'}); point lineInFile at the file itself`);
      if (cur.type === 'dir' || cur.type === 'other') throw new Error(`${path} is not a regular file`);
      if (cur.type === 'absent') {
        if (state === 'absent') return null;
        if (!create) throw new Error(`${path} does not exist (set create: true to create it)`);
      }
      if (cur.type === 'file' && cur.content === undefined) throw new Error(`${path} is larger than 1 MiB; lineInFile will not edit it`);
      const text = cur.content?.toString('utf8') ?? '';
      const r = editLines(text, edit);
      if (r.content === null) {
        const why = cur.type === 'file' ? attrChanges(cur, want) : [];
        return why.length ? { action: 'attrs', path, ...want, reasons: why, what: why.join(', ') } : null;
      }
      const reasons = [cur.type === 'absent' ? 'create' : r.what];
      return { action: 'write', path, content: Buffer.from(r.content, 'utf8'), ...want, reasons, what: r.what };
    },
    describe: describeFileChange,
    desired: () => ({
      settings: [
        state === 'absent'
          ? `${path}: no line ${line !== undefined ? JSON.stringify(line) : `matching ${String(regexp)}`}`
          : `${path}: the line ${JSON.stringify(line)}${regexp !== undefined ? ` (replacing the last match of ${String(regexp)})` : ''}`,
      ],
    }),
    diff: (cur, c) => fileDiff(cur, c, secrets),
    apply: (t, c) => applyFileChange(t, c, want, secrets),
  });
}

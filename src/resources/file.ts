/** `file`: a regular file with exact content, mode and owner (or its absence). */
import { defineResource } from '../dsl/resource.js';
import type { Resource, ShellCommand } from '../types.js';
import { z } from 'zod';
import { invalid, metaOf, type Meta } from './common.js';
import { attrsShape, metaShape, parseOptions, presence, targetPath, tempCheck } from './options.js';
import {
  applyFileChange,
  describeFileChange,
  fileDiff,
  fileFact,
  planFileAbsent,
  planFileContent,
  type FileChange,
  type FileState,
} from './filewrite.js';

/** The options of `file()`. */
export interface FileOptions extends Meta {
  path: string;
  /** Wanted content (required unless state is 'absent'). */
  content?: string | Buffer;
  /** Octal mode, e.g. 0o644. Default: keep the old file's, 0644 for new files. */
  mode?: number;
  owner?: string | number;
  group?: string | number;
  /** Checks the new content in a temp file first, e.g. (tmp) => sh`visudo -cf ${tmp}`. */
  validate?: (tmpPath: string) => ShellCommand;
  /** Keep the old file as PATH.YYYYMMDDTHHMMSS~ when replacing it. */
  backup?: boolean;
  state?: 'present' | 'absent';
  /** Create missing parent directories. Default false. */
  mkdirs?: boolean;
}

/** The resource `file()` returns. */
export type FileResource = Resource<FileState, FileChange, 'posix'>;

const fileOptions = z.object({
  ...metaShape,
  path: targetPath,
  content: z.union([z.string(), z.instanceof(Buffer)], { errorMap: () => ({ message: "a string or a Buffer, e.g. content: 'text\\n'" }) }).optional(),
  ...attrsShape,
  validate: tempCheck.optional(),
  backup: z.boolean().default(false),
  state: presence,
  mkdirs: z.boolean().default(false),
});

/** Shared by `file` and `template` (`kind` names the factory in messages). */
export function buildFile(kind: string, o: FileOptions): FileResource {
  const v = parseOptions(kind, fileOptions, o, `${kind}({ path: '/etc/x', content: '…' })`);
  const { path, state, mode, owner, group, backup, mkdirs } = v;
  const content = typeof v.content === 'string' ? Buffer.from(v.content, 'utf8') : v.content;
  if (state === 'present' && content === undefined) throw invalid(kind, 'content', o.content, 'content must be a string or a Buffer', "content: 'text\\n'");
  const want = { mode, owner, group };
  const secrets = o.secrets;
  return defineResource<FileState, FileChange>({
    ...metaOf(o),
    id: `${kind} ${path}`,
    kind,
    shell: 'posix',
    read: fileFact(path, { content: true }),
    plan: (cur) => (content === undefined ? planFileAbsent(path, cur) : planFileContent(path, cur, content, want)),
    describe: describeFileChange,
    desired: () =>
      content === undefined
        ? { settings: [`${path}: absent`] }
        : { files: [{ path, content, ...(mode !== undefined ? { mode } : {}), ...(owner !== undefined ? { owner } : {}), ...(group !== undefined ? { group } : {}) }] },
    diff: (cur, c) => fileDiff(cur, c, secrets),
    apply: (t, c) => applyFileChange(t, c, { ...want, ...(v.validate ? { validate: v.validate } : {}), backup, mkdirs }, secrets),
  });
}

/** A regular file with exact content (atomic write, optional validate and backup). */
export function file(o: FileOptions): FileResource {
  return buildFile('file', o);
}

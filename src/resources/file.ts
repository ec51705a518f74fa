/** `file`: a regular file with exact content, mode and owner (or its absence). */
import { defineResource } from '../dsl/resource.js';
import type { Resource, ShellCommand } from '../types.js';
import { checkBool, checkEnum, checkMeta, checkMode, checkOwner, checkTargetPath, invalid, metaOf, type Meta } from './common.js';
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

export type FileResource = Resource<FileState, FileChange, 'posix'>;

/** Shared by `file` and `template` (`kind` names the factory in messages). */
export function buildFile(kind: string, o: FileOptions): FileResource {
  if (typeof o !== 'object' || o === null) throw invalid(kind, '(options)', o, 'options must be an object', `${kind}({ path: '/etc/x', content: '…' })`);
  checkMeta(kind, o);
  const path = checkTargetPath(kind, 'path', o.path);
  const state = checkEnum(kind, 'state', o.state, ['present', 'absent'] as const) ?? 'present';
  const mode = checkMode(kind, 'mode', o.mode);
  const owner = checkOwner(kind, 'owner', o.owner);
  const group = checkOwner(kind, 'group', o.group);
  const backup = checkBool(kind, 'backup', o.backup) ?? false;
  const mkdirs = checkBool(kind, 'mkdirs', o.mkdirs) ?? false;
  if (o.validate !== undefined && typeof o.validate !== 'function') {
    throw invalid(kind, 'validate', o.validate, 'validate must be a function of the temp path', 'validate: (tmp) => sh`nginx -t -c ${tmp}`');
  }
  let content: Buffer | undefined;
  if (state === 'present') {
    if (typeof o.content === 'string') content = Buffer.from(o.content, 'utf8');
    else if (Buffer.isBuffer(o.content)) content = o.content;
    else throw invalid(kind, 'content', o.content, 'content must be a string or a Buffer', "content: 'text\\n'");
  }
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
    diff: (cur, c) => fileDiff(cur, c, secrets),
    apply: (t, c) => applyFileChange(t, c, { ...want, validate: o.validate, backup, mkdirs }, secrets),
  });
}

/** A regular file with exact content (atomic write, optional validate and backup). */
export function file(o: FileOptions): FileResource {
  return buildFile('file', o);
}

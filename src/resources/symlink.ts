/** `symlink`: PATH is a symbolic link to TARGET (ln -sfn semantics, replaced atomically). */
import { defineResource } from '../dsl/resource.js';
import { raw, sh } from '../shell/quote.js';
import type { Resource } from '../types.js';
import { checkBool, checkEnum, checkMeta, checkTargetPath, invalid, metaOf, redact, runOk, type Meta } from './common.js';
import { fileFact, tempPathFor, type FileState } from './filewrite.js';

export interface SymlinkOptions extends Meta {
  path: string;
  /** What the link points to (absolute or relative to the link's directory); stored as given. */
  target: string;
  /** Replace a regular file or an empty directory at `path`. Default false (refuse). */
  force?: boolean;
  /** 'absent' removes the link (only a link). */
  state?: 'present' | 'absent';
}

export interface SymlinkChange {
  action: 'link' | 'remove';
  /** What is there now and gets replaced: 'absent', 'link', 'file', 'dir'. */
  replaces: FileState['type'];
}

function stateText(st: FileState): string {
  if (st.type === 'link') return `${st.linkTarget ?? '?'}\n`;
  return `(${st.type === 'dir' ? 'directory' : st.type})\n`;
}

export function symlink(o: SymlinkOptions): Resource<FileState, SymlinkChange, 'posix'> {
  const kind = 'symlink';
  if (typeof o !== 'object' || o === null) throw invalid(kind, '(options)', o, 'options must be an object', "symlink({ path, target })");
  checkMeta(kind, o);
  const path = checkTargetPath(kind, 'path', o.path);
  const state = checkEnum(kind, 'state', o.state, ['present', 'absent'] as const) ?? 'present';
  const force = checkBool(kind, 'force', o.force) ?? false;
  const target = o.target;
  if (state === 'present' && (typeof target !== 'string' || target === '' || target.includes('\0') || target.includes('\n'))) {
    throw invalid(kind, 'target', target, 'target must be a non-empty path without NUL or newline', "target: '/usr/local/keepalived/sbin/keepalived'");
  }
  const secrets = o.secrets;
  return defineResource<FileState, SymlinkChange>({
    ...metaOf(o),
    id: `symlink ${path}`,
    kind,
    shell: 'posix',
    read: fileFact(path, { sha256: false }),
    plan(cur) {
      if (state === 'absent') {
        if (cur.type === 'absent') return null;
        if (cur.type !== 'link') throw new Error(`${path} is a ${cur.type}, not a symlink; refusing to remove it`);
        return { action: 'remove', replaces: 'link' };
      }
      if (cur.type === 'link') return cur.linkTarget === target ? null : { action: 'link', replaces: 'link' };
      if (cur.type === 'absent') return { action: 'link', replaces: 'absent' };
      if (cur.type === 'other') throw new Error(`${path} is a special file; refusing to replace it with a symlink`);
      if (!force) throw new Error(`${path} is a real ${cur.type === 'dir' ? 'directory' : 'file'}; refusing to replace it with a symlink (set force: true)`);
      return { action: 'link', replaces: cur.type };
    },
    describe: (c) => (c.action === 'remove' ? `remove symlink ${path}` : `link ${path} → ${target}${c.replaces === 'absent' || c.replaces === 'link' ? '' : ` (replacing a ${c.replaces})`}`),
    diff: (cur, c) => ({
      before: redact(stateText(cur), secrets),
      after: redact(c.action === 'remove' ? '(absent)\n' : `${target}\n`, secrets),
      label: path,
    }),
    async apply(t, c) {
      if (c.action === 'remove') {
        await runOk(t, sh`rm -f -- ${path}`, `remove symlink ${path}`, secrets);
        return;
      }
      const tmp = tempPathFor(path);
      // rename(2) of a link over an empty directory fails, so that one is removed first
      const clear = c.replaces === 'dir' ? sh`rmdir -- ${path} && ` : sh``;
      const cmd = sh`ln -s -- ${target} ${tmp} && ${raw(clear)}mv -Tf -- ${tmp} ${path} || { rc=$?; rm -f -- ${tmp}; exit $rc; }`;
      await runOk(t, cmd, `link ${path} → ${target}`, secrets);
    },
  });
}

/** `symlink`: PATH is a symbolic link to TARGET (ln -sfn semantics, replaced atomically). */
import { defineResource } from '../dsl/resource.js';
import { raw, sh } from '../shell/quote.js';
import type { Resource } from '../types.js';
import { z } from 'zod';
import { invalid, metaOf, redact, runOk, type Meta } from './common.js';
import { metaShape, parseOptions, presence, targetPath } from './options.js';
import { fileFact, tempPathFor, type FileState } from './filewrite.js';

/** The options of `symlink()`. */
export interface SymlinkOptions extends Meta {
  path: string;
  /** What the link points to (absolute or relative to the link's directory); stored as given. */
  target: string;
  /** Replace a regular file or an empty directory at `path`. Default false (refuse). */
  force?: boolean;
  /** 'absent' removes the link (only a link). */
  state?: 'present' | 'absent';
}

/** What a symlink resource will do: create, repoint or remove the link. */
export interface SymlinkChange {
  action: 'link' | 'remove';
  /** What is there now and gets replaced: 'absent', 'link', 'file', 'dir'. */
  replaces: FileState['type'];
}

const symlinkOptions = z.object({
  ...metaShape,
  path: targetPath,
  target: z
    .string({ invalid_type_error: "a path, e.g. target: '/usr/local/keepalived/sbin/keepalived'" })
    .regex(/^[^\0\n]+$/, 'a non-empty path without NUL or newline')
    .optional(),
  force: z.boolean().default(false),
  state: presence,
});

function stateText(st: FileState): string {
  if (st.type === 'link') return `${st.linkTarget ?? '?'}\n`;
  return `(${st.type === 'dir' ? 'directory' : st.type})\n`;
}

/** A symbolic link on the host pointing at a target (or absent). */
export function symlink(o: SymlinkOptions): Resource<FileState, SymlinkChange, 'posix'> {
  const kind = 'symlink';
  const { path, state, force, target: given } = parseOptions(kind, symlinkOptions, o, 'symlink({ path, target })');
  if (state === 'present' && given === undefined) {
    throw invalid(kind, 'target', given, 'target is required', "target: '/usr/local/keepalived/sbin/keepalived'");
  }
  const target = given ?? '';
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
    desired: () => ({ settings: [state === 'absent' ? `${path}: no symlink` : `${path}: symlink → ${target}`] }),
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

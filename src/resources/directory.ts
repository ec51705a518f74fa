/** `directory`: a directory with mode and owner (or its absence, removed recursively). */
import { defineResource } from '../dsl/resource.js';
import { sh } from '../shell/quote.js';
import type { Diff, Resource, ShellCommand } from '../types.js';
import { z } from 'zod';
import { metaOf, octal, redact, runOk, type Meta } from './common.js';
import { attrsShape, metaShape, parseOptions, presence, targetPath } from './options.js';
import { attrChanges, chownArg, fileFact, type FileAttrs, type FileState } from './filewrite.js';

/** The options of `directory()`. */
export interface DirectoryOptions extends Meta {
  path: string;
  /** Octal mode, e.g. 0o755. Default: mkdir's (0755 under the usual umask), not enforced. */
  mode?: number;
  owner?: string | number;
  group?: string | number;
  /** 'absent' removes the directory and everything in it. */
  state?: 'present' | 'absent';
}

/** What a directory resource will do: create it, change its attributes, or remove it. */
export interface DirectoryChange extends FileAttrs {
  action: 'create' | 'attrs' | 'remove';
  reasons: string[];
}

const directoryOptions = z.object({ ...metaShape, path: targetPath, ...attrsShape, state: presence });

function stateText(st: FileState): string {
  if (st.type === 'absent') return 'absent\n';
  if (st.type !== 'dir') return `${st.type}\n`;
  return `directory mode ${st.mode === undefined ? '?' : octal(st.mode)} owner ${st.user ?? '?'} group ${st.group ?? '?'}\n`;
}

/** A directory on the host, with its owner, group and mode (or absent). */
export function directory(o: DirectoryOptions): Resource<FileState, DirectoryChange, 'posix'> {
  const kind = 'directory';
  const { path, state, mode, owner, group } = parseOptions(kind, directoryOptions, o, "directory({ path: '/etc/app' })");
  const want: FileAttrs = { mode, owner, group };
  const secrets = o.secrets;
  return defineResource<FileState, DirectoryChange>({
    ...metaOf(o),
    id: `directory ${path}`,
    kind,
    shell: 'posix',
    read: fileFact(path, { sha256: false }),
    plan(cur) {
      if (state === 'absent') {
        if (cur.type === 'absent') return null;
        if (cur.type !== 'dir') throw new Error(`${path} is a ${cur.type}, not a directory; refusing to remove it`);
        return { action: 'remove', reasons: ['remove'] };
      }
      if (cur.type === 'absent') return { action: 'create', ...want, reasons: ['create'] };
      if (cur.type !== 'dir') throw new Error(`${path} exists and is a ${cur.type === 'link' ? 'symlink' : cur.type}, not a directory`);
      const why = attrChanges(cur, want);
      return why.length ? { action: 'attrs', ...want, reasons: why } : null;
    },
    describe: (c) => `${c.action === 'attrs' ? 'set attributes of' : c.action} directory ${path} (${c.reasons.join(', ')})`,
    desired: () => ({ settings: [state === 'absent' ? `${path}: absent` : `${path}: ${stateText({ type: 'dir', mode, user: owner === undefined ? undefined : String(owner), group: group === undefined ? undefined : String(group) }).trim()}`] }),
    diff(cur, c): Diff {
      const after: FileState =
        c.action === 'remove'
          ? { type: 'absent' }
          : { type: 'dir', mode: c.mode ?? cur.mode ?? 0o755, user: c.owner ?? cur.user ?? 'root', group: c.group ?? cur.group ?? 'root' };
      return { before: redact(stateText(cur), secrets), after: redact(stateText(after), secrets), label: path };
    },
    async apply(t, c) {
      if (c.action === 'remove') {
        await runOk(t, sh`rm -rf -- ${path}`, `remove directory ${path}`, secrets);
        return;
      }
      const cmds: ShellCommand[] = [];
      if (c.action === 'create') cmds.push(sh`mkdir -p -- ${path}`);
      if (c.mode !== undefined) cmds.push(sh`chmod ${octal(c.mode)} -- ${path}`);
      const chown = chownArg(c);
      if (chown) cmds.push(sh`chown ${chown} -- ${path}`);
      await runOk(t, cmds.join(' && ') as ShellCommand, `${c.action} directory ${path}`, secrets);
    },
  });
}

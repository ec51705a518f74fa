/** `upload`: a file from the control node copied to the host when its sha256 differs. */
import { resolve } from 'node:path';
import { defineResource } from '../dsl/resource.js';
import type { Resource } from '../types.js';
import { z } from 'zod';
import { invalid, metaOf, type Meta } from './common.js';
import { attrsShape, metaShape, parseOptions, targetPath } from './options.js';
import { applyFileAttrs, attrChanges, fileFact, writeFileContent, type FileAttrs, type FileState } from './filewrite.js';
import { localFile, type LocalFile } from './content.js';

/** The options of `upload()`. */
export interface UploadOptions extends Meta {
  /** Path on the control node (relative paths: from the current directory). */
  src: string;
  /** Absolute path on the host. */
  dest: string;
  mode?: number;
  owner?: string | number;
  group?: string | number;
  /** Expected sha256 of `src`: a mismatch fails before the host is touched. */
  sha256?: string;
}

/** What an upload resource will do: copy the file, or only set its attributes. */
export interface UploadChange extends FileAttrs {
  action: 'upload' | 'attrs';
  reasons: string[];
}

/**
 * The local file's size and sha256 (hashed once per content: src/resources/content.ts), checked
 * against the expected sha256 (E_VALIDATION on mismatch). Its bytes are read only while sent.
 */
function loadLocal(kind: string, src: string, expected: string | undefined): LocalFile {
  let f: LocalFile;
  try {
    f = localFile(src);
  } catch (e) {
    throw invalid(kind, 'src', src, `cannot read the local file (${e instanceof Error ? e.message : String(e)})`, 'check the path (relative paths start at the current directory)');
  }
  if (expected !== undefined && f.sha256 !== expected.toLowerCase()) {
    throw invalid(kind, 'sha256', expected, `${src} has sha256 ${f.sha256}, not the expected one`, 'fetch the right file, or update sha256 if the new file is trusted');
  }
  return f;
}

const uploadOptions = z.object({
  ...metaShape,
  src: z.string({ required_error: "a local file path, e.g. src: 'files/keepalived-2.2.7.tar.gz'" }).min(1, "a local file path, e.g. src: 'files/keepalived-2.2.7.tar.gz'"),
  dest: targetPath,
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, '64 hex digits: run sha256sum on the file').optional(),
  ...attrsShape,
});

/** A file from the control node copied to the host when its sha256 differs. */
export function upload(o: UploadOptions): Resource<FileState, UploadChange, 'posix'> {
  const kind = 'upload';
  const v = parseOptions(kind, uploadOptions, o, "upload({ src: 'files/x.tar.gz', dest: '/usr/local/src/x.tar.gz' })");
  const { dest } = v;
  const want: FileAttrs = { mode: v.mode, owner: v.owner, group: v.group };
  const src = resolve(v.src);
  // read and hashed once, in preflight: before any host is contacted, but not by --list-*
  let loaded: LocalFile | undefined;
  const local = () => (loaded ??= loadLocal(kind, src, v.sha256));
  const secrets = o.secrets;
  const summary = (st: FileState): string =>
    st.type === 'file' ? `sha256 ${st.sha256 ?? '?'} (${st.size ?? '?'} bytes)\n` : `(${st.type})\n`;
  return defineResource<FileState, UploadChange>({
    ...metaOf(o),
    id: `upload ${dest}`,
    kind,
    shell: 'posix',
    read: fileFact(dest),
    preflight: () => void local(),
    plan(cur) {
      if (cur.type === 'dir' || cur.type === 'other') throw new Error(`${dest} is a ${cur.type === 'dir' ? 'directory' : 'special file'}; give the full file path as dest`);
      if (cur.type !== 'file') return { action: 'upload', ...want, reasons: [cur.type === 'link' ? 'replace symlink' : 'create'] };
      if (cur.sha256 !== local().sha256) return { action: 'upload', ...want, reasons: ['content'] };
      const why = attrChanges(cur, want);
      return why.length ? { action: 'attrs', ...want, reasons: why } : null;
    },
    describe: (c) => `${c.action === 'upload' ? `upload ${src} to` : 'set attributes of'} ${dest} (${c.reasons.join(', ')})`,
    desired: () => ({ settings: [`${dest}: a copy of ${src} (on the control node)${v.sha256 ? `, sha256 ${v.sha256}` : ''}`] }),
    diff: (cur, c) => ({
      before: summary(cur),
      after: c.action === 'upload' ? summary({ type: 'file', sha256: local().sha256, size: local().size }) : c.reasons.join('\n') + '\n',
      label: dest,
    }),
    async apply(t, c) {
      if (c.action === 'upload') {
        // re-check: the local file may have changed since the playbook was built (a stat when it did not)
        const now = loadLocal(kind, src, v.sha256 ?? local().sha256);
        await writeFileContent(t, dest, now, { mode: c.mode ?? 0o644, ...(c.owner !== undefined ? { owner: c.owner } : {}), ...(c.group !== undefined ? { group: c.group } : {}) }, secrets);
        return;
      }
      await applyFileAttrs(t, dest, c, secrets);
    },
  });
}

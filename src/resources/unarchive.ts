/** `unarchive`: a tarball already on the host extracted into a directory, once per archive content. */
import { posix } from 'node:path';
import { defineResource } from '../dsl/resource.js';
import { raw, sh } from '../shell/quote.js';
import type { Fact, Resource } from '../types.js';
import { checkFactResult, checkMeta, checkPath, checkTargetPath, invalid, kv, metaOf, parseKv, runOk, type Meta } from './common.js';

export const UNARCHIVE_MARKER = '.lvs-play-unarchive';

export interface UnarchiveOptions extends Meta {
  /** Tarball path on the host (.tar, .tar.gz, .tar.xz, .tar.bz2: tar detects it). */
  src: string;
  /** Directory to extract into (created when missing). */
  dest: string;
  /** Path relative to dest whose existence means "already extracted". */
  creates?: string;
  /** tar --strip-components. */
  stripComponents?: number;
}

export interface UnarchiveState {
  /** sha256 of the archive, null when it is missing. */
  archiveSha: string | null;
  /** sha256 recorded by the last extraction. */
  marker: string | null;
  createsExists: boolean;
}

export interface UnarchiveChange {
  archiveSha: string | null;
}

function fact(src: string, dest: string, creates: string | undefined): Fact<UnarchiveState> {
  const c = creates === undefined ? sh`:` : sh`if [ -e ${creates} ] || [ -L ${creates} ]; then echo creates=1; fi`;
  const marker = posix.join(dest, UNARCHIVE_MARKER);
  return {
    command: sh`if [ -f ${src} ]; then printf 'archive='; sha256sum < ${src} | cut -d' ' -f1; fi
if [ -f ${marker} ]; then printf 'marker='; head -c 100 ${marker}; echo; fi
${raw(c)}`,
    parse(r) {
      checkFactResult(`unarchive ${src}`, r);
      const m = parseKv(r.stdout);
      const sha = (k: string): string | null => {
        const v = kv(m, k)?.trim();
        return v && /^[0-9a-f]{64}$/.test(v) ? v : null;
      };
      return { archiveSha: sha('archive'), marker: sha('marker'), createsExists: kv(m, 'creates') === '1' };
    },
  };
}

/** The pure plan (exported for tests). */
export function planUnarchive(hasCreates: boolean, cur: UnarchiveState): UnarchiveChange | null {
  if (hasCreates && cur.createsExists) return null;
  if (cur.archiveSha !== null && cur.marker === cur.archiveSha) return null;
  return { archiveSha: cur.archiveSha };
}

export function unarchive(o: UnarchiveOptions): Resource<UnarchiveState, UnarchiveChange, 'posix'> {
  const kind = 'unarchive';
  if (typeof o !== 'object' || o === null) throw invalid(kind, '(options)', o, 'options must be an object', "unarchive({ src: '/usr/local/src/x.tar.gz', dest: '/usr/local/src' })");
  checkMeta(kind, o);
  const src = checkTargetPath(kind, 'src', o.src);
  const dest = checkPath(kind, 'dest', o.dest);
  let creates: string | undefined;
  if (o.creates !== undefined) {
    if (typeof o.creates !== 'string' || o.creates === '' || o.creates.startsWith('/') || o.creates.includes('\0')) {
      throw invalid(kind, 'creates', o.creates, 'creates must be a path relative to dest', "creates: 'keepalived-2.2.7/configure'");
    }
    creates = posix.join(dest, o.creates);
  }
  const strip = o.stripComponents;
  if (strip !== undefined && (!Number.isInteger(strip) || strip < 0 || strip > 100)) {
    throw invalid(kind, 'stripComponents', strip, 'stripComponents must be a whole number ≥ 0', 'stripComponents: 1');
  }
  const secrets = o.secrets;
  const marker = posix.join(dest, UNARCHIVE_MARKER);
  return defineResource<UnarchiveState, UnarchiveChange>({
    ...metaOf(o),
    id: `unarchive ${src} → ${dest}`,
    kind,
    shell: 'posix',
    read: fact(src, dest, creates),
    plan: (cur) => planUnarchive(creates !== undefined, cur),
    describe: (c) => `extract ${src} into ${dest}${c.archiveSha === null ? ' (archive not there yet)' : ''}`,
    diff: (cur, c) => ({
      before: `${dest}: ${cur.marker ? `extracted from sha256 ${cur.marker}` : 'not extracted'}\n`,
      after: `${dest}: extracted from ${c.archiveSha ? `sha256 ${c.archiveSha}` : src}\n`,
      label: `unarchive ${dest}`,
    }),
    async apply(t) {
      const stripArg = strip ? sh` --strip-components=${strip}` : sh``;
      // hash what is actually extracted (the archive may have been replaced since the read)
      const cmd = sh`[ -f ${src} ] || { echo ${`archive ${src} does not exist`} >&2; exit 2; }
sum=$(sha256sum < ${src} | cut -d' ' -f1) || exit 1
mkdir -p -- ${dest} || exit 1
tar -x -f ${src} -C ${dest} --no-same-owner${raw(stripArg)} </dev/null || exit $?
printf '%s\n' "$sum" > ${marker}`;
      await runOk(t, cmd, `extract ${src} into ${dest}`, secrets);
    },
  });
}

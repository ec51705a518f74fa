/** `unarchive`: a tarball already on the host extracted into a directory, once per archive content. */
import { posix } from 'node:path';
import { defineResource } from '../dsl/resource.js';
import { raw, sh } from '../shell/quote.js';
import type { Fact, Resource } from '../types.js';
import { z } from 'zod';
import { checkFactResult, kv, metaOf, parseKv, runOk, type Meta } from './common.js';
import { hostPath, metaShape, parseOptions, targetPath } from './options.js';
import { hostSha256 } from './filewrite.js';

export const UNARCHIVE_MARKER = '.lvs-play-unarchive';

/** The options of `unarchive()`. */
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

/** What an unarchive resource reads: the archive's sha256, the one the last extraction recorded, `creates`. */
export interface UnarchiveState {
  /** sha256 of the archive, null when it is missing. */
  archiveSha: string | null;
  /** sha256 recorded by the last extraction. */
  marker: string | null;
  createsExists: boolean;
}

/** What an unarchive resource will do: extract the archive (of this sha256). */
export interface UnarchiveChange {
  archiveSha: string | null;
}

function fact(src: string, dest: string, creates: string | undefined): Fact<UnarchiveState> {
  const c = creates === undefined ? sh`:` : sh`if [ -e ${creates} ] || [ -L ${creates} ]; then echo creates=1; fi`;
  const marker = posix.join(dest, UNARCHIVE_MARKER);
  return {
    command: sh`if [ -f ${src} ]; then printf 'archive='; ${raw(hostSha256())} < ${src} | cut -d' ' -f1; fi
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

const unarchiveOptions = z.object({
  ...metaShape,
  src: targetPath,
  dest: hostPath,
  creates: z
    .string()
    .refine((c) => c !== '' && !c.startsWith('/') && !c.includes('\0'), "a path relative to dest, e.g. creates: 'keepalived-2.2.7/configure'")
    .optional(),
  stripComponents: z.number().int('a whole number ≥ 0, e.g. stripComponents: 1').min(0, 'a whole number ≥ 0, e.g. stripComponents: 1').max(100, 'at most 100').optional(),
});

/** A tarball already on the host extracted into a directory, once per archive content. */
export function unarchive(o: UnarchiveOptions): Resource<UnarchiveState, UnarchiveChange, 'posix'> {
  const kind = 'unarchive';
  const v = parseOptions(kind, unarchiveOptions, o, "unarchive({ src: '/usr/local/src/x.tar.gz', dest: '/usr/local/src' })");
  const { src, dest, stripComponents: strip } = v;
  const creates = v.creates === undefined ? undefined : posix.join(dest, v.creates);
  const secrets = o.secrets;
  const marker = posix.join(dest, UNARCHIVE_MARKER);
  return defineResource<UnarchiveState, UnarchiveChange>({
    ...metaOf(o),
    id: `unarchive ${src} → ${dest}`,
    kind,
    shell: 'posix',
    read: fact(src, dest, creates),
    plan: (cur) => planUnarchive(creates !== undefined, cur),
    desired: () => ({ settings: [`${dest}: ${src} extracted${creates !== undefined ? ` (unless ${creates} exists)` : ''}`] }),
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
sum=$(${raw(hostSha256())} < ${src} | cut -d' ' -f1) || exit 1
mkdir -p -- ${dest} || exit 1
tar -x -f ${src} -C ${dest} --no-same-owner${raw(stripArg)} </dev/null || exit $?
printf '%s\n' "$sum" > ${marker}`;
      await runOk(t, cmd, `extract ${src} into ${dest}`, secrets);
    },
  });
}

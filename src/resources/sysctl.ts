/** `sysctl`: a kernel parameter, live (/proc/sys) and persisted as `name = value` in a sysctl.d file. */
import { defineResource } from '../dsl/resource.js';
import { raw, sh } from '../shell/quote.js';
import type { Fact, Resource } from '../types.js';
import { z } from 'zod';
import { b64, checkFactResult, invalid, kv, metaOf, parseKv, redact, runOk, type Meta } from './common.js';
import { metaShape, parseOptions, targetPath } from './options.js';
import { applyFileChange, fileFactScript, parseFileState, type FileState } from './filewrite.js';
import { kernelFactScript } from './kernel-read.js';
import { editLines } from './lineinfile.js';
import { PlainCache, plainKey } from '../dsl/plain-key.js';

export const DEFAULT_SYSCTL_FILE = '/etc/sysctl.d/99-lvs-play.conf';

/** The options of `sysctl()`. */
export interface SysctlOptions extends Meta {
  /** Dotted name, e.g. net.ipv4.ip_forward ('/' inside a component stands for '.', as sysctl(8) has it). */
  name: string;
  value: string | number;
  /** Write `name = value` to `file`. Default true. */
  persist?: boolean;
  file?: string;
  /** Set the running value. Default true. */
  live?: boolean;
}

/** A kernel parameter as read: its live value and the persisted one. */
export interface SysctlState {
  /** Running value, whitespace normalised; null when the key does not exist. */
  live: string | null;
  /** The persisted file. */
  file: FileState;
}

/** What a sysctl resource will do: set the value live and/or in the file. */
export interface SysctlChange {
  /** Write this value to /proc/sys. */
  live?: string;
  /** New content of the persisted file. */
  fileContent?: Buffer;
  /** Whether the file is new. */
  createFile?: boolean;
}

/** Kernel parameter names; interface names inside them may hold any character of the kit's ifaceName (@ too). */
const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.@/-]*$/;

/** Collapses runs of spaces/tabs/newlines to one space (sysctl prints multi-values with tabs). */
export function normaliseValue(v: string): string {
  return v.trim().split(/\s+/).join(' ');
}

/** /proc/sys path of a dotted name: dots separate components, '/' inside one stands for '.'. */
export function procPath(name: string): string {
  return `/proc/sys/${name.split('.').map((c) => c.replace(/\//g, '.')).join('/')}`;
}

/** The regexp matching a persisted `name = …` line (either spelling: dots or slashes). */
function lineRegExp(name: string): RegExp {
  const alt = name.replace(/\./g, '\u0000').replace(/\//g, '.').replace(/\u0000/g, '/');
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`^\\s*(${esc(name)}|${esc(alt)})\\s*=`);
}

export function sysctlFact(name: string, file: string | null): Fact<SysctlState> {
  const p = procPath(name);
  const fileRead = file === null ? null : { path: file, content: true, prefix: 'f.' };
  // the running value: one read(2) of /proc/sys (src/resources/kernel-read.ts)
  const liveRead = { path: p, key: 'live' };
  const live = kernelFactScript(liveRead);
  return {
    command: fileRead ? sh`${raw(live)}
${raw(fileFactScript(fileRead.path, fileRead))}` : live,
    // in a host's batch the running values of all its sysctls are read by one command, and the
    // persisted file with every other fact's paths (once for several sysctls)
    split: { files: fileRead ? [fileRead] : [], kernel: [liveRead] },
    parse(r) {
      checkFactResult(`sysctl ${name}`, r);
      const m = parseKv(r.stdout);
      const live = kv(m, 'live');
      return {
        live: live === undefined ? null : normaliseValue(b64(live).toString('utf8')),
        file: file === null ? { type: 'absent' } : parseFileState(m, file, 'f.'),
      };
    },
  };
}

/** The pure plan (exported for fixture tests). */
export function planSysctl(
  o: { name: string; value: string; persist: boolean; file: string; live: boolean },
  cur: SysctlState,
): SysctlChange | null {
  const change: SysctlChange = {};
  if (o.live) {
    if (cur.live === null) throw new Error(`sysctl ${o.name}: no such kernel parameter (${procPath(o.name)} is missing)`);
    if (cur.live !== o.value) change.live = o.value;
  }
  if (o.persist) {
    if (cur.file.type !== 'file' && cur.file.type !== 'absent') throw new Error(`${o.file} is not a regular file`);
    if (cur.file.type === 'file' && cur.file.content === undefined) throw new Error(`${o.file} is larger than 1 MiB`);
    const text = cur.file.content?.toString('utf8') ?? '';
    const edit = editLines(text, { line: `${o.name} = ${o.value}`, regexp: lineRegExp(o.name), state: 'present', insertAfter: 'EOF' });
    if (edit.content !== null) {
      change.fileContent = Buffer.from(edit.content, 'utf8');
      change.createFile = cur.file.type === 'absent';
    }
  }
  return change.live === undefined && change.fileContent === undefined ? null : change;
}

/** The persisted value in a file's text, if any (last line wins, as sysctl --system reads it). */
function persistedValue(name: string, text: string): string | null {
  const re = lineRegExp(name);
  let v: string | null = null;
  for (const l of text.split('\n')) if (re.test(l)) v = normaliseValue(l.slice(l.indexOf('=') + 1));
  return v;
}

const sysctlOptions = z.object({
  ...metaShape,
  name: z
    .string({ required_error: "a dotted kernel parameter name, e.g. name: 'net.ipv4.ip_forward'" })
    .refine((n) => NAME_RE.test(n) && !n.includes('..') && !n.endsWith('.'), "a dotted kernel parameter name (letters, digits and _ . - / @), e.g. name: 'net.ipv4.ip_forward'"),
  value: z
    .union([z.string(), z.number()], { errorMap: () => ({ message: 'a non-empty string or number, e.g. value: 1' }) })
    .transform((v) => normaliseValue(String(v)))
    .refine((v) => v !== '', 'a non-empty string or number, e.g. value: 1'),
  persist: z.boolean().default(true),
  file: targetPath.default(DEFAULT_SYSCTL_FILE),
  live: z.boolean().default(true),
});

/**
 * The options, validated once per distinct plain input: a site sets the same few sysctls on every
 * real server (10 000 hosts: docs/scaling.md). Inputs holding anything but plain values (a
 * function in `when`…) are validated each time.
 */
const parsedCache = new PlainCache<ReturnType<typeof sysctlOptions.parse>>(10_000);
function parsedSysctl(o: SysctlOptions): ReturnType<typeof sysctlOptions.parse> {
  const key = plainKey(o);
  const known = parsedCache.get(key);
  if (known) return known;
  const parsed = parseOptions('sysctl', sysctlOptions, o, "sysctl({ name: 'net.ipv4.ip_forward', value: 1 })");
  parsedCache.set(key, parsed);
  return parsed;
}

/** A kernel parameter, live and persisted in a sysctl.d file. */
export function sysctl(o: SysctlOptions): Resource<SysctlState, SysctlChange, 'posix'> {
  const kind = 'sysctl';
  const { name, value, persist, live, file } = parsedSysctl(o);
  if (!persist && !live) throw invalid(kind, 'live', false, 'with persist and live both false there is nothing to manage', 'drop one of the two');
  const opts = { name, value, persist, file, live };
  const secrets = o.secrets;
  const show = (v: string | null): string => `${name} = ${v ?? '(missing)'}`;
  return defineResource<SysctlState, SysctlChange>({
    ...metaOf(o),
    id: `sysctl ${name}`,
    kind,
    shell: 'posix',
    read: sysctlFact(name, persist ? file : null),
    plan: (cur) => planSysctl(opts, cur),
    desired: () => ({ settings: [`${[live ? 'live' : '', persist ? `in ${file}` : ''].filter(Boolean).join(' and ')}: ${name} = ${value}`] }),
    describe: (c) =>
      [c.live !== undefined ? `set ${name} = ${c.live}` : '', c.fileContent ? `persist it in ${file}` : ''].filter(Boolean).join(', '),
    diff(cur, c) {
      const before: string[] = [];
      const after: string[] = [];
      if (live) {
        before.push(show(cur.live));
        after.push(show(c.live ?? cur.live));
      }
      if (persist) {
        const old = cur.file.content ? persistedValue(name, cur.file.content.toString('utf8')) : null;
        before.push(`${file}: ${old === null ? '(not set)' : show(old)}`);
        after.push(`${file}: ${show(value)}`);
      }
      return { before: redact(`${before.join('\n')}\n`, secrets), after: redact(`${after.join('\n')}\n`, secrets), label: `sysctl ${name}` };
    },
    async apply(t, c) {
      if (c.fileContent) {
        await applyFileChange(t, { action: 'write', path: file, content: c.fileContent, reasons: [] }, { mkdirs: true }, secrets);
      }
      if (c.live !== undefined) {
        await runOk(t, sh`printf '%s\n' ${c.live} > ${procPath(name)}`, `set ${name}`, secrets);
      }
    },
  });
}
